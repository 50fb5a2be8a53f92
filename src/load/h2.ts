import http2, { type ClientHttp2Session, type ClientHttp2Stream, type OutgoingHttpHeaders } from 'node:http2'
import type { TLSSocket } from 'node:tls'
import {
  alpnProblem,
  closedError,
  codeName,
  h2Fields,
  h2Socket,
  prematureClose,
  MAX_RETRIES,
  MAX_STREAMS,
  resetError,
  SETTINGS_WAIT_MS,
  WINDOW,
  type H2Options
} from './h2-common.js'
import type { Outcome, RequestHooks } from './dispatch.js'
import type { RenderedRequest } from './request.js'
import type { Transport } from './transport.js'
import type { StreamErrors } from './types.js'

const { NGHTTP2_CANCEL, NGHTTP2_NO_ERROR } = http2.constants

export { alpnProblem, MAX_STREAMS, type H2Options }

interface Connection {
  session: ClientHttp2Session
  /** streams open on it */
  active: number
  /** how many it may have open: the streams asked for, within the server's SETTINGS_MAX_CONCURRENT_STREAMS */
  limit: number
  /** the server's SETTINGS_INITIAL_WINDOW_SIZE: each new stream's send window */
  streamWindow: number
  /** the server sent GOAWAY: no new stream goes on it */
  retired: boolean
  /** the server's first SETTINGS arrived, or the connection failed */
  settled: Promise<void>
}

interface Queued {
  request: RenderedRequest
  hooks: RequestHooks
  /** times it was sent before and refused */
  attempt?: number
}

/**
 * HTTP/2 over Node's `node:http2` (nghttp2): `connections` connections, each carrying up to its stream limit of
 * concurrent requests; a request that finds every connection full waits in a queue (and that wait counts as its
 * latency, as a wait for a busy HTTP/1.1 connection does). h2 negotiates HTTP/2 by ALPN over TLS; h2c speaks it
 * in clear with prior knowledge. A connection the server retires (GOAWAY) takes no new stream; the next request
 * opens another. perfgate's load uses the frame-level client (h2-wire.ts) instead, at a fraction of this one's
 * CPU per request; this one stays as the reference bench:h2 measures it against and __tests__/load/h2-clients
 * holds it to (docs/design-notes.md, "HTTP/2's client").
 */
export class H2Transport implements Transport {
  readonly protocol: 'h2' | 'h2c'
  private readonly origin: string
  private readonly connections: Connection[] = []
  private readonly queue: Queued[] = []
  private queueHead = 0
  private readonly errors: StreamErrors = { rstStream: {}, goaway: 0, refused: 0, flowControlStalls: 0 }
  private readonly headerCache = new WeakMap<Record<string, string>, OutgoingHttpHeaders>()
  private closed = false

  constructor(
    url: URL,
    private readonly options: H2Options
  ) {
    this.protocol = options.protocol
    this.origin = `${options.protocol === 'h2' ? 'https' : 'http'}://${url.host}`
  }

  async open(): Promise<number> {
    while (this.connections.length < this.options.connections) this.connect()
    await Promise.all(this.connections.map(c => c.settled))
    const limits = this.connections.map(c => c.limit)
    const fallback = this.options.streams ?? MAX_STREAMS
    return limits.length
      ? limits.reduce((a, b) => a + b, 0) + (this.options.connections - limits.length) * fallback
      : this.options.connections * fallback
  }

  dispatch(request: RenderedRequest, hooks: RequestHooks): void {
    if (this.queueHead === this.queue.length) {
      const connection = this.pick()
      if (connection) return this.start(connection, request, hooks)
    }
    this.queue.push({ request, hooks })
  }

  streamErrors(): StreamErrors {
    return { ...this.errors, rstStream: { ...this.errors.rstStream } }
  }

  async close(): Promise<void> {
    this.closed = true
    const queued = this.queue.splice(this.queueHead)
    this.queue.length = this.queueHead = 0
    for (const item of queued) item.hooks.end({ size: 0, error: closedError() })
    // destroy() closes each socket at once: nothing is written after it. A session whose server sent GOAWAY may
    // never emit 'close' (its graceful close waits on streams the server dropped), so the wait for it is capped.
    await Promise.all(
      this.connections.splice(0).map(c => {
        if (c.session.destroyed) return undefined
        const closed = new Promise<void>(resolve => {
          const timer = setTimeout(resolve, 200)
          c.session.once('close', () => {
            clearTimeout(timer)
            resolve()
          })
        })
        c.session.destroy()
        return closed
      })
    )
  }

  /** A connection with a free stream: the least busy; a new one while fewer than asked are open and all are busy. */
  private pick(): Connection | undefined {
    if (this.closed) return undefined
    let best: Connection | undefined
    for (const c of this.connections) {
      // a session closing on a GOAWAY not yet emitted refuses new streams at once
      if (c.session.closed || c.session.destroyed) c.retired = true
      if (!c.retired && c.active < c.limit && (!best || c.active < best.active)) best = c
    }
    if ((!best || best.active > 0) && this.live() < this.options.connections) return this.connect()
    return best
  }

  private live(): number {
    let n = 0
    for (const c of this.connections) if (!c.retired) n++
    return n
  }

