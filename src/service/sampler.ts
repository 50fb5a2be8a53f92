import { readdirSync, readFileSync } from 'node:fs'
import { allProcesses, readStat, type ProcStat } from './proc.js'
import type { ResourceSample, ResourceSummary } from './types.js'

/** Linux clock ticks per second for /proc/<pid>/stat utime and stime (USER_HZ, 100 on every mainstream kernel). */
const TICKS_PER_SECOND = 100
const VM_RSS = /VmRSS:\s+(\d+) kB/

function rssBytes(pid: number): number {
  try {
    const match = VM_RSS.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match ? Number(match[1]) * 1024 : 0
  } catch {
    return 0
  }
}

function fdCount(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length
  } catch {
    return 0
  }
}

/**
 * The pids of a process's children from /proc/PID/task/TID/children (one file per thread, since a child belongs
 * to the thread that forked it); undefined when the kernel has no such files (CONFIG_PROC_CHILDREN).
 */
function childPids(pid: number): number[] | undefined {
  let tids: string[]
  try {
    tids = readdirSync(`/proc/${pid}/task`)
  } catch {
    return []
  }
  const pids: number[] = []
  for (const tid of tids) {
    let text: string
    try {
      text = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !childrenFilesExist()) return undefined
      continue // the thread exited while we looked
    }
    for (const word of text.split(' ')) if (word) pids.push(Number(word))
  }
  return pids
}

let childrenFiles: boolean | undefined
function childrenFilesExist(): boolean {
  childrenFiles ??= (() => {
    try {
      readFileSync(`/proc/${process.pid}/task/${process.pid}/children`)
      return true
    } catch {
      return false
    }
  })()
  return childrenFiles
}

/** The tree through the parent pids of every process in /proc: the fallback, which reads all of /proc. */
function treeFromAllProcesses(rootPid: number): ProcStat[] {
  const all = allProcesses()
  const children = new Map<number, ProcStat[]>()
  for (const stat of all) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), stat])
  const root = all.find(s => s.pid === rootPid)
  if (!root) return []
  const tree: ProcStat[] = []
  const queue = [root]
  while (queue.length) {
    const next = queue.shift()!
    tree.push(next)
    queue.push(...(children.get(next.pid) ?? []))
  }
  return tree
}

/**
 * The root and all its descendants. It walks down from the root through the kernel's children lists, so a
 * sample reads a few files per process of the service, not all of /proc: the sampler runs beside the load
 * generator and must not hold up its event loop on a runner with hundreds of processes.
 */
export function processTree(rootPid: number): ProcStat[] {
  if (!childrenFilesExist()) return treeFromAllProcesses(rootPid)
  const tree: ProcStat[] = []
  const queue = [rootPid]
  while (queue.length) {
    const pid = queue.shift()!
    const stat = readStat(pid)
    if (!stat) continue
    tree.push(stat)
    const children = childPids(pid)
    if (children === undefined) return treeFromAllProcesses(rootPid)
    queue.push(...children)
  }
  return tree
}

/**
 * Samples CPU, RSS and open file descriptors of the service's whole process tree from /proc. CPU is the tree's
 * utime+stime over each interval, as % of one core; ticks of processes that exited in between are lost, which
 * only under-reports short-lived helpers. Linux only: elsewhere it reports zeros and no samples.
 */
export function startResourceSampler(
  rootPid: number,
  options: { intervalMs?: number } = {}
): { stop(): ResourceSummary } {
  const intervalMs = options.intervalMs ?? 250
  const supported = process.platform === 'linux'
  const samples: ResourceSample[] = []
  const started = process.hrtime.bigint()
  const lastTicks = new Map<number, number>()
  let lastTime = started
  let totalTicks = 0
  let rssPeak = 0
  let fdsPeak = 0

  const sample = () => {
    const now = process.hrtime.bigint()
    const tree = processTree(rootPid)
    if (tree.length === 0) return
    let ticks = 0
    let rss = 0
    let fds = 0
    for (const proc of tree) {
      const previous = lastTicks.get(proc.pid)
      if (previous !== undefined) ticks += Math.max(0, proc.ticks - previous)
      lastTicks.set(proc.pid, proc.ticks)
      rss += rssBytes(proc.pid)
      fds += fdCount(proc.pid)
    }
    const seconds = Number(now - lastTime) / 1e9
    lastTime = now
    totalTicks += ticks
    rssPeak = Math.max(rssPeak, rss)
    fdsPeak = Math.max(fdsPeak, fds)
    const t = Number(now - started) / 1e9
    if (t > 0.001) {
      samples.push({
        t,
        cpu: seconds > 0 ? (ticks / TICKS_PER_SECOND / seconds) * 100 : 0,
        rssBytes: rss,
        fds,
        processes: tree.length
      })
    }
  }

  if (supported) sample()
  const timer = supported ? setInterval(sample, intervalMs) : undefined
  timer?.unref()
  return {
    stop(): ResourceSummary {
      if (timer) clearInterval(timer)
      if (supported) sample()
      const cpus = samples.map(s => s.cpu)
      return {
        cpuMean: cpus.length ? cpus.reduce((a, b) => a + b, 0) / cpus.length : 0,
        cpuPeak: cpus.length ? Math.max(...cpus) : 0,
        cpuTimeUs: (totalTicks / TICKS_PER_SECOND) * 1e6,
        rssPeakBytes: rssPeak,
        fdsPeak,
        samples
      }
    }
  }
}
