import type { NoteData } from '../model/note.js'
import type { Acceptance } from '../compare/accept.js'
import type { ProfileMode } from '../config/cpu-profile.js'
import type { Report } from '../model/report.js'
import type { LegStamp } from '../report/build.js'
import type { Side } from '../model/run.js'
import type { Measurer } from '../measure/measurer.js'
import type { SidesOptions } from '../measure/sides.js'

export type { HostInfo } from '../measure/environment.js'

export type { Side }

/** What compareGate is told: the two sides (where they live, what their processes get) and the hooks around the loop. */
export interface CompareOptions extends SidesOptions {
  acceptances?: Acceptance[]
  notes?: Array<string | NoteData>
  git?: Report['git']
  /** the measurement interface (default: the real one, which starts each side's processes and drives load) */
  measurer?: Measurer
  /** a suite's leg: its stamp, known once it measured (a load leg's window) */
  leg?: () => LegStamp | undefined
  /** test hook: a clock */
  now?: () => number
  /** test hook: the seed of the slice order (default: from the clock) */
  seed?: number
  /** when to profile after the verdict, over the config's profile.mode (the CLI's --profile, the action's input) */
  profile?: ProfileMode
}
