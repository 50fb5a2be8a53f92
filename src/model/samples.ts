/** One second of a load run, as the charts draw it. */
export interface TimelinePoint {
  /** seconds since the measured window began (end of the bucket) */
  t: number
  rps: number
  errors: number
  /** µs, null when no 2xx in that second */
  p50: number | null
  p99: number | null
}

/** One /proc sample of the service's process tree. */
export interface ResourceSample {
  /** seconds since sampling began */
  t: number
  /** % of one core over the last interval, summed over the process tree */
  cpu: number
  rssBytes: number
  fds: number
  processes: number
}

/** How the service's main process ended. */
export interface ExitInfo {
  code: number | null
  signal: NodeJS.Signals | null
}
