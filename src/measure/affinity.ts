import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'

/**
 * Which CPUs the load generator (this process) and the service may run on. Empty lists: anywhere. On a small
 * runner a generator that shares the service's CPUs takes CPU time the service would have used, so a client's own
 * cost shows up as the service's throughput; kept apart, the service's figures are its own.
 */
export interface CpuPlan {
  generator: number[]
  service: number[]
}

export const SHARED_CPUS: CpuPlan = { generator: [], service: [] }

/** `command` run under taskset on `cpus` (taskset execs the shell, whose children inherit the affinity). */
export function pinnedCommand(command: string, cpus: readonly number[]): string {
  if (cpus.length === 0) return command
  return `exec taskset -c ${cpus.join(',')} /bin/sh -c '${command.replace(/'/g, `'\\''`)}'`
}

/** This process's CPU affinity as the kernel lists it ("0-3,6"), or undefined off Linux. */
function ownCpuList(): string | undefined {
  try {
    return /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]
  } catch {
    return undefined
  }
}

/** Sets the affinity of every thread of this process; false when taskset is missing or refused. */
function setOwnAffinity(list: string): Promise<boolean> {
  return new Promise(resolve => {
    execFile('taskset', ['-a', '-p', '-c', list, String(process.pid)], { timeout: 5000 }, err =>
      resolve(!err)
    )
  })
}

let pinnedDepth = 0

/**
 * Runs `fn` with this process (every thread, and the threads and children it starts meanwhile) on `cpus`, then
 * gives it back the CPUs it had. Nested calls keep the outer pin.
 */
export async function withGeneratorOn<T>(cpus: readonly number[], fn: () => Promise<T>): Promise<T> {
  const before = cpus.length && pinnedDepth === 0 ? ownCpuList() : undefined
  const pinned = before !== undefined && (await setOwnAffinity(cpus.join(',')))
  pinnedDepth++
  try {
    return await fn()
  } finally {
    pinnedDepth--
    if (pinned) await setOwnAffinity(before)
  }
}
