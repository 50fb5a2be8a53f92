import net from 'node:net'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'

/**
 * The ways an HTTP/1.x response says where its body ends (RFC 9112 §6.3), as servers really send them:
 * `content-length` and `chunked` on a kept-alive connection; `close-delimited`, HTTP/1.1 with `Connection: close`
 * and no length, the body ending when the server closes (PHP's built-in server); `http10`, an HTTP/1.0 response
 * without keep-alive, its connection closed after it.
 */
export const FRAMINGS = ['content-length', 'chunked', 'close-delimited', 'http10'] as const
export type Framing = (typeof FRAMINGS)[number]

const BODY = 'hello from a raw server\n'

function response(framing: Framing): { bytes: string; closes: boolean } {
  switch (framing) {
    case 'content-length':
      return { bytes: `HTTP/1.1 200 OK\r\nContent-Length: ${BODY.length}\r\n\r\n${BODY}`, closes: false }
    case 'chunked': {
      const half = BODY.length >> 1
      const chunk = (s: string) => `${s.length.toString(16)}\r\n${s}\r\n`
      const body = chunk(BODY.slice(0, half)) + chunk(BODY.slice(half)) + '0\r\n\r\n'
      return { bytes: `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${body}`, closes: false }
    }
    case 'close-delimited':
      return {
        bytes: `HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${BODY}`,
        closes: true
      }
    case 'http10':
      return { bytes: `HTTP/1.0 200 OK\r\nContent-Length: ${BODY.length}\r\n\r\n${BODY}`, closes: true }
  }
}

export interface FramingServer {
  url: string
  /** requests the server read */
  seen: () => number
  close: () => Promise<void>
}

/**
 * A raw `net` server on 127.0.0.1 (no HTTP library, so nothing adds a header or a framing of its own) that answers
 * every GET with `framing`; one that closes answers one request per connection, as such servers do.
 */
export async function startFramingServer(framing: Framing): Promise<FramingServer> {
  const { bytes, closes } = response(framing)
  const sockets = new Set<net.Socket>()
  let seen = 0
  const server = net.createServer(socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => undefined)
    let buffered = ''
    socket.on('data', chunk => {
      buffered += chunk.toString('latin1')
      let end: number
      while ((end = buffered.indexOf('\r\n\r\n')) >= 0 && !socket.writableEnded) {
        buffered = buffered.slice(end + 4)
        seen++
        if (closes) socket.end(bytes)
        else socket.write(bytes)
      }
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/`,
    seen: () => seen,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      server.close()
      if (server.listening) await once(server, 'close')
    }
  }
}
