/**
 * The control channel perfgate owns: a Unix socket in a directory perfgate made, to which every preloaded Node
 * process of the service connects (preload-source.ts). perfgate says start and stop; each process answers stop
 * with its profile. What a process sends is data, never a path or a pid perfgate acts on: lines that are not the
 * answer perfgate asked for are counted as garbage and dropped, and a connection that sends more than the size cap
 * is closed.
 */
import net from 'node:net'
import path from 'node:path'

/** What the processes answered to stop. */
export interface ChannelHarvest {
  /**
   * each answering process's profile (the parsed `profile` of its answer), in the order they answered, with the CPU
   * time its JavaScript thread said it ran while profiled (µs; absent when it could not tell or said nonsense)
   */
  profiles: Array<{ profile: unknown; threadCpuUs?: number }>
  /** processes connected when profiling stopped */
  processes: number
  /** processes that did not answer stop in time, or answered without a profile */
  missing: number
  /** lines that were not an answer perfgate asked for */
  garbage: number
  /** connections closed for sending more than the size cap */
  tooLarge: number
}

interface Peer {
  socket: net.Socket
  buffer: string
  bytes: number
  /** what the peer was last asked: its answer to that is the only line it may send */
  awaiting?: 'start' | 'stop'
  answered?: (message: Record<string, unknown>) => void
}

export const SOCKET_NAME = 'control.sock'

export class ProfileChannel {
  private readonly peers = new Set<Peer>()
  private garbage = 0
  private tooLarge = 0
  private profiling: number | undefined

  private constructor(
    private readonly server: net.Server,
    readonly socketPath: string,
    private readonly maxBytes: number
  ) {}

  /** Listens on `<directory>/control.sock`; a message over maxBytes closes its connection. */
  static async open(directory: string, maxBytes: number): Promise<ProfileChannel> {
    const socketPath = path.join(directory, SOCKET_NAME)
    const server = net.createServer()
    const channel = new ProfileChannel(server, socketPath, maxBytes)
    server.on('connection', socket => channel.accept(socket))
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(socketPath, () => {
        server.off('error', reject)
        resolve()
      })
    })
    server.unref()
    return channel
  }

  /** Processes connected now. */
  get connected(): number {
    return this.peers.size
  }

  private accept(socket: net.Socket): void {
    const peer: Peer = { socket, buffer: '', bytes: 0 }
    this.peers.add(peer)
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => this.receive(peer, chunk))
    socket.on('error', () => undefined)
    socket.on('close', () => {
      this.peers.delete(peer)
      peer.answered?.({})
    })
    // a process that connects while profiling runs (a worker forked late) is profiled from now on
    if (this.profiling !== undefined) this.ask(peer, 'start')
  }

  private receive(peer: Peer, chunk: string): void {
    peer.bytes += chunk.length
    if (peer.bytes > this.maxBytes) {
      this.tooLarge++
      peer.socket.destroy()
      return
    }
    peer.buffer += chunk
    let newline: number
    while ((newline = peer.buffer.indexOf('\n')) >= 0) {
      const line = peer.buffer.slice(0, newline)
      peer.buffer = peer.buffer.slice(newline + 1)
      peer.bytes = peer.buffer.length
      this.line(peer, line)
    }
  }

  private line(peer: Peer, line: string): void {
    let message: unknown
    try {
      message = JSON.parse(line)
    } catch {
      this.garbage++
      return
    }
    if (typeof message !== 'object' || message === null || Array.isArray(message)) {
      this.garbage++
      return
    }
    const record = message as Record<string, unknown>
    if (record.hello === 1 && Object.keys(record).length === 1) return
    const expected = peer.awaiting === 'start' ? 'started' : peer.awaiting === 'stop' ? 'profile' : undefined
    if (!expected || !(expected in record)) {
      this.garbage++
      return
    }
    peer.awaiting = undefined
    const answered = peer.answered
    peer.answered = undefined
    answered?.(record)
  }

  private ask(
    peer: Peer,
    command: 'start' | 'stop',
    timeoutMs = 3000
  ): Promise<Record<string, unknown> | undefined> {
    return new Promise(resolve => {
      const timer = setTimeout(() => {
        peer.answered = undefined
        peer.awaiting = undefined
        resolve(undefined)
      }, timeoutMs)
      peer.awaiting = command
      peer.answered = message => {
        clearTimeout(timer)
        resolve(message)
      }
      const payload = command === 'start' ? { cmd: 'start', intervalUs: this.profiling } : { cmd: 'stop' }
      peer.socket.write(`${JSON.stringify(payload)}\n`)
    })
  }

  /** Starts the profiler in every connected process; resolves with how many said it started. */
  async start(intervalUs: number): Promise<number> {
    this.profiling = intervalUs
    const answers = await Promise.all([...this.peers].map(peer => this.ask(peer, 'start')))
    return answers.filter(a => a?.started === true).length
  }

  /** Stops the profiler in every connected process and gathers their profiles. */
  async stop(timeoutMs: number): Promise<ChannelHarvest> {
    this.profiling = undefined
    const peers = [...this.peers]
    const answers = await Promise.all(peers.map(peer => this.ask(peer, 'stop', timeoutMs)))
    const profiles = answers
      .filter(a => typeof a?.profile === 'object' && a.profile !== null && !Array.isArray(a.profile))
      .map(a => {
        const cpu = a!.threadCpuUs
        return {
          profile: a!.profile,
          ...(typeof cpu === 'number' && Number.isFinite(cpu) && cpu >= 0 ? { threadCpuUs: cpu } : {})
        }
      })
    return {
      profiles,
      processes: peers.length,
      missing: peers.length - profiles.length,
      garbage: this.garbage,
      tooLarge: this.tooLarge
    }
  }

  async close(): Promise<void> {
    for (const peer of this.peers) peer.socket.destroy()
    await new Promise<void>(resolve => this.server.close(() => resolve()))
  }
}
