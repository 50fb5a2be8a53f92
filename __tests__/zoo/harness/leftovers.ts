import { readdirSync, readFileSync } from 'node:fs'
import net from 'node:net'

export interface Leftover {
  pid: number
  command: string
}

function readProc(pid: string, file: string): string {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'latin1')
  } catch {
    return '' // gone, or not ours to read
  }
}

/**
 * Processes still running whose command line or environment mentions `dir`: every zoo service runs from its own
 * temp dir with ZOO_DIR=<dir> in its environment, which forked workers and exec'd children inherit. Zombies have
 * neither, so only live processes count.
 */
export function processesMentioning(dir: string): Leftover[] {
  const found: Leftover[] = []
  for (const pid of readdirSync('/proc').filter(name => /^\d+$/.test(name))) {
    if (Number(pid) === process.pid) continue
    const cmdline = readProc(pid, 'cmdline')
    if (cmdline.includes(dir) || readProc(pid, 'environ').includes(dir)) {
      found.push({ pid: Number(pid), command: cmdline.replaceAll('\0', ' ').trim() })
    }
  }
  return found
}

/** What a TCP connect to host:port gets: 'refused' when nothing listens there. */
export function connectOutcome(host: string, port: number): Promise<'refused' | 'accepted' | string> {
  return new Promise(resolve => {
    const socket = net.connect({ host, port, timeout: 1000 })
    const done = (outcome: string) => {
      socket.destroy()
      resolve(outcome)
    }
    socket.once('connect', () => done('accepted'))
    socket.once('timeout', () => done('timed out'))
    socket.once('error', (err: NodeJS.ErrnoException) =>
      done(err.code === 'ECONNREFUSED' ? 'refused' : (err.code ?? err.message))
    )
  })
}

/** What a server left behind: its live processes and whether its port still accepts connections. */
export interface Cleanup {
  processes: Leftover[]
  port: 'refused' | 'accepted' | string
}

export async function cleanupOf(dir: string, host: string, port: number): Promise<Cleanup> {
  return { processes: processesMentioning(dir), port: await connectOutcome(host, port) }
}

export function describeCleanup(cleanup: Cleanup): string {
  const problems = [
    ...(cleanup.processes.length
      ? [
          `${cleanup.processes.length} process(es) left: ${cleanup.processes.map(p => `${p.pid} ${p.command}`).join('; ')}`
        ]
      : []),
    ...(cleanup.port === 'refused' ? [] : [`port ${cleanup.port}`])
  ]
  return problems.length ? problems.join(', ') : 'clean'
}
