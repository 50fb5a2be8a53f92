/**
 * The zoo's independent HTTP/1.1 client: one request at a time on a raw keep-alive TCP socket, no HTTP library (a
 * library's own cost per request shows in its latency: Node's http.request measured twice the wire time at 200
 * req/s, docs/benchmarks.md). It reads every HTTP/1.x framing a zoo server sends: Content-Length, chunked (no
 * trailers), and a body the server ends by closing the connection; a new connection follows a closed one.
 */
import net from 'node:net'

/** Where the response in `buffer` ends: its byte length, or undefined while it is incomplete; 'close': at the close. */
export function responseEnd(buffer: Buffer): number | 'close' | undefined {
  const headEnd = buffer.indexOf('\r\n\r\n')
  if (headEnd < 0) return undefined
  const head = buffer.subarray(0, headEnd).toString('latin1')
  const bodyStart = headEnd + 4
  const length = /\r\ncontent-length: *(\d+)/i.exec(head)
  if (length)
    return buffer.length >= bodyStart + Number(length[1]) ? bodyStart + Number(length[1]) : undefined
  if (/\r\ntransfer-encoding: *chunked/i.test(head)) {
    const last = buffer.indexOf('\r\n0\r\n\r\n', bodyStart - 2)
    return last < 0 ? undefined : last + 7
  }
  return 'close'
}

/** Whether the server said it closes the connection after this response (or speaks HTTP/1.0 without keep-alive). */
function closesAfter(buffer: Buffer): boolean {
  const head = buffer.subarray(0, buffer.indexOf('\r\n\r\n')).toString('latin1')
  if (/\r\nconnection: *close/i.test(head)) return true
  return head.startsWith('HTTP/1.0') && !/\r\nconnection: *keep-alive/i.test(head)
}

/** A sequential client of one URL: `get()` resolves when the response to a GET of it has fully arrived. */
export class SequentialHttp1Client {
  private socket?: net.Socket
  private readonly request: Buffer
  private readonly host: string
  private readonly port: number

  constructor(url: string) {
    const { hostname, port, pathname } = new URL(url)
    this.host = hostname.replace(/^\[|\]$/g, '')
    this.port = Number(port)
    this.request = Buffer.from(`GET ${pathname} HTTP/1.1\r\nHost: ${hostname}:${port}\r\n\r\n`)
  }

  get(): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = this.socket ?? this.connect()
      const reader = new ResponseReader()
      const finish = (error?: Error) => {
        socket.off('data', onData).off('end', onEnd).off('error', finish)
        const start = reader.start()
        if (error) reject(error)
        else if (!/^HTTP\/1\.[01] 200 /.test(start.toString('latin1', 0, 13)))
          reject(new Error(`not a 200: ${start.toString('latin1', 0, 40)}`))
        else resolve()
      }
      const retire = () => {
        if (this.socket === socket) this.socket = undefined
        socket.destroy()
      }
      const onData = (chunk: Buffer) => {
        if (!reader.push(chunk)) return
        if (reader.closesAfter()) retire()
        finish()
      }
      const onEnd = () => {
        retire()
        finish(reader.endsAtClose() ? undefined : new Error('the server closed the connection mid-response'))
      }
      socket.on('data', onData).once('end', onEnd).once('error', finish)
      socket.write(this.request)
    })
  }

  private connect(): net.Socket {
    const socket = net.connect({ host: this.host, port: this.port, noDelay: true })
    // an error between requests (the server closing an idle connection) ends the socket; the next get() opens one
    socket.on('error', () => undefined)
    socket.once('close', () => {
      if (this.socket === socket) this.socket = undefined
    })
    this.socket = socket
    return socket
  }

  close(): void {
    this.socket?.destroy()
  }
}

/**
 * One response as its chunks arrive, read in time linear in its size: the head is joined and parsed once, a
 * Content-Length body is counted, and a chunked body's end is looked for in each new chunk with the bytes before
 * it (joining every chunk to the last made a 1 MB body cost the reference 2 ms, 2.5x perfgate's p50).
 */
class ResponseReader {
  private chunks: Buffer[] = []
  private received = 0
  private head: Buffer | undefined
  private end: number | 'close' | 'chunked' | undefined
  private tail = Buffer.alloc(0)

  /** Adds a chunk; whether the response is complete (a close-delimited one never is before the close). */
  push(chunk: Buffer): boolean {
    this.chunks.push(chunk)
    this.received += chunk.length
    if (this.head === undefined) {
      const joined = Buffer.concat(this.chunks)
      this.chunks = [joined]
      const headEnd = joined.indexOf('\r\n\r\n')
      if (headEnd < 0) return false
      this.head = joined.subarray(0, headEnd + 4)
      const end = responseEnd(joined)
      if (end !== undefined && end !== 'close') return true
      const head = this.head.toString('latin1')
      const length = /\r\ncontent-length: *(\d+)/i.exec(head)
      this.end = length
        ? headEnd + 4 + Number(length[1])
        : /\r\ntransfer-encoding: *chunked/i.test(head)
          ? 'chunked'
          : 'close'
      this.tail = joined.subarray(Math.max(headEnd + 2, joined.length - 6))
      return false
    }
    if (typeof this.end === 'number') return this.received >= this.end
    if (this.end === 'chunked') {
      const window = Buffer.concat([this.tail, chunk])
      this.tail = window.subarray(Math.max(0, window.length - 6))
      return window.includes('\r\n0\r\n\r\n')
    }
    return false
  }

  /** the bytes the response began with: its status line */
  start(): Buffer {
    return this.head ?? Buffer.concat(this.chunks)
  }

  endsAtClose(): boolean {
    return this.end === 'close'
  }

  closesAfter(): boolean {
    return this.head !== undefined && closesAfter(this.head)
  }
}
