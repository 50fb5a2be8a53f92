import type { Acceptance } from '../compare/accept.js'
import type { Report } from '../model/report.js'
import type { EventSink } from './events.js'

/** The machine a compare design is chosen for. */
export interface HostInfo {
  /** CPUs this process may run on */
  cpus: number[]
  /** taskset(1) is on the PATH */
  taskset: boolean
}

export type Side = 'base' | 'head'

/** What compareGate is told: the two sides' directories and the hooks around the loop. */
export interface CompareOptions {
  /** the base build: its directory plays the role of the head's repository root */
  baseDir: string
  /** the head's directory (a checkout of the repository the config lives in) */
  headDir: string
  /**
   * The directory service.cwd is relative to when it is mapped onto baseDir and headDir: the root of the
   * repository (or directory) the config was loaded from. Default: headDir, so the head runs in service.cwd itself.
   */
  root?: string
  events?: EventSink
  onSpawned?: (pid: number) => void
  /** extra service environment per side (the demo turns the example's slowdown knob on for the head) */
  env?: Partial<Record<Side, Record<string, string>>>
  acceptances?: Acceptance[]
  notes?: string[]
  git?: Report['git']
  /** test hook: a clock */
  now?: () => number
  /** test hook: the host the design is chosen for (default: this process's CPUs and taskset) */
  host?: HostInfo
  /** test hook: the seed of the slice order (default: from the clock) */
  seed?: number
}
