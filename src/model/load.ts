/** How a scenario drives its load: the closed model (connections) or the open model (a rate). */
export interface ClosedLoad {
  mode: 'closed'
  connections: number
  durationMs: number
  warmupMs: number
  /** per-request timeout */
  timeoutMs: number
}

export interface RateLoad {
  mode: 'rate'
  /** requests per second */
  rate: number
  /** optional linear ramp of the rate from `from` to `to` over `overMs` */
  ramp?: { from: number; to: number; overMs: number }
  /** upper bound of requests in flight; more would mean the generator falls behind */
  connections: number
  durationMs: number
  warmupMs: number
  timeoutMs: number
  /** p99 lateness of the send schedule beyond which the run is errored (generator-lag); filled by the config */
  maxLagMs?: number
}

export type LoadSpec = ClosedLoad | RateLoad
