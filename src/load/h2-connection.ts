import type net from 'node:net'
import type { ConnectionOptions, TLSSocket } from 'node:tls'
import { alpnProblem, h2Socket, prematureClose, SETTINGS_WAIT_MS, WINDOW } from './h2-common.js'
import {
  CLIENT_PREFACE,
  dataFrames,
  DEFAULT_MAX_FRAME_SIZE,
  DEFAULT_WINDOW,
  ERROR_CODE,
  FLAG,
  FRAME,
  FrameReader,
  goaway,
  headersFrames,
  MAX_STREAM_ID,
  pingAck,
  readSettings,
  rstStream,
  SETTING,
  SETTINGS_ACK,
  settingsFrame,
  unpadded,
  windowUpdate
} from './h2-frames.js'
import { HpackDecoder } from './hpack.js'

/** the dynamic table perfgate's decoder keeps (the default: servers may use it before they hear otherwise) */
const HEADER_TABLE_SIZE = 4096

/** Why a stream ended without its response: `rstCode` from the server's RST_STREAM, `refused` when never processed. */
export type StreamError = Error & { code?: string; rstCode?: number; refused?: boolean }

/** One request on a connection, as the transport made it. */
export interface WireStream {
  id: number
  /** the response's status, once its header block arrived */
  status?: number
  /** header (name + value + 4 per field, as h2.ts counts them) and DATA bytes received */
  size: number
  body?: Buffer
  /** body bytes sent so far */
  sent: number
  /** the stream's send window */
  window: number
  /** DATA bytes received since the stream's last WINDOW_UPDATE */
  received: number
  /** the response ended (no error) or the stream failed; called once, after the stream left the connection */
  finish: (error?: StreamError) => void
}

/** What a connection tells the transport. */
export interface ConnectionOwner {
  /** room for streams may have changed (SETTINGS, a window) */
  onRoom(connection: WireConnection): void
  onGoaway(connection: WireConnection): void
  onClose(connection: WireConnection): void
}

export interface Target {
  url: URL
  protocol: 'h2' | 'h2c'
  tls?: ConnectionOptions
}

/**
 * One HTTP/2 connection spoken in frames over a net or TLS socket: the preface and SETTINGS, streams with their
 * header blocks and bodies (send windows honoured), responses read frame by frame with HPACK, PING and SETTINGS
 * acknowledged, GOAWAY and RST_STREAM handed to the streams they end. Writes of one turn go out as one write.
 */
export class WireConnection {
  readonly streams = new Map<number, WireStream>()
  /** how many streams it may have open: the streams asked for, within the server's limit */
  limit: number
  /** no new stream goes on it (GOAWAY, stream ids used up, closing) */
  retired = false
  readonly settled: Promise<void>
  private settle: () => void = () => undefined
  private readonly socket: net.Socket
  private readonly reader: FrameReader
  private readonly decoder = new HpackDecoder(HEADER_TABLE_SIZE)
  private nextId = 1
  private peerWindow = DEFAULT_WINDOW
  private peerMaxFrameSize = DEFAULT_MAX_FRAME_SIZE
  private sendWindow = DEFAULT_WINDOW
  /** DATA bytes received since the connection's last WINDOW_UPDATE */
  private received = 0
  /** a header block waiting for its CONTINUATION frames */
  private headerBlock: { streamId: number; flags: number; parts: Buffer[] } | undefined
  /** streams whose body waits for a window */
  private readonly blocked = new Set<WireStream>()
  private out: Buffer[] = []
  private closed = false
  private ending = false
  private error: StreamError | undefined

  constructor(
    target: Target,
    private readonly asked: number,
    private readonly owner: ConnectionOwner
  ) {
    this.limit = asked
    this.settled = new Promise<void>(resolve => (this.settle = resolve))
    const timer = setTimeout(this.settle, SETTINGS_WAIT_MS)
    timer.unref()
    const socket = (this.socket = h2Socket(target.url, target.protocol, target.tls))
    if (target.protocol === 'h2')
      socket.once('secureConnect', () => {
        const alpn = (socket as TLSSocket).alpnProtocol
        if (alpn !== 'h2')
          this.destroy(
            Object.assign(new Error(alpnProblem(target.url.origin, alpn)), { code: 'ERR_PERFGATE_ALPN' })
          )
      })
    this.reader = new FrameReader(this.onFrame)
    socket.on('data', (chunk: Buffer) => {
      try {
        this.reader.push(chunk)
      } catch (error) {
        const code = (error as { code?: string }).code
        this.fail(
          code === 'ERR_PERFGATE_HPACK' ? ERROR_CODE.COMPRESSION_ERROR : ERROR_CODE.FRAME_SIZE_ERROR,
          error
        )
      }
    })
    socket.on('error', error => (this.error ??= error))
    socket.once('close', () => {
      clearTimeout(timer)
      this.onClose()
    })
    this.write(CLIENT_PREFACE)
    this.write(
      settingsFrame([
        [SETTING.ENABLE_PUSH, 0],
        [SETTING.INITIAL_WINDOW_SIZE, WINDOW]
      ])
    )
    this.write(windowUpdate(0, WINDOW - DEFAULT_WINDOW))
  }

