import { describe, expect, it } from '@jest/globals'
import {
  CLIENT_PREFACE,
  dataFrames,
  FLAG,
  FRAME,
  FrameReader,
  FrameSizeError,
  goaway,
  headersFrames,
  pingAck,
  readFrameHeader,
  readSettings,
  rstStream,
  SETTING,
  SETTINGS_ACK,
  settingsFrame,
  unpadded,
  windowUpdate
} from '../../src/load/h2-frames.js'

interface Read {
  type: number
  flags: number
  streamId: number
  payload: Buffer
}

/** Every frame in `bytes`, read by a FrameReader fed in the given cuts. */
function readAll(bytes: Buffer, cuts: number[] = []): Read[] {
  const frames: Read[] = []
  const reader = new FrameReader((type, flags, streamId, payload) =>
    frames.push({ type, flags, streamId, payload: Buffer.from(payload) })
  )
  let at = 0
  for (const cut of [...cuts, bytes.length]) {
    reader.push(bytes.subarray(at, cut))
    at = cut
  }
  return frames
}

describe('HTTP/2 frames (RFC 9113 §4, §6)', () => {
  it('the frame header: 24-bit length, type, flags, 31-bit stream id', () => {
    const ack = windowUpdate(0x7ffffffd, 1000)
    expect(readFrameHeader(ack)).toEqual({
      length: 4,
      type: FRAME.WINDOW_UPDATE,
      flags: 0,
      streamId: 0x7ffffffd
    })
    expect(ack.readUInt32BE(9)).toBe(1000)
    // the reserved bit is ignored when read
    const reserved = Buffer.from(ack)
    reserved[5]! |= 0x80
    expect(readFrameHeader(reserved).streamId).toBe(0x7ffffffd)
    expect(CLIENT_PREFACE.toString()).toBe('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n')
  })

  it('SETTINGS, its ACK, PING ACK, RST_STREAM and GOAWAY', () => {
    const settings = settingsFrame([
      [SETTING.ENABLE_PUSH, 0],
      [SETTING.INITIAL_WINDOW_SIZE, 2 ** 30 - 1]
    ])
    expect(readFrameHeader(settings)).toMatchObject({
      length: 12,
      type: FRAME.SETTINGS,
      flags: 0,
      streamId: 0
    })
    expect(readSettings(settings.subarray(9))).toEqual([
      [2, 0],
      [4, 2 ** 30 - 1]
    ])
    expect(SETTINGS_ACK).toEqual(Buffer.from([0, 0, 0, 4, 1, 0, 0, 0, 0]))
    const ping = pingAck(Buffer.from('12345678'))
    expect(readFrameHeader(ping)).toMatchObject({ length: 8, type: FRAME.PING, flags: FLAG.ACK })
    expect(ping.subarray(9).toString()).toBe('12345678')
    expect(rstStream(3, 8)).toEqual(Buffer.from([0, 0, 4, 3, 0, 0, 0, 0, 3, 0, 0, 0, 8]))
    expect(goaway(5, 1)).toEqual(Buffer.from([0, 0, 8, 7, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 1]))
  })

  it('a header block longer than the max frame size goes on in CONTINUATION frames', () => {
    const block = Buffer.alloc(40, 7)
    const single = readAll(headersFrames(1, block, true, 100))
    expect(single).toHaveLength(1)
    expect(single[0]).toMatchObject({ type: FRAME.HEADERS, flags: FLAG.END_HEADERS | FLAG.END_STREAM })
    const split = readAll(headersFrames(3, block, false, 16))
    expect(split.map(f => [f.type, f.flags, f.payload.length, f.streamId])).toEqual([
      [FRAME.HEADERS, 0, 16, 3],
      [FRAME.CONTINUATION, 0, 16, 3],
      [FRAME.CONTINUATION, FLAG.END_HEADERS, 8, 3]
    ])
    expect(Buffer.concat(split.map(f => f.payload))).toEqual(block)
  })

  it('DATA honours the send window and the max frame size; END_STREAM only on the body`s last bytes', () => {
    const body = Buffer.from('x'.repeat(50))
    const first = dataFrames(5, body, 0, 30, 16)
    expect(first.sent).toBe(30)
    const frames = readAll(first.frames)
    expect(frames.map(f => [f.payload.length, f.flags])).toEqual([
      [16, 0],
      [14, 0]
    ])
    const rest = dataFrames(5, body, 30, 1000, 16)
    expect(rest.sent).toBe(20)
    expect(readAll(rest.frames).map(f => [f.payload.length, f.flags])).toEqual([
      [16, 0],
      [4, FLAG.END_STREAM]
    ])
    // no window: nothing to send
    expect(dataFrames(5, body, 30, 0, 16)).toEqual({ frames: Buffer.alloc(0), sent: 0 })
  })

  it('frames straddling chunks are read whole, however the bytes are cut', () => {
    const bytes = Buffer.concat([
      settingsFrame([[SETTING.MAX_CONCURRENT_STREAMS, 2]]),
      headersFrames(1, Buffer.from('abcdefghij'), false),
      dataFrames(1, Buffer.from('x'.repeat(40)), 0, 100).frames,
      SETTINGS_ACK
    ])
    const whole = readAll(bytes)
    expect(whole.map(f => f.type)).toEqual([FRAME.SETTINGS, FRAME.HEADERS, FRAME.DATA, FRAME.SETTINGS])
    for (let cut = 1; cut < bytes.length; cut++) expect(readAll(bytes, [cut])).toEqual(whole)
    // one byte at a time
    expect(readAll(bytes, [...Array(bytes.length).keys()].slice(1))).toEqual(whole)
    // a frame header cut across three chunks
    expect(readAll(bytes, [3, 7, 15, 22])).toEqual(whole)
  })

  it('a frame above the max frame size is a FRAME_SIZE_ERROR', () => {
    const reader = new FrameReader(() => undefined, 16)
    expect(() => reader.push(dataFrames(1, Buffer.alloc(17), 0, 100, 100).frames)).toThrow(FrameSizeError)
  })

  it('padding and a HEADERS frame`s priority fields are stripped', () => {
    // pad length 3, then 5 priority bytes, then "hi", then 3 bytes of padding
    const payload = Buffer.from([3, 0, 0, 0, 0, 16, 0x68, 0x69, 0, 0, 0])
    expect(unpadded(FLAG.PADDED | FLAG.PRIORITY, payload, 5).toString()).toBe('hi')
    expect(unpadded(0, Buffer.from('hi')).toString()).toBe('hi')
    expect(() => unpadded(FLAG.PADDED, Buffer.from([9, 1]))).toThrow(FrameSizeError)
  })
})
