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
      let buffer = Buffer.alloc(0)
      const finish = (error?: Error) => {
        socket.off('data', onData).off('end', onEnd).off('error', finish)
        if (error) reject(error)
        else if (!/^HTTP\/1\.[01] 200 /.test(buffer.toString('latin1', 0, 13)))
          reject(new Error(`not a 200: ${buffer.toString('latin1', 0, 40)}`))
        else resolve()
      }
      const retire = () => {
        if (this.socket === socket) this.socket = undefined
        socket.destroy()
      }
      const onData = (chunk: Buffer) => {
        buffer = Buffer.concat([buffer, chunk])
        const end = responseEnd(buffer)
        if (end === undefined || end === 'close') return
        if (closesAfter(buffer)) retire()
        finish()
      }
      const onEnd = () => {
        retire()
        finish(
          responseEnd(buffer) === 'close'
            ? undefined
            : new Error('the server closed the connection mid-response')
        )
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
