// listens on the IPv6 loopback only: 127.0.0.1 refuses
import http from 'node:http'
import { responseCounter } from './count.mjs'

const answered = responseCounter()

http
  .createServer((req, res) => {
    answered()
    res.end('ok\n')
  })
  .listen(Number(process.env.PORT), '::1')
