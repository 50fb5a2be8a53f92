import path from 'node:path'
import { serviceOf, type Config } from '../config/types.js'
import type { Side } from '../model/run.js'
import type { CpuPlan } from './affinity.js'
import type { Environment } from './environment.js'

/** Where the two sides live and what their processes get, in the measurement's environment. */
export interface SidesOptions extends Environment {
  /** the base build: its directory plays the role of the head's repository root */
  baseDir: string
  /** the head's directory (a checkout of the repository the config lives in) */
  headDir: string
  /** the directory service.cwd is relative to (default: headDir) */
  root?: string
  /** extra service environment per side */
  env?: Partial<Record<Side, Record<string, string>>>
  /** where the services run (default: anywhere) */
  cpus?: CpuPlan
}

/** Where a side's service runs: service.cwd, taken relative to the config's root, inside that side's directory. */
export function serviceCwd(config: Config, side: Side, options: SidesOptions): string {
  const relative = path.relative(options.root ?? options.headDir, serviceOf(config).cwd)
  return path.join(side === 'head' ? options.headDir : options.baseDir, relative)
}
