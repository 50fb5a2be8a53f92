// answers every request with Connection: close, so each request needs a new connection
import http from 'node:http'
import { responseCounter } from './count.mjs'

const answered = responseCounter()

http
  .createServer((req, res) => {
    answered()
    res.setHeader('Connection', 'close')
    res.end('ok\n')
  })
  .listen(Number(process.env.PORT), '127.0.0.1')
