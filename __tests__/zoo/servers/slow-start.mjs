// takes 5 s before it listens
import http from 'node:http'
import { responseCounter } from './count.mjs'

const answered = responseCounter()

const server = http.createServer((req, res) => {
  answered()
  res.end('ok\n')
})
setTimeout(() => server.listen(Number(process.env.PORT), '127.0.0.1'), 5000)
