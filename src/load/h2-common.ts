import http2 from 'node:http2'
import net from 'node:net'
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls'
import { H2_ERROR_CODES } from '../config/metrics.js'

/** What perfgate's two HTTP/2 clients (h2.ts over node:http2, h2-wire.ts over frames) share. */

/** the most streams perfgate opens on one connection when the server allows more (or says nothing) */
export const MAX_STREAMS = 100
/** receive windows as h2load's defaults (2^30 - 1): the client's window never paces the server */
export const WINDOW = 2 ** 30 - 1
/** how long open() waits for a connection's SETTINGS before it goes on with the limit it assumed */
export const SETTINGS_WAIT_MS = 5000
/** how often a refused request is sent again before it counts as failed (a reset) */
export const MAX_RETRIES = 3

/** RST_STREAM and GOAWAY error codes by number (RFC 9113 §7), for the names in errors and metrics. */
export const CODE_NAMES = new Map<number, string>(
  H2_ERROR_CODES.map(code => [
    http2.constants[`NGHTTP2_${code.toUpperCase()}` as keyof typeof http2.constants] as number,
    code.toUpperCase()
  ])
)

/** Connection-specific HTTP/1.1 headers that HTTP/2 forbids (RFC 9113 §8.2.2). */
export const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade'
])

export interface H2Options {
  protocol: 'h2' | 'h2c'
  connections: number
  /** concurrent streams per connection; absent: the server's limit, at most MAX_STREAMS */
  streams?: number
  /** h2 only: TLS options (verification, servername) */
  tls?: ConnectionOptions
}

/**
 * A request's headers as HTTP/2 sends them: lower-case names, Host as :authority, no connection headers
 * (the pseudo-headers :method and :path are the caller's).
 */
export function h2Fields(headers: Record<string, string>): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase()
    if (lower === 'host') fields[':authority'] = value
    else if (!HOP_BY_HOP.has(lower)) fields[lower] = value
  }
  return fields
}

/** The error of a stream the server reset with `code` (not NO_ERROR); `refused`: it may be sent again. */
export function resetError(code: number): Error & { code: string; refused: boolean } {
  const name = codeName(code)
  return Object.assign(new Error(`the server reset the stream (RST_STREAM ${name})`), {
    code: 'ERR_HTTP2_STREAM_ERROR',
    refused: code === http2.constants.NGHTTP2_REFUSED_STREAM
  })
}

export function codeName(code: number): string {
  return CODE_NAMES.get(code) ?? `code ${code}`
}

export function closedError(): Error {
  return Object.assign(new Error('the load was closed before the request was sent'), { code: 'ECONNABORTED' })
}

/** The error for an h2 target whose TLS handshake did not choose HTTP/2. */
export function alpnProblem(origin: string, alpn: string | false | null | undefined): string {
  const host = new URL(origin).host
  const negotiated = alpn ? `ALPN negotiated "${alpn}"` : 'the server chose no protocol by ALPN'
  return (
    `${host} does not speak HTTP/2 over TLS (${negotiated}, not "h2"): set \`protocol: http1\` on the request ` +
    '(or `auto`, which follows ALPN)'
  )
}

/**
 * A connection's socket: TLS offering only h2 by ALPN, or clear text; Nagle's algorithm off (node:http2 leaves it
 * on: a stream's frames would wait).
 */
export function h2Socket(url: URL, protocol: 'h2' | 'h2c', tls?: ConnectionOptions): net.Socket {
  const host = url.hostname.replace(/^\[|\]$/g, '')
  const port = Number(url.port || (protocol === 'h2' ? 443 : 80))
  const socket =
    protocol === 'h2'
      ? tlsConnect({ ...tls, host, port, ALPNProtocols: ['h2'] })
      : net.connect({ host, port })
  socket.setNoDelay(true)
  return socket
}

/** The error of a stream that ended (or whose connection closed) before its response did. */
export function prematureClose(what = 'the HTTP/2 stream closed'): Error & { code: string } {
  return Object.assign(new Error(`${what} before its response ended`), { code: 'ERR_STREAM_PREMATURE_CLOSE' })
}
