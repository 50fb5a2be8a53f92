// closes an idle keep-alive connection after 50 ms, far shorter than the gap between rounds
import http from 'node:http'
import { responseCounter } from './count.mjs'

const answered = responseCounter()

const server = http.createServer((req, res) => {
  answered()
  res.end('ok\n')
})
server.keepAliveTimeout = 50
server.listen(Number(process.env.PORT), '127.0.0.1')
