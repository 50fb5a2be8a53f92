/**
 * CPU profiles of the service under the scenario's load (src/profile/): per function, the CPU time per request of
 * each side, and the functions whose CPU per request grew beyond the noise between base and head.
 */

import type { Note } from './note.js'

/** A function as a profile names it: its identity is name + url + line. */
export interface ProfileFrame {
  /** the function's name; '(anonymous)' when it has none; '(program)', '(garbage collector)' for V8's own */
  name: string
  /** the script's URL or path as V8 saw it ('' for native code) */
  url: string
  /** 1-based line of the function's start (0 when unknown) */
  line: number
  /** the npm package of a frame under node_modules (scoped: '@scope/name') */
  package?: string
  /** the script's path relative to the repository root, for a file of the repository outside node_modules */
  file?: string
}

/** A function's CPU time per request on one side: self (in the function itself) and total (with its callees). */
export interface FunctionCost {
  frame: ProfileFrame
  /** microseconds of CPU per request */
  selfUs: number
  totalUs: number
}

/** One side's profile as a whole. */
export interface ProfileSideSummary {
  /** Node processes (or threads) whose profiles were joined */
  processes: number
  samples: number
  /** CPU time the samples cover, idle excluded, microseconds */
  cpuUs: number
  /** requests the side answered while it was profiled */
  requests: number
  cpuPerRequestUs: number
  /** time blocks the profile was split into for the intervals */
  blocks: number
  /** the profile file beside report.json (profile/base.cpuprofile), relative to the report's directory */
  file?: string
}

/** A function whose self CPU per request changed from base to head, with the interval of that change. */
export interface FunctionChange {
  frame: ProfileFrame
  base: { selfUs: number; totalUs: number }
  head: { selfUs: number; totalUs: number }
  /** head - base self CPU per request, microseconds, and its interval */
  changeUs: number
  lowUs: number
  highUs: number
  /** the change over the base's whole CPU per request */
  shareOfBase: number
}

/** A node of the differential flame graph: a call path's total CPU per request on each side. */
export interface FlameNode {
  /** index into ProfileReport.frames */
  frame: number
  /** total CPU per request of this call path, microseconds */
  base: number
  head: number
  children: FlameNode[]
}

/** What report.json says of the profiles: one scenario, profiled after the verdict. */
export interface ProfileReport {
  /** compare: base and head, diffed; run: the head alone (its top functions) */
  mode: 'compare' | 'run'
  scenario: string
  /** the V8 sampling interval, microseconds */
  intervalUs: number
  /** how long each side was profiled under load, milliseconds */
  durationMs: number
  base?: ProfileSideSummary
  head: ProfileSideSummary
  /** compare: the functions whose self CPU per request grew beyond noise and by >= 2% of the base's CPU per request */
  increased: FunctionChange[]
  /** the head's top functions by self CPU per request */
  top: FunctionCost[]
  /** the frames the flame graph's nodes point at */
  frames: ProfileFrame[]
  /** the merged call tree of both sides (small paths folded away) */
  flame?: FlameNode
  /** every note's words, in order (what the capture left out; latency that went off the CPU) */
  notes: string[]
  /** the typed notes (model/note.ts's ProfileNote) with their words, beside `notes` */
  noteData?: Note[]
}

/** Why a side could not be profiled (a running target, a service that cleared NODE_OPTIONS, an exit). */
export interface ProfileSkipped {
  reason: string
}
