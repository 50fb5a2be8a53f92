// The HTTP/2 server of npm run bench:h2: node:http2 on 127.0.0.1:$PORT, TLS with the test certificate
// (__fixtures__/tls) that also answers HTTP/1.1 (allowHTTP1, so both protocols meet the same server), or h2c when
// H2C=1. Answers every request with 200 and a short body; prints "listening" when ready.
import http2 from 'node:http2'
import { readFileSync } from 'node:fs'

const handler = (_req, res) => {
  res.setHeader('content-type', 'text/plain')
  res.end('hello world')
}
const server =
  process.env.H2C === '1'
    ? http2.createServer(handler)
    : http2.createSecureServer(
        {
          key: readFileSync('__fixtures__/tls/server.key'),
          cert: readFileSync('__fixtures__/tls/server.crt'),
          allowHTTP1: true
        },
        handler
      )
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening'))
