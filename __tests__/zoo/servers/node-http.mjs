// node:http as its docs write a hello world: no signal handler, so SIGTERM kills it
import http from 'node:http'
import { responseCounter } from './count.mjs'

const answered = responseCounter()

const server = http.createServer((req, res) => {
  answered()
  res.writeHead(200, { 'Content-Type': 'text/plain' })
  res.end('Hello World!\n')
})
server.listen(Number(process.env.PORT), '127.0.0.1')
