// every response is 1 MB
import http from 'node:http'
import { responseCounter } from './count.mjs'

const answered = responseCounter()

const body = Buffer.alloc(1024 * 1024, 'x')
http
  .createServer((req, res) => {
    answered()
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': body.length })
    res.end(body)
  })
  .listen(Number(process.env.PORT), '127.0.0.1')
