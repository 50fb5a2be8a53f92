/**
 * CPU accounting around one slice (Linux): the service's own CPU time and run-queue wait from schedstat, in
 * nanoseconds over all its threads, and what every process did on the service's CPUs from /proc/stat. Read before
 * and after a slice; the difference is the slice's share. See docs/statistics.md, "Lower-noise observables".
 */
import { readdirSync, readFileSync } from 'node:fs'
import type { SliceCpu } from '../model/slices.js'
import { processTree } from './sampler.js'

/** Linux clock ticks per second in /proc/stat (USER_HZ, 100 on every mainstream kernel). */
const TICKS_PER_SECOND = 100

export interface CpuReading {
  /** the service's time on a CPU and waiting for one, ns, summed over its threads */
  runNs: number
  waitNs: number
  /** the watched CPUs' busy and steal time, ticks, and the wall clock, ms */
  busyTicks: number
  stealTicks: number
  atMs: number
}

/** schedstat's time on a CPU and waiting for one, summed over every thread of the process and its descendants. */
function schedstat(rootPid: number): { runNs: number; waitNs: number } | undefined {
  let runNs = 0
  let waitNs = 0
  let seen = false
  for (const { pid } of processTree(rootPid)) {
    let tids: string[]
    try {
      tids = readdirSync(`/proc/${pid}/task`)
    } catch {
      continue // the process exited while we looked
    }
    for (const tid of tids) {
      try {
        const [run, wait] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')
        runNs += Number(run)
        waitNs += Number(wait)
        seen = true
      } catch {
        // the thread exited while we looked
      }
    }
  }
  return seen ? { runNs, waitNs } : undefined
}

/** Busy and steal ticks of the given CPUs (all of them when none is given) from /proc/stat. */
function cpuTicks(cpus: readonly number[]): { busy: number; steal: number } | undefined {
  let text: string
  try {
    text = readFileSync('/proc/stat', 'utf8')
  } catch {
    return undefined
  }
  const wanted = cpus.length ? new Set(cpus.map(c => `cpu${c}`)) : new Set(['cpu'])
  let busy = 0
  let steal = 0
  for (const line of text.split('\n')) {
    const [name, ...fields] = line.trim().split(/\s+/)
    if (!name || !wanted.has(name)) continue
    // user nice system idle iowait irq softirq steal (guest time is already inside user)
    const [user, nice, system, , , irq, softirq, st] = fields.map(Number)
    busy += user! + nice! + system! + irq! + softirq!
    steal += st ?? 0
  }
  return { busy, steal }
}

/** The service's and its CPUs' counters now; undefined where /proc cannot tell (not Linux, the process gone). */
export function readCpu(pid: number, cpus: readonly number[], now = Date.now()): CpuReading | undefined {
  const own = schedstat(pid)
  const ticks = cpuTicks(cpus)
  if (!own || !ticks) return undefined
  return { ...own, busyTicks: ticks.busy, stealTicks: ticks.steal, atMs: now }
}

/**
 * What happened between two readings: the service's CPU time and run-queue wait (µs), and the share of the
 * watched CPUs' capacity that other processes used (their busy time less the service's) and that the hypervisor
 * stole, each a fraction of `cpuCount` CPUs over the wall time.
 */
export function sliceCpu(before: CpuReading, after: CpuReading, cpuCount: number): SliceCpu {
  const wallMs = Math.max(1, after.atMs - before.atMs) * Math.max(1, cpuCount)
  const tickMs = 1000 / TICKS_PER_SECOND
  const runUs = (after.runNs - before.runNs) / 1000
  const busyMs = (after.busyTicks - before.busyTicks) * tickMs
  return {
    runUs,
    waitUs: (after.waitNs - before.waitNs) / 1000,
    othersShare: Math.max(0, busyMs - runUs / 1000) / wallMs,
    stealShare: ((after.stealTicks - before.stealTicks) * tickMs) / wallMs
  }
}
