import type { Outcome, RequestHooks } from './dispatch.js'
import {
  closedError,
  codeName,
  h2Fields,
  MAX_RETRIES,
  MAX_STREAMS,
  resetError,
  type H2Options
} from './h2-common.js'
import { WireConnection, type ConnectionOwner, type StreamError, type WireStream } from './h2-connection.js'
import { encodeHeaders } from './hpack.js'
import type { RenderedRequest } from './request.js'
import type { Transport } from './transport.js'
import type { StreamErrors } from './types.js'

interface Queued {
  request: RenderedRequest
  hooks: RequestHooks
  /** times it was sent before and refused */
  attempt?: number
}

/** A request's encoded header block, kept per headers object (the last method and path it was built for). */
interface CachedBlock {
  /** the fields after the pseudo-headers, flat name, value pairs */
  rest: string[]
  authority: string
  method?: string
  path?: string
  block?: Buffer
}

/**
 * HTTP/2 spoken in frames over a net or TLS socket (h2-connection.ts), with the behaviour of H2Transport
 * (h2.ts) at a fraction of node:http2's cost per request (docs/design-notes.md): `connections` connections, each
 * carrying up to its stream limit of concurrent requests; a request that finds every connection full waits in a
 * queue (and that wait counts as its latency). A connection the server retires (GOAWAY) or whose stream ids run
 * out takes no new stream; the next request opens another. A refused request is sent again, up to MAX_RETRIES.
 */
export class H2WireTransport implements Transport, ConnectionOwner {
  readonly protocol: 'h2' | 'h2c'
  private readonly connections: WireConnection[] = []
  private readonly queue: Queued[] = []
  private queueHead = 0
  private readonly errors: StreamErrors = { rstStream: {}, goaway: 0, refused: 0, flowControlStalls: 0 }
  private readonly blocks = new WeakMap<Record<string, string>, CachedBlock>()
  private readonly scheme: string
  private closed = false

  constructor(
    private readonly url: URL,
    private readonly options: H2Options
  ) {
    this.protocol = options.protocol
    this.scheme = options.protocol === 'h2' ? 'https' : 'http'
  }

  async open(): Promise<number> {
    while (this.connections.length < this.options.connections) this.connect()
    await Promise.all(this.connections.map(c => c.settled))
    const limits = this.connections.map(c => c.limit)
    const fallback = this.options.streams ?? MAX_STREAMS
    return limits.reduce((a, b) => a + b, 0) + (this.options.connections - limits.length) * fallback
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
    // destroy() closes each socket at once: nothing is written after it
    await Promise.all(
      this.connections.splice(0).map(c => {
        c.destroy()
        return c.whenClosed()
      })
    )
  }

  onRoom(): void {
    this.pump()
  }

  onGoaway(): void {
    this.errors.goaway++
    this.pump()
  }

  onClose(connection: WireConnection): void {
    const at = this.connections.indexOf(connection)
    if (at >= 0) this.connections.splice(at, 1)
    this.pump()
  }

  /** A connection with a free stream: the least busy; a new one while fewer than asked are open and all are busy. */
  private pick(): WireConnection | undefined {
    if (this.closed) return undefined
    let best: WireConnection | undefined
    let live = 0
    for (const c of this.connections) {
      if (c.retired) continue
      live++
      if (c.streams.size < c.limit && (!best || c.streams.size < best.streams.size)) best = c
    }
    if ((!best || best.streams.size > 0) && live < this.options.connections) return this.connect()
    return best
  }

  private connect(): WireConnection {
    const { url, options } = this
    const connection = new WireConnection(
      { url, protocol: options.protocol, ...(options.tls ? { tls: options.tls } : {}) },
      options.streams ?? MAX_STREAMS,
      this
    )
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

  private start(
    connection: WireConnection,
    request: RenderedRequest,
    hooks: RequestHooks,
    attempt = 0
  ): void {
    let ended = false
    let opened = false
    let failure: Error | undefined
    const end = (outcome: Outcome) => {
      if (ended) return
      ended = true
      hooks.end(outcome)
      this.pump()
    }
    const stream: WireStream = {
      id: 0,
      size: 0,
      sent: 0,
      window: 0,
      received: 0,
      ...(request.body === undefined ? {} : { body: Buffer.from(request.body) }),
      finish: (error?: StreamError) => {
        if (ended) return
        if (!error) return end({ status: stream.status!, size: stream.size })
        const reason = this.count(error)
        if (reason.refused && attempt < MAX_RETRIES && !this.closed) {
          // never processed (RFC 9113 §8.7): sent again first, on a connection that takes it; its latency runs on
          ended = true
          return this.retry({ request, hooks, attempt: attempt + 1 })
        }
        end({ size: stream.size, error: reason })
      }
    }
    hooks.onConnect?.(reason => {
      if (ended) return
      if (!opened) failure = reason
      else {
        connection.cancel(stream)
        end({ size: stream.size, error: reason })
      }
    })
    if (failure) return end({ size: 0, error: failure })
    opened = true
    if (connection.open(stream, this.blockOf(request))) this.errors.flowControlStalls++
    hooks.onRequestSent?.()
  }

  /** Counts a stream's error by kind; a reset becomes the error h2.ts gives for it. */
  private count(error: StreamError): StreamError {
    if (error.rstCode !== undefined) {
      const name = codeName(error.rstCode)
      this.errors.rstStream[name] = (this.errors.rstStream[name] ?? 0) + 1
      const reset = resetError(error.rstCode)
      if (reset.refused) this.errors.refused++
      return reset
    }
    if (error.refused) this.errors.refused++
    return error
  }

  /** A refused request goes to the queue's front. */
  private retry(item: Queued): void {
    if (this.queueHead > 0) this.queue[--this.queueHead] = item
    else this.queue.unshift(item)
    this.pump()
  }

  /** The request's header block: pseudo-headers, then its own fields (h2Fields), encoded once per shape. */
  private blockOf(request: RenderedRequest): Buffer {
    let cached = this.blocks.get(request.headers)
    if (!cached) {
      const fields = h2Fields(request.headers)
      const authority = fields[':authority'] ?? this.url.host
      delete fields[':authority']
      cached = { rest: Object.entries(fields).flat(), authority }
      this.blocks.set(request.headers, cached)
    }
    if (cached.block && cached.method === request.method && cached.path === request.path) return cached.block
    cached.method = request.method
    cached.path = request.path
    cached.block = encodeHeaders([
      ':method',
      request.method,
      ':scheme',
      this.scheme,
      ':authority',
      cached.authority,
      ':path',
      request.path,
      ...cached.rest
    ])
    return cached.block
  }
}
