// writes 10 MB to stdout with no newline before it listens, then serves
import http from 'node:http'
import { responseCounter } from './count.mjs'

const answered = responseCounter()

process.stdout.write('x'.repeat(10 * 1024 * 1024), () => {
  http
    .createServer((req, res) => {
      answered()
      res.end('ok\n')
    })
    .listen(Number(process.env.PORT), '127.0.0.1')
})
