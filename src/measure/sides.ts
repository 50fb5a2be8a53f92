import path from 'node:path'
import { serviceOf, type Config } from '../config/types.js'
import type { Side } from '../model/run.js'
import type { CpuPlan } from './affinity.js'
import type { EventSink } from './events.js'

/** Where the two sides live and what their processes get. */
export interface SidesOptions {
  /** the base build: its directory plays the role of the head's repository root */
  baseDir: string
  /** the head's directory (a checkout of the repository the config lives in) */
  headDir: string
  /** the directory service.cwd is relative to (default: headDir) */
  root?: string
  events?: EventSink
  onSpawned?: (pid: number) => void
  /** extra service environment per side */
  env?: Partial<Record<Side, Record<string, string>>>
  /** where the services run (default: anywhere) */
  cpus?: CpuPlan
  /** a CA file trusted besides the system's roots (the doors pass NODE_EXTRA_CA_CERTS) */
  extraCaCerts?: string
}

/** Where a side's service runs: service.cwd, taken relative to the config's root, inside that side's directory. */
export function serviceCwd(config: Config, side: Side, options: SidesOptions): string {
  const relative = path.relative(options.root ?? options.headDir, serviceOf(config).cwd)
  return path.join(side === 'head' ? options.headDir : options.baseDir, relative)
}
