import type { TimelinePoint } from '../model/samples.js'

export type { TimelinePoint }

/** What one load run measured. Latency values are microseconds; latency covers 2xx responses only. */
export interface LoadCounts {
  /**
   * requests started in the measured window; in the open model, requests that never left the generator's queue
   * (an aborted run) are taken out again, so sent = responses + connect + timeout + reset + other
   */
  sent: number
  /** responses received in the measured window (any status) */
  responses: number
  status2xx: number
  status3xx: number
  status4xx: number
  status5xx: number
  connect: number
  timeout: number
  reset: number
  /** other transport errors (parse errors, unexpected socket errors) */
  other: number
  /** 2xx/3xx responses whose request expected another status (request expect:), counted as failed */
  unexpected: number
  /** 4xx/5xx responses their request expected (request expect:), not counted as failed */
  expectedErrors: number
}

export interface LoadResult {
  /** measured window, warmup excluded */
  durationMs: number
  warmupMs: number
  counts: LoadCounts
  /** response body+header bytes received in the measured window */
  bytes: number
  /** hdr-histogram-js compressed base64 of 2xx latencies in µs (each connection's first response excluded) */
  histogram: string
  latency: LatencySummary | null
  timeline: TimelinePoint[]
  /** the warmup's seconds, t <= 0 (the last ends where the measured window begins); for charts only */
  warmupTimeline: TimelinePoint[]
  /** the generator process's own CPU during the measured window, % of one core */
  generatorCpu: number
  /** rate mode: p99 of how far from their schedule requests were sent (early or late), µs; 0 in closed mode */
  generatorLagUs: number
  /** rate mode: requests per second the schedule asked for in the measured window (the mean over a ramp) */
  targetRate?: number
  /** rate mode: requests per second actually sent in the measured window (sent / the time sending took) */
  achievedRate?: number
  /** rate mode: the generator fell behind its own schedule, so the run says more about it than about the service */
  generatorSaturated?: boolean
  /** set when the run was cut short (for example the service exited) */
  abortedReason?: string
  /** set when no load was sent because an https:// target's certificate is not trusted */
  tlsProblem?: string
  /** set when no load was sent because the target does not speak the protocol the request asks for */
  protocolProblem?: string
  /** the protocol the load spoke (absent: HTTP/1.1) */
  protocol?: 'h2' | 'h2c' | 'grpc'
  /** HTTP/2 only: its errors by kind (the failed requests among them are counted in `counts` too) */
  streamErrors?: StreamErrors
}

/** HTTP/2's errors by kind. */
export interface StreamErrors {
  /** RST_STREAM frames the server ended a request with, by error code (REFUSED_STREAM, INTERNAL_ERROR, ...) */
  rstStream: Record<string, number>
  /** GOAWAY frames received (with NO_ERROR a server retires a connection: the requests it had taken still end) */
  goaway: number
  /** requests the server never processed: RST_STREAM REFUSED_STREAM, or past a GOAWAY's last stream */
  refused: number
  /** request bodies larger than the flow-control window they found: they waited for the server's WINDOW_UPDATE */
  flowControlStalls: number
}

export interface LatencySummary {
  count: number
  min: number
  mean: number
  stddev: number
  p50: number
  p75: number
  p90: number
  p95: number
  p99: number
  'p99.9': number
  max: number
}

export interface LoadProgress {
  phase: 'warmup' | 'measure'
  elapsedMs: number
  totalMs: number
  responses: number
  errors: number
  /** requests per second over the last second */
  currentRps: number
}
