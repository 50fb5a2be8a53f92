import type { ExitInfo, ResourceSample } from '../model/samples.js'

export type { ExitInfo, ResourceSample }

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

export interface ServiceHandle {
  /** 0 for a running target (external) */
  pid: number
  /** a running target perfgate did not start (target.ts): no process to sample, stop or watch */
  external?: boolean
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

export interface ResourceSummary {
  cpuMean: number
  cpuPeak: number
  /** utime+stime of the tree over the sampled window, microseconds */
  cpuTimeUs: number
  rssPeakBytes: number
  fdsPeak: number
  samples: ResourceSample[]
  /** false off Linux: nothing was sampled, and the server.* metrics are missing rather than 0 */
  measured?: boolean
}
