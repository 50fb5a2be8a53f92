import type { SourceRef } from './source.js'

export type Verdict = 'pass' | 'warn' | 'fail' | 'inconclusive' | 'skipped' | 'errored'
export type CheckVerdict = 'pass' | 'warn' | 'fail' | 'inconclusive' | 'skipped' | 'accepted'

/** One threshold or regression check of one scenario, judged. */
export interface Check {
  kind: 'threshold' | 'regression'
  metric: string
  expression: string
  severity: 'fail' | 'warn'
  verdict: CheckVerdict
  /** one line for humans, e.g. "p95 61.2 ms is over the limit 50 ms" */
  message: string
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
