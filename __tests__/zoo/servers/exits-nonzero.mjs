// misbehaving: exits with code 3 on SIGTERM
import http from 'node:http'
import { responseCounter } from './count.mjs'

const answered = responseCounter()

process.on('SIGTERM', () => process.exit(3))
http
  .createServer((req, res) => {
    answered()
    res.end('ok\n')
  })
  .listen(Number(process.env.PORT), '127.0.0.1')
