// node:http2 as its docs start it: over TLS (h2, ALPN) with the key and certificate the zoo generated in this
// directory, or in clear text (h2c, prior knowledge) when H2C=1. Counts the responses it answered (count.mjs).
import http2 from 'node:http2'
import { readFileSync } from 'node:fs'
import { responseCounter } from './count.mjs'

const answered = responseCounter()

const server =
  process.env.H2C === '1'
    ? http2.createServer()
    : http2.createSecureServer({ key: readFileSync('key.pem'), cert: readFileSync('cert.pem') })
server.on('error', err => console.error(err))
server.on('stream', stream => {
  answered()
  stream.respond({ ':status': 200, 'content-type': 'text/plain' })
  stream.end('Hello World!')
})
server.listen(Number(process.env.PORT), '127.0.0.1')
