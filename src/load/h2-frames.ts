/** HTTP/2 frames as a client writes and reads them (RFC 9113 §4 and §6), with no socket. */

export const FRAME = {
  DATA: 0,
  HEADERS: 1,
  PRIORITY: 2,
  RST_STREAM: 3,
  SETTINGS: 4,
  PUSH_PROMISE: 5,
  PING: 6,
  GOAWAY: 7,
  WINDOW_UPDATE: 8,
  CONTINUATION: 9
} as const

export const FLAG = { END_STREAM: 0x1, ACK: 0x1, END_HEADERS: 0x4, PADDED: 0x8, PRIORITY: 0x20 } as const

export const SETTING = {
  HEADER_TABLE_SIZE: 1,
  ENABLE_PUSH: 2,
  MAX_CONCURRENT_STREAMS: 3,
  INITIAL_WINDOW_SIZE: 4,
  MAX_FRAME_SIZE: 5,
  MAX_HEADER_LIST_SIZE: 6
} as const

/** RFC 9113 §7's codes a client sends */
export const ERROR_CODE = {
  NO_ERROR: 0,
  PROTOCOL_ERROR: 1,
  FRAME_SIZE_ERROR: 6,
  CANCEL: 8,
  COMPRESSION_ERROR: 9
}

export const FRAME_HEADER_LENGTH = 9
/** SETTINGS_MAX_FRAME_SIZE and the flow-control windows until the peer's SETTINGS say otherwise */
export const DEFAULT_MAX_FRAME_SIZE = 16_384
export const DEFAULT_WINDOW = 65_535
/** the highest stream id (31 bits) */
export const MAX_STREAM_ID = 2 ** 31 - 1

export const CLIENT_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1')

export interface FrameHeader {
  length: number
  type: number
  flags: number
  streamId: number
}

export function writeFrameHeader(
  target: Buffer,
  offset: number,
  length: number,
  type: number,
  flags: number,
  streamId: number
): void {
  target[offset] = (length >>> 16) & 0xff
  target[offset + 1] = (length >>> 8) & 0xff
  target[offset + 2] = length & 0xff
  target[offset + 3] = type
  target[offset + 4] = flags
  target.writeUInt32BE(streamId & MAX_STREAM_ID, offset + 5)
}

/** The frame header at `offset` (the reserved bit of the stream id is ignored, as §4.1 says). */
export function readFrameHeader(source: Buffer, offset = 0): FrameHeader {
  return {
    length: (source[offset]! << 16) | (source[offset + 1]! << 8) | source[offset + 2]!,
    type: source[offset + 3]!,
    flags: source[offset + 4]!,
    streamId: source.readUInt32BE(offset + 5) & MAX_STREAM_ID
  }
}

/** One frame with its payload. */
export function frame(type: number, flags: number, streamId: number, payload?: Buffer, length = 0): Buffer {
  const size = payload ? payload.length : length
  const out = Buffer.allocUnsafe(FRAME_HEADER_LENGTH + size)
  writeFrameHeader(out, 0, size, type, flags, streamId)
  if (payload) payload.copy(out, FRAME_HEADER_LENGTH)
  return out
}

/** A SETTINGS frame with the given identifier, value pairs. */
export function settingsFrame(settings: ReadonlyArray<readonly [number, number]>): Buffer {
  const out = frame(FRAME.SETTINGS, 0, 0, undefined, 6 * settings.length)
  settings.forEach(([id, value], i) => {
    out.writeUInt16BE(id, FRAME_HEADER_LENGTH + 6 * i)
    out.writeUInt32BE(value, FRAME_HEADER_LENGTH + 6 * i + 2)
  })
  return out
}

/** The identifier, value pairs of a SETTINGS frame's payload. */
export function readSettings(payload: Buffer): Array<[number, number]> {
  const out: Array<[number, number]> = []
  for (let i = 0; i + 6 <= payload.length; i += 6)
    out.push([payload.readUInt16BE(i), payload.readUInt32BE(i + 2)])
  return out
}

export const SETTINGS_ACK = frame(FRAME.SETTINGS, FLAG.ACK, 0)

export function pingAck(payload: Buffer): Buffer {
  return frame(FRAME.PING, FLAG.ACK, 0, payload)
}

export function windowUpdate(streamId: number, increment: number): Buffer {
  const out = frame(FRAME.WINDOW_UPDATE, 0, streamId, undefined, 4)
  out.writeUInt32BE(increment & MAX_STREAM_ID, FRAME_HEADER_LENGTH)
  return out
}

export function rstStream(streamId: number, code: number): Buffer {
  const out = frame(FRAME.RST_STREAM, 0, streamId, undefined, 4)
  out.writeUInt32BE(code, FRAME_HEADER_LENGTH)
  return out
}

export function goaway(lastStreamId: number, code: number): Buffer {
  const out = frame(FRAME.GOAWAY, 0, 0, undefined, 8)
  out.writeUInt32BE(lastStreamId & MAX_STREAM_ID, FRAME_HEADER_LENGTH)
  out.writeUInt32BE(code, FRAME_HEADER_LENGTH + 4)
  return out
}

