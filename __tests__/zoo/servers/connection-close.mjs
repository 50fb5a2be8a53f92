// answers every request with Connection: close, so each request needs a new connection
import http from 'node:http'

http
  .createServer((req, res) => {
    res.setHeader('Connection', 'close')
    res.end('ok\n')
  })
  .listen(Number(process.env.PORT), '127.0.0.1')
