import type { Acceptance } from '../compare/accept.js'
import type { ProfileMode } from '../config/cpu-profile.js'
import type { Report } from '../model/report.js'
import type { Side } from '../model/run.js'
import type { Measurer } from '../measure/port.js'
import type { SidesOptions } from '../measure/sides.js'

/** The machine a compare design is chosen for. */
export interface HostInfo {
  /** CPUs this process may run on */
  cpus: number[]
  /** taskset(1) is on the PATH */
  taskset: boolean
}

export type { Side }

/** What compareGate is told: the two sides (where they live, what their processes get) and the hooks around the loop. */
export interface CompareOptions extends SidesOptions {
  acceptances?: Acceptance[]
  notes?: string[]
  git?: Report['git']
  /** the measurement port (default: the real one, which starts each side's processes and drives load) */
  measurer?: Measurer
  /** test hook: a clock */
  now?: () => number
  /** test hook: the host the design is chosen for (default: this process's CPUs and taskset) */
  host?: HostInfo
  /** test hook: the seed of the slice order (default: from the clock) */
  seed?: number
  /** when to profile after the verdict, over the config's profile.mode (the CLI's --profile, the action's input) */
  profile?: ProfileMode
}
