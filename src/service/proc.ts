import { readdirSync, readFileSync } from 'node:fs'

/** The fields of /proc/<pid>/stat that perfgate uses (Linux). */
export interface ProcStat {
  pid: number
  ppid: number
  pgrp: number
  /** R, S, D, Z, ... */
  state: string
  /** utime + stime, in clock ticks */
  ticks: number
}

export function readStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // the command name (field 2) may hold spaces and parentheses: fields start after the last ')'
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
    return {
      pid,
      ppid: Number(fields[1]),
      pgrp: Number(fields[2]),
      state: fields[0]!,
      ticks: Number(fields[11]) + Number(fields[12])
    }
  } catch {
    return undefined // the process exited while we looked
  }
}

/**
 * Whether a zombie's threads are all gone. When a multi-threaded process (Node, the JVM, Go) is killed, its
 * thread-group leader shows Z while its other threads, which may still hold its sockets, exit a little later.
 */
export function threadsGone(pid: number): boolean {
  let tids: string[]
  try {
    tids = readdirSync(`/proc/${pid}/task`)
  } catch {
    return true
  }
  return tids.every(tid => {
    try {
      const text = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')
      const state = text.slice(text.lastIndexOf(')') + 2, text.lastIndexOf(')') + 3)
      return state === 'Z' || state === 'X'
    } catch {
      return true
    }
  })
}

/** A process that still runs: not a zombie, or a zombie leader whose other threads have not exited yet. */
export function isRunning(stat: ProcStat): boolean {
  return (stat.state !== 'Z' && stat.state !== 'X') || !threadsGone(stat.pid)
}

/** Every process visible in /proc. */
export function allProcesses(): ProcStat[] {
  const out: ProcStat[] = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    const stat = readStat(Number(name))
    if (stat) out.push(stat)
  }
  return out
}
