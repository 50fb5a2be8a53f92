export type ServiceErrorKind =
  'port-in-use' | 'port-held' | 'spawn-failed' | 'early-exit' | 'not-ready' | 'build-failed'

/** A service that could not be started. `message` is complete and user-facing; `outputTail` holds its last lines. */
export class ServiceError extends Error {
  constructor(
    readonly kind: ServiceErrorKind,
    message: string,
    readonly outputTail: string[] = []
  ) {
    super(message)
    this.name = 'ServiceError'
  }
}

export interface ExitInfo {
  code: number | null
  signal: NodeJS.Signals | null
}

export interface ServiceHandle {
  pid: number
  /** resolves when the service's main process exits */
  readonly exited: Promise<ExitInfo>
  /** undefined while running */
  exitInfo(): ExitInfo | undefined
  /** the last lines of stdout and stderr, interleaved in arrival order */
  outputTail(lines?: number): string[]
  /**
   * SIGTERM to the whole process group, SIGKILL after the grace period; resolves once every process (every thread)
   * of the group has exited and the listen address refuses connections; rejects with a 'port-held' ServiceError
   * when that does not happen; idempotent
   */
  stop(): Promise<void>
}

export interface ResourceSample {
  /** seconds since sampling began */
  t: number
  /** % of one core over the last interval, summed over the process tree */
  cpu: number
  rssBytes: number
  fds: number
  processes: number
}

export interface ResourceSummary {
  cpuMean: number
  cpuPeak: number
  /** utime+stime of the tree over the sampled window, microseconds */
  cpuTimeUs: number
  rssPeakBytes: number
  fdsPeak: number
  samples: ResourceSample[]
}
