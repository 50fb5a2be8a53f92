import http2 from 'node:http2'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { AddressInfo } from 'node:net'

/** the test certificate (for 127.0.0.1 and localhost), from the repository's root, where tests and benches run */
const tlsDir = () => path.resolve('__fixtures__', 'tls')

export interface H2TestServer {
  url: string
  /** requests the server saw */
  seen: () => number
  /** the most streams it had open at once */
  peakStreams: () => number
  /** sessions (connections) it accepted */
  sessions: () => number
  close: () => Promise<void>
}

export interface H2ServerOptions {
  /** TLS (h2, the test certificate of __fixtures__/tls) or clear text (h2c) */
  secure: boolean
  settings?: http2.Settings
  /** answers the stream; the default sends 200 "ok" */
  handler?: (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, n: number) => void
}

/** A node:http2 server on 127.0.0.1 with an ephemeral port, counting what it saw. */
export async function startH2Server(options: H2ServerOptions): Promise<H2TestServer> {
  let count = 0
  let open = 0
  let peak = 0
  let sessionCount = 0
  const dir = tlsDir()
  const server = options.secure
    ? http2.createSecureServer({
        key: readFileSync(path.join(dir, 'server.key')),
        cert: readFileSync(path.join(dir, 'server.crt')),
        ...(options.settings ? { settings: options.settings } : {})
      })
    : http2.createServer(options.settings ? { settings: options.settings } : {})
  const sessions = new Set<http2.ServerHttp2Session>()
  server.on('session', session => {
    sessionCount++
    sessions.add(session)
    session.on('close', () => sessions.delete(session))
  })
  server.on('stream', (stream, headers) => {
    count++
    open++
    peak = Math.max(peak, open)
    stream.on('close', () => open--)
    stream.on('error', () => undefined)
    if (options.handler) options.handler(stream, headers, count)
    else {
      stream.respond({ ':status': 200, 'content-type': 'text/plain' })
      stream.end('ok')
    }
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    url: `${options.secure ? 'https' : 'http'}://127.0.0.1:${port}/`,
    seen: () => count,
    peakStreams: () => peak,
    sessions: () => sessionCount,
    close: async () => {
      for (const session of sessions) session.destroy()
      server.close()
      if (server.listening) await once(server, 'close')
    }
  }
}
