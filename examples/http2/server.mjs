// An HTTP/2 service for the example config beside it: node:http2 on HOST:PORT (default 127.0.0.1:8080), in clear
// text (h2c, prior knowledge) unless TLS_KEY and TLS_CERT name a key and certificate, then over TLS (h2 by ALPN).
// GET /hello answers 200 "hello"; GET /items/:id a small JSON document; anything else 404. Prints
// "listening on URL" when ready. No dependencies.
import http2 from 'node:http2'
import { readFileSync } from 'node:fs'

const host = process.env.HOST ?? '127.0.0.1'
const port = Number(process.env.PORT ?? 8080)
const secure = Boolean(process.env.TLS_KEY && process.env.TLS_CERT)

function answer(stream, headers) {
  const path = String(headers[':path'] ?? '/')
  const item = /^\/items\/(\d+)$/.exec(path)
  if (path === '/hello') {
    stream.respond({ ':status': 200, 'content-type': 'text/plain' })
    stream.end('hello')
  } else if (item) {
    stream.respond({ ':status': 200, 'content-type': 'application/json' })
    stream.end(JSON.stringify({ id: Number(item[1]), name: `item ${item[1]}` }))
  } else {
    stream.respond({ ':status': 404 })
    stream.end()
  }
}

const server = secure
  ? http2.createSecureServer({
      key: readFileSync(process.env.TLS_KEY),
      cert: readFileSync(process.env.TLS_CERT)
    })
  : http2.createServer()
server.on('stream', (stream, headers) => {
  stream.on('error', () => undefined)
  answer(stream, headers)
})
server.listen(port, host, () => {
  console.log(`listening on ${secure ? 'https' : 'http'}://${host}:${server.address().port}`)
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
