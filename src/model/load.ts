/** How a scenario drives its load: the closed model (connections) or the open model (a rate). */
export interface ClosedLoad {
  mode: 'closed'
  connections: number
  /** HTTP/2: concurrent streams per connection (absent: the server's limit, at most 100); HTTP/1.1: 1 */
  streams?: number
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
  /** upper bound of requests in flight (HTTP/2: connections, each with `streams`); more would mean the generator falls behind */
  connections: number
  /** HTTP/2: concurrent streams per connection (absent: the server's limit, at most 100) */
  streams?: number
  durationMs: number
  warmupMs: number
  timeoutMs: number
  /** p99 lateness of the send schedule beyond which the run is errored (generator-lag); filled by the config */
  maxLagMs?: number
}

export type LoadSpec = ClosedLoad | RateLoad