  /** Whether a new stream may start on it now. */
  hasRoom(): boolean {
    return !this.retired && this.streams.size < this.limit
  }

  /** Sends a request: its header block, then as much of its body as the windows allow; true if the body waits. */
  open(stream: WireStream, block: Buffer): boolean {
    stream.id = this.nextId
    this.nextId += 2
    if (this.nextId > MAX_STREAM_ID) this.retired = true
    stream.window = this.peerWindow
    this.streams.set(stream.id, stream)
    const body = stream.body
    this.write(headersFrames(stream.id, block, !body?.length, this.peerMaxFrameSize))
    if (!body?.length) return false
    this.sendBody(stream)
    return this.blocked.has(stream)
  }

  /** Abandons a stream: RST_STREAM CANCEL, and it leaves the connection (its finish is the caller's). */
  cancel(stream: WireStream): void {
    if (!this.streams.delete(stream.id)) return
    this.blocked.delete(stream)
    this.write(rstStream(stream.id, ERROR_CODE.CANCEL))
    this.closeIfDone()
  }

  /** Closes the socket at once: nothing more is written. */
  destroy(error?: StreamError): void {
    if (error) this.error ??= error
    this.retired = true
    this.out = []
    this.socket.destroy()
  }

  /** the socket closed: resolves when it has */
  whenClosed(): Promise<void> {
    return this.closed
      ? Promise.resolve()
      : new Promise(resolve => this.socket.once('close', () => resolve()))
  }

  private write(frame: Buffer): void {
    if (this.socket.destroyed) return
    if (this.out.length === 0) process.nextTick(this.flush)
    this.out.push(frame)
  }

  private readonly flush = (): void => {
    const out = this.out
    this.out = []
    if (out.length === 0 || this.socket.destroyed) return
    this.socket.write(out.length === 1 ? out[0]! : Buffer.concat(out))
  }

  private sendBody(stream: WireStream): void {
    const body = stream.body!
    const { frames, sent } = dataFrames(
      stream.id,
      body,
      stream.sent,
      Math.min(this.sendWindow, stream.window),
      this.peerMaxFrameSize
    )
    stream.sent += sent
    stream.window -= sent
    this.sendWindow -= sent
    if (frames.length) this.write(frames)
    if (stream.sent < body.length) this.blocked.add(stream)
    else this.blocked.delete(stream)
  }

  private resumeBodies(): void {
    for (const stream of this.blocked) {
      if (this.sendWindow <= 0) return
      if (stream.window > 0) this.sendBody(stream)
    }
  }

  /** A connection error (RFC 9113 §5.4.1): GOAWAY with the code, then the socket closes. */
  private fail(code: number, error: unknown): void {
    this.write(goaway(0, code))
    this.flush()
    const reason = Object.assign(new Error(`HTTP/2 connection error: ${(error as Error).message}`), {
      code: 'ERR_HTTP2_SESSION_ERROR'
    })
    this.destroy(reason)
  }

  private readonly onFrame = (type: number, flags: number, streamId: number, payload: Buffer): void => {
    if (this.headerBlock && type !== FRAME.CONTINUATION)
      return this.fail(ERROR_CODE.PROTOCOL_ERROR, new Error('a header block interrupted by another frame'))
    switch (type) {
      case FRAME.DATA:
        return this.onData(flags, streamId, payload)
      case FRAME.HEADERS: {
        const fragment = unpadded(flags, payload, flags & FLAG.PRIORITY ? 5 : 0)
        if (flags & FLAG.END_HEADERS) return this.onHeaderBlock(streamId, flags, fragment)
        this.headerBlock = { streamId, flags, parts: [Buffer.from(fragment)] }
        return
      }
      case FRAME.CONTINUATION: {
        const pending = this.headerBlock
        if (!pending || pending.streamId !== streamId)
          return this.fail(ERROR_CODE.PROTOCOL_ERROR, new Error('a CONTINUATION frame without its HEADERS'))
        pending.parts.push(Buffer.from(payload))
        if (!(flags & FLAG.END_HEADERS)) return
        this.headerBlock = undefined
        return this.onHeaderBlock(streamId, pending.flags, Buffer.concat(pending.parts))
      }
      case FRAME.RST_STREAM:
        return this.onReset(streamId, payload.readUInt32BE(0))
      case FRAME.SETTINGS:
        if (!(flags & FLAG.ACK)) this.onSettings(payload)
        return
      case FRAME.PING:
        if (!(flags & FLAG.ACK)) this.write(pingAck(payload))
        return
      case FRAME.GOAWAY:
        return this.onGoaway(payload.readUInt32BE(0) & MAX_STREAM_ID)
      case FRAME.WINDOW_UPDATE:
        return this.onWindowUpdate(streamId, payload.readUInt32BE(0) & MAX_STREAM_ID)
      case FRAME.PUSH_PROMISE:
        return this.fail(ERROR_CODE.PROTOCOL_ERROR, new Error('PUSH_PROMISE although push is disabled'))
      default:
      // PRIORITY and unknown frame types are ignored (§5.5)
    }
  }

