import { createLatencyHistogram } from './histogram.js'
import type { LoadCounts, TimelinePoint } from './types.js'

/** Per-second buckets of the measured window: responses, errors and 2xx latency percentiles. */
export class Timeline {
  readonly points: TimelinePoint[] = []
  private readonly latency = createLatencyHistogram()
  private responses = 0
  private errors = 0

  response(latencyUs?: number): void {
    this.responses++
    if (latencyUs !== undefined) this.latency.recordValue(latencyUs)
  }

  error(): void {
    this.errors++
  }

  /** responses in the open bucket, for the progress line */
  get currentResponses(): number {
    return this.responses
  }

  get pending(): boolean {
    return this.responses > 0 || this.errors > 0
  }

  /** Closes the open bucket as the second ending at `t` (seconds into the measured window). */
  close(t: number): void {
    const h = this.latency
    this.points.push({
      t,
      rps: this.responses,
      errors: this.errors,
      p50: h.totalCount ? h.getValueAtPercentile(50) : null,
      p99: h.totalCount ? h.getValueAtPercentile(99) : null
    })
    h.reset()
    this.responses = 0
    this.errors = 0
  }
}

/**
 * Responses that failed, as `expect` decides (countResponse): 4xx/5xx answers their request did not expect, and
 * 2xx/3xx answers whose request expected another status.
 */
export function failedResponses(c: LoadCounts): number {
  return c.status4xx + c.status5xx - c.expectedErrors + c.unexpected
}

/** Responses that succeeded, as `expect` decides: the ones whose latency is recorded. */
export function okResponses(c: LoadCounts): number {
  return c.responses - failedResponses(c)
}

/** Failed requests of every kind: transport errors and failed responses. */
export function failedCount(c: LoadCounts): number {
  return c.connect + c.timeout + c.reset + c.other + failedResponses(c)
}
