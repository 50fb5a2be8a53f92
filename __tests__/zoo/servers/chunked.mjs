// a chunked response (no Content-Length): three writes, the last one on the next tick
import http from 'node:http'
import { responseCounter } from './count.mjs'

const answered = responseCounter()

http
  .createServer((req, res) => {
    answered()
    res.write('Hello ')
    res.write('chunked ')
    setImmediate(() => res.end('World!\n'))
  })
  .listen(Number(process.env.PORT), '127.0.0.1')
