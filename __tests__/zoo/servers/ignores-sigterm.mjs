// misbehaving: SIGTERM is caught and ignored, so only SIGKILL stops it
import http from 'node:http'
import { responseCounter } from './count.mjs'

const answered = responseCounter()

process.on('SIGTERM', () => console.log('SIGTERM ignored'))
http
  .createServer((req, res) => {
    answered()
    res.end('ok\n')
  })
  .listen(Number(process.env.PORT), '127.0.0.1')