  private connect(): Connection {
    const { protocol, streams } = this.options
    const session = http2.connect(this.origin, {
      createConnection: () => h2Socket(new URL(this.origin), protocol, this.options.tls),
      settings: { enablePush: false, initialWindowSize: WINDOW },
      ...(streams ? { peerMaxConcurrentStreams: streams } : {})
    })
    let settle: () => void = () => undefined
    const connection: Connection = {
      session,
      active: 0,
      limit: streams ?? MAX_STREAMS,
      streamWindow: 65_535,
      retired: false,
      settled: new Promise<void>(resolve => (settle = resolve))
    }
    const timer = setTimeout(settle, SETTINGS_WAIT_MS)
    timer.unref()
    session.once('connect', (_session, socket) => {
      const alpn = (socket as TLSSocket).alpnProtocol
      if (protocol === 'h2' && alpn !== 'h2') {
        session.destroy(
          Object.assign(new Error(alpnProblem(this.origin, alpn)), { code: 'ERR_PERFGATE_ALPN' })
        )
        return
      }
      session.setLocalWindowSize(WINDOW)
    })
    session.on('remoteSettings', settings => {
      connection.streamWindow = settings.initialWindowSize ?? 65_535
      connection.limit = Math.max(
        1,
        Math.min(streams ?? MAX_STREAMS, settings.maxConcurrentStreams ?? MAX_STREAMS)
      )
      settle()
      this.pump()
    })
    session.on('goaway', () => {
      this.errors.goaway++
      connection.retired = true
      this.pump()
    })
    session.on('error', () => settle())
    session.once('close', () => {
      clearTimeout(timer)
      settle()
      connection.retired = true
      const at = this.connections.indexOf(connection)
      if (at >= 0) this.connections.splice(at, 1)
      this.pump()
    })
    this.connections.push(connection)
    return connection
  }

  /** Starts queued requests while a connection has room. */
  private pump(): void {
    while (this.queueHead < this.queue.length) {
      const connection = this.pick()
      if (!connection) return
      const { request, hooks, attempt } = this.queue[this.queueHead]!
      this.queue[this.queueHead++] = undefined as unknown as Queued
      if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
        this.queue.splice(0, this.queueHead)
        this.queueHead = 0
      }
      this.start(connection, request, hooks, attempt)
    }
  }

  private start(connection: Connection, request: RenderedRequest, hooks: RequestHooks, attempt = 0): void {
    connection.active++
    let status: number | undefined
    let size = 0
    let ended = false
    let stream: ClientHttp2Stream | undefined
    let failure: Error | undefined
    const release = () => {
      ended = true
      connection.active--
    }
    const end = (outcome: Outcome) => {
      if (ended) return
      release()
      hooks.end(outcome)
      this.pump()
    }
    hooks.onConnect?.(reason => {
      if (ended) return
      if (!stream) failure = reason
      else {
        stream.close(NGHTTP2_CANCEL)
        end({ size, error: reason })
      }
    })
    if (failure) return end({ size: 0, error: failure })
    try {
      stream = connection.session.request(this.headersOf(request), { endStream: request.body === undefined })
    } catch (error) {
      const code = (error as { code?: string }).code
      if (code === 'ERR_HTTP2_GOAWAY_SESSION' || code === 'ERR_HTTP2_INVALID_SESSION') {
        // the connection was retired under this request before it was sent: it goes on another, unrefused
        connection.retired = true
        release()
        return this.retry({ request, hooks, attempt })
      }
      return end({ size: 0, error })
    }
    hooks.onRequestSent?.()
    if (request.body !== undefined) {
      const window = Math.min(connection.session.state.remoteWindowSize ?? Infinity, connection.streamWindow)
      if (Buffer.byteLength(request.body) > window) this.errors.flowControlStalls++
      stream.end(request.body)
    }
    let streamError: (Error & { code?: string }) | undefined
    stream.on('response', headers => {
      status = Number(headers[':status'])
      for (const [name, value] of Object.entries(headers)) size += name.length + String(value).length + 4
    })
    stream.on('data', (chunk: Buffer) => (size += chunk.length))
    stream.on('end', () => {
      if (status !== undefined) end({ status, size })
    })
    stream.on('error', err => (streamError = err))
    stream.on('close', () => {
      if (ended) return
      const error = this.closeError(stream!, streamError)
      if (error.refused && attempt < MAX_RETRIES && !this.closed) {
        // never processed (RFC 9113 §8.7): sent again first, on a connection that takes it; its latency runs on
        release()
        this.retry({ request, hooks, attempt: attempt + 1 })
        return
      }
      end({ size, error })
    })
  }

  /** A refused request goes to the queue's front. */
  private retry(item: Queued): void {
    if (this.queueHead > 0) this.queue[--this.queueHead] = item
    else this.queue.unshift(item)
    this.pump()
  }

  /**
   * Why a stream closed before its response ended, counted by kind; `refused`: the server never processed it
   * (RST_STREAM REFUSED_STREAM, or past a GOAWAY's last stream), so it may be sent again.
   */
  private closeError(
    stream: ClientHttp2Stream,
    error: (Error & { code?: string }) | undefined
  ): Error & { refused?: boolean } {
    const peerReset = error === undefined || error.code === 'ERR_HTTP2_STREAM_ERROR'
    if (peerReset && stream.rstCode !== undefined && stream.rstCode !== NGHTTP2_NO_ERROR) {
      const reset = resetError(stream.rstCode)
      const name = codeName(stream.rstCode)
      this.errors.rstStream[name] = (this.errors.rstStream[name] ?? 0) + 1
      if (reset.refused) this.errors.refused++
      return reset
    }
    if (error?.code === 'ERR_HTTP2_GOAWAY_SESSION') {
      this.errors.refused++
      return Object.assign(error, { refused: true })
    }
    return error ?? prematureClose()
  }

  /** The request's headers as HTTP/2 sends them: pseudo-headers, lower-case names, no connection headers. */
  private headersOf(request: RenderedRequest): OutgoingHttpHeaders {
    let fields = this.headerCache.get(request.headers)
    if (!fields) {
      fields = h2Fields(request.headers)
      this.headerCache.set(request.headers, fields)
    }
    return { ...fields, ':method': request.method, ':path': request.path }
  }
}
