import type { SourceRef } from './source.js'

export type Verdict = 'pass' | 'warn' | 'fail' | 'inconclusive' | 'skipped' | 'errored'
export type CheckVerdict = 'pass' | 'warn' | 'fail' | 'inconclusive' | 'skipped' | 'accepted'

/** How a threshold compares the measured value with its limit. */
export type LimitOp = '<' | '<=' | '>' | '>='

/** One threshold or regression check of one scenario, judged: the data, without words. */
export interface CheckData {
  kind: 'threshold' | 'regression'
  metric: string
  expression: string
  severity: 'fail' | 'warn'
  verdict: CheckVerdict
  /** threshold: measured value and limit, in base units */
  actual?: number | null
  limit?: number
  /** regression: base and head values (means over rounds), relative change and its interval (fractions) */
  base?: number | null
  head?: number | null
  change?: number | null
  interval?: [number, number] | null
  rounds?: number
  /** who accepted an intended regression, and how */
  acceptedBy?: string
  source?: SourceRef
}

/**
 * Why a check ended as it did, as data (like a k6 threshold, which keeps its source text and evaluates to data):
 * report/checks.ts words it.
 */
export type CheckBasis =
  /** a threshold's measured value against its limit */
  | { kind: 'limit'; op: LimitOp }
  /** the metric was not measured; `platform` when it is a server.* metric (unsupported off Linux) */
  | { kind: 'not-measured'; platform?: string }
  /** a regression check of a metric that has no better direction */
  | { kind: 'no-direction' }
  /** a regression check whose metric was not measured on both sides */
  | { kind: 'one-side' }
  /** a run with no base and no stored run */
  | { kind: 'no-baseline' }
  /** the stored run has no scenario of this name */
  | { kind: 'no-stored-scenario'; scenario: string }
  /**
   * the statistics' decision (its reason line, stats/decide.ts); `runnerMismatch`: a fail made inconclusive because
   * the stored run was measured on another runner
   */
  | { kind: 'decision'; reason: string; runnerMismatch?: string[] }

/** A check as it is evaluated (compare/, gate/): data and why, worded at the report's edge. */
export interface CheckResult extends CheckData {
  basis: CheckBasis
}

/** A check as the report holds it: the data and one line for humans, e.g. "p95 61.2 ms is over the limit 50 ms". */
export interface Check extends CheckData {
  message: string
}