/**
 * A header block as one HEADERS frame, followed by CONTINUATION frames when it is longer than the peer's
 * SETTINGS_MAX_FRAME_SIZE (§6.10), all in one buffer.
 */
export function headersFrames(
  streamId: number,
  block: Buffer,
  endStream: boolean,
  maxFrameSize = DEFAULT_MAX_FRAME_SIZE
): Buffer {
  const frames = Math.max(1, Math.ceil(block.length / maxFrameSize))
  const out = Buffer.allocUnsafe(frames * FRAME_HEADER_LENGTH + block.length)
  let at = 0
  for (let i = 0; i < frames; i++) {
    const start = i * maxFrameSize
    const length = Math.min(maxFrameSize, block.length - start)
    const type = i === 0 ? FRAME.HEADERS : FRAME.CONTINUATION
    const flags = (i === frames - 1 ? FLAG.END_HEADERS : 0) | (i === 0 && endStream ? FLAG.END_STREAM : 0)
    writeFrameHeader(out, at, length, type, flags, streamId)
    block.copy(out, at + FRAME_HEADER_LENGTH, start, start + length)
    at += FRAME_HEADER_LENGTH + length
  }
  return out
}

/**
 * As much of `body` from `offset` as `window` (the smaller of the connection's and the stream's send windows)
 * allows, in DATA frames of at most `maxFrameSize`, the last one with END_STREAM when the body is done.
 */
export function dataFrames(
  streamId: number,
  body: Buffer,
  offset: number,
  window: number,
  maxFrameSize = DEFAULT_MAX_FRAME_SIZE
): { frames: Buffer; sent: number } {
  const sent = Math.max(0, Math.min(body.length - offset, window))
  const done = offset + sent === body.length
  const count = Math.max(1, Math.ceil(sent / maxFrameSize))
  if (sent === 0 && !done) return { frames: Buffer.alloc(0), sent: 0 }
  const out = Buffer.allocUnsafe(count * FRAME_HEADER_LENGTH + sent)
  let at = 0
  for (let i = 0; i < count; i++) {
    const start = offset + i * maxFrameSize
    const length = Math.min(maxFrameSize, offset + sent - start)
    const flags = done && i === count - 1 ? FLAG.END_STREAM : 0
    writeFrameHeader(out, at, length, FRAME.DATA, flags, streamId)
    body.copy(out, at + FRAME_HEADER_LENGTH, start, start + length)
    at += FRAME_HEADER_LENGTH + length
  }
  return { frames: out, sent }
}

/** A frame longer than the reader allows: a FRAME_SIZE_ERROR, fatal to the connection (§4.2). */
export class FrameSizeError extends Error {
  readonly code = 'ERR_PERFGATE_H2_FRAME_SIZE'
}

export type FrameHandler = (type: number, flags: number, streamId: number, payload: Buffer) => void

/**
 * Reads frames from the chunks a socket delivers, however they are cut: a frame may straddle chunks. Payloads
 * are views into the chunks (copied only when a frame straddles), valid while the handler runs.
 */
export class FrameReader {
  private pending: Buffer[] = []
  private pendingLength = 0
  /** the whole frame's length the pending bytes wait for (0: not known yet) */
  private needed = 0

  constructor(
    private readonly onFrame: FrameHandler,
    private readonly maxFrameSize = DEFAULT_MAX_FRAME_SIZE
  ) {}

  push(chunk: Buffer): void {
    if (this.pendingLength > 0) {
      this.pending.push(chunk)
      this.pendingLength += chunk.length
      if (this.pendingLength < Math.max(this.needed, FRAME_HEADER_LENGTH)) return
      chunk = Buffer.concat(this.pending, this.pendingLength)
      this.pending = []
      this.pendingLength = 0
    }
    let at = 0
    while (chunk.length - at >= FRAME_HEADER_LENGTH) {
      const length = (chunk[at]! << 16) | (chunk[at + 1]! << 8) | chunk[at + 2]!
      if (length > this.maxFrameSize)
        throw new FrameSizeError(`a frame of ${length} bytes, above the ${this.maxFrameSize} allowed`)
      const end = at + FRAME_HEADER_LENGTH + length
      if (end > chunk.length) {
        this.needed = end - at
        break
      }
      const streamId = chunk.readUInt32BE(at + 5) & MAX_STREAM_ID
      this.onFrame(chunk[at + 3]!, chunk[at + 4]!, streamId, chunk.subarray(at + FRAME_HEADER_LENGTH, end))
      at = end
    }
    if (at < chunk.length) {
      if (chunk.length - at < FRAME_HEADER_LENGTH) this.needed = 0
      this.pending.push(at === 0 ? chunk : chunk.subarray(at))
      this.pendingLength = chunk.length - at
    }
  }
}

/** A frame's payload without its padding (PADDED: a pad length byte first, that many bytes at the end). */
export function unpadded(flags: number, payload: Buffer, extra = 0): Buffer {
  if (!(flags & FLAG.PADDED)) return extra ? payload.subarray(extra) : payload
  const pad = payload[0]!
  if (1 + extra + pad > payload.length) throw new FrameSizeError('a padded frame shorter than its padding')
  return payload.subarray(1 + extra, payload.length - pad)
}
