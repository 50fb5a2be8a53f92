import type { MetricValues } from './metrics.js'
import type { ResourceSample, TimelinePoint } from './samples.js'

/** Why a measurement is invalid (errored): it fails the job and never becomes a baseline. */
export interface ScenarioError {
  kind:
    | 'port-in-use'
    | 'port-held'
    | 'spawn-failed'
    | 'early-exit'
    | 'not-ready'
    | 'build-failed'
    | 'base-unavailable'
    | 'crashed'
    | 'error-rate'
    | 'too-few-requests'
    | 'nothing-answered'
    | 'generator-lag'
    | 'tls'
    | 'protocol'
    | 'internal'
  message: string
  outputTail?: string[]
}

/**
 * The curve a suite measured: one point per step (sweep, stress) or window (soak). A sweep or stress point's `rps`
 * is successful responses per second (throughput.ok_rps); a soak window's counts every response.
 */
export interface SuiteResult {
  kind: 'sweep' | 'stress' | 'soak'
  /** name of the x field in each point: 'connections' or 't' */
  x: string
  points: Array<Record<string, number | null>>
  marker?: { label: string; x: number }
}

/** The two builds a comparison measures: the pull request's (head) and its target's (base). */
export type Side = 'base' | 'head'

/** One measured run of one scenario against one service build. */
export interface RunRecord {
  side: Side
  round: number
  metrics: MetricValues
  histogram?: string
  timeline?: TimelinePoint[]
  /** the warmup's seconds (t <= 0), shown shaded in the charts */
  warmupTimeline?: TimelinePoint[]
  resources?: ResourceSample[]
  error?: ScenarioError
  suite?: SuiteResult
}
