/**
 * The environment of a measurement: what travels unchanged from the doors (which read the process's environment) to
 * the measurement (which reads nothing of it), in one object: the CA file the load trusts, the host's facts, where
 * events go and how process groups are announced.
 */
import { accessSync, constants, readFileSync } from 'node:fs'
import os from 'node:os'
import type { EventSink } from './events.js'

/** The machine a compare design and the service's CPUs are chosen for. */
export interface HostInfo {
  /** CPUs this process may run on */
  cpus: number[]
  /** taskset(1) is on the PATH */
  taskset: boolean
}

export interface Environment {
  /** a CA file the load trusts besides the system's roots (the doors read NODE_EXTRA_CA_CERTS) */
  extraCaCerts?: string
  /** the machine the design and the CPUs are chosen on (default: this process's CPUs and taskset) */
  host?: HostInfo
  /** where the measurement's events go (default: nowhere) */
  events?: EventSink
  /** each process group started (services, builds), so that the action's post step can stop it */
  onSpawned?: (pid: number) => void
}

/** What a door reads from the process's environment for the measurement: the CA file and the host (its PATH). */
export function environmentOf(env: NodeJS.ProcessEnv): Pick<Environment, 'extraCaCerts' | 'host'> {
  return { host: hostInfo(env.PATH), extraCaCerts: env.NODE_EXTRA_CA_CERTS }
}

/** Where taskset is looked for when the door passes no PATH. */
const STANDARD_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'

/**
 * The CPUs this process may run on (its affinity, as taskset sets it), from /proc or the CPU count, and whether
 * taskset is on `searchPath` (the doors pass the environment's PATH; nothing below them reads process.env).
 */
export function hostInfo(searchPath: string = STANDARD_PATH): HostInfo {
  let cpus: number[] | undefined
  try {
    const status = readFileSync('/proc/self/status', 'utf8')
    const list = /Cpus_allowed_list:\s*(\S+)/.exec(status)?.[1]
    if (list) cpus = parseCpuList(list)
  } catch {
    // not Linux
  }
  cpus ??= Array.from({ length: os.availableParallelism() }, (_, i) => i)
  const taskset = searchPath.split(':').some(dir => {
    try {
      accessSync(`${dir}/taskset`, constants.X_OK)
      return true
    } catch {
      return false
    }
  })
  return { cpus, taskset }
}

/** "0-3,6" -> [0, 1, 2, 3, 6] */
export function parseCpuList(list: string): number[] {
  const cpus: number[] = []
  for (const part of list.split(',')) {
    const [a, b] = part.split('-').map(Number)
    if (a === undefined || !Number.isInteger(a)) continue
    for (let c = a; c <= (Number.isInteger(b) ? b! : a); c++) cpus.push(c)
  }
  return cpus
}