  private onData(flags: number, streamId: number, payload: Buffer): void {
    this.received += payload.length
    if (this.received >= WINDOW / 2) {
      this.write(windowUpdate(0, this.received))
      this.received = 0
    }
    const stream = this.streams.get(streamId)
    if (!stream) return
    stream.size += unpadded(flags, payload).length
    stream.received += payload.length
    if (stream.received >= WINDOW / 2 && !(flags & FLAG.END_STREAM)) {
      this.write(windowUpdate(streamId, stream.received))
      stream.received = 0
    }
    if (flags & FLAG.END_STREAM) this.endStream(stream)
  }

  private onHeaderBlock(streamId: number, flags: number, block: Buffer): void {
    // decoded even for a stream perfgate dropped: the dynamic table must follow every block
    const fields = this.decoder.decode(block)
    const stream = this.streams.get(streamId)
    if (!stream) return
    if (stream.status === undefined) {
      const at = fields.indexOf(':status')
      const status = at >= 0 && at % 2 === 0 ? Number(fields[at + 1]) : NaN
      if (!Number.isInteger(status)) {
        this.write(rstStream(streamId, ERROR_CODE.PROTOCOL_ERROR))
        return this.end(
          stream,
          Object.assign(new Error('a response without :status'), { code: 'ERR_HTTP2_ERROR' })
        )
      }
      // an informational response (1xx) comes before the real one
      if (status >= 200) {
        stream.status = status
        for (let i = 0; i < fields.length; i += 2)
          stream.size += fields[i]!.length + fields[i + 1]!.length + 4
      }
    }
    if (flags & FLAG.END_STREAM) this.endStream(stream)
  }

  private endStream(stream: WireStream): void {
    if (stream.status !== undefined) {
      // the response is complete: a body still being sent is abandoned
      if (this.blocked.has(stream)) this.write(rstStream(stream.id, ERROR_CODE.CANCEL))
      return this.end(stream)
    }
    this.end(stream, prematureClose())
  }

  private end(stream: WireStream, error?: StreamError): void {
    if (!this.streams.delete(stream.id)) return
    this.blocked.delete(stream)
    stream.finish(error)
    this.closeIfDone()
  }

  private onReset(streamId: number, code: number): void {
    const stream = this.streams.get(streamId)
    if (!stream) return
    const error =
      code === ERROR_CODE.NO_ERROR
        ? prematureClose()
        : Object.assign(new Error(`RST_STREAM ${code}`), { rstCode: code })
    this.end(stream, error)
  }

  private onSettings(payload: Buffer): void {
    for (const [id, value] of readSettings(payload)) {
      if (id === SETTING.MAX_CONCURRENT_STREAMS) this.limit = Math.max(1, Math.min(this.asked, value))
      else if (id === SETTING.MAX_FRAME_SIZE) this.peerMaxFrameSize = value
      else if (id === SETTING.INITIAL_WINDOW_SIZE) {
        // §6.9.2: the change applies to every open stream's window
        for (const stream of this.streams.values()) stream.window += value - this.peerWindow
        this.peerWindow = value
      }
    }
    this.write(SETTINGS_ACK)
    this.settle()
    this.resumeBodies()
    this.owner.onRoom(this)
  }

  private onGoaway(lastStreamId: number): void {
    // a GOAWAY answering perfgate's own (closeIfDone) retires nothing
    if (this.ending) return
    this.retired = true
    this.owner.onGoaway(this)
    // streams above the last one the server processed were never seen: sent again elsewhere (§6.8)
    for (const stream of [...this.streams.values()])
      if (stream.id > lastStreamId)
        this.end(
          stream,
          Object.assign(new Error('the server sent GOAWAY before it processed the stream'), {
            code: 'ERR_HTTP2_GOAWAY_SESSION',
            refused: true
          })
        )
    this.closeIfDone()
  }

  private onWindowUpdate(streamId: number, increment: number): void {
    if (streamId === 0) this.sendWindow += increment
    else {
      const stream = this.streams.get(streamId)
      if (stream) stream.window += increment
    }
    this.resumeBodies()
  }

  /** A retired connection with no stream left closes. */
  private closeIfDone(): void {
    if (!this.retired || this.streams.size > 0 || this.closed || this.ending) return
    this.ending = true
    this.write(goaway(0, ERROR_CODE.NO_ERROR))
    this.flush()
    this.socket.end()
  }

  private onClose(): void {
    this.closed = true
    this.retired = true
    this.settle()
    const error = this.error ?? prematureClose('the HTTP/2 connection closed')
    for (const stream of [...this.streams.values()]) this.end(stream, error)
    this.owner.onClose(this)
  }
}
