import type { DecisionData } from '../model/check.js'

/** The input and output of one regression decision (see docs/statistics.md for the rule). */

export interface RegressionInput {
  /** e.g. 'throughput.rps' */
  metric: string
  /** from metricInfo(metric).better; only used for wording ("an improvement") */
  better: 'lower' | 'higher'
  /** 'rise': may rise by at most `tolerance` (latency "+20%"); 'fall': may fall by at most `tolerance` (rps "-5%") */
  direction: 'rise' | 'fall'
  /** a fraction, e.g. 0.2 */
  tolerance: number
  /** per-round values, base side, in round order */
  base: number[]
  /** per-round values, head side, in round order */
  head: number[]
  /** index pairs (baseIdx, headIdx) of rounds run back to back (ABBA neighbours), for a paired analysis */
  pairs?: Array<[number, number]>
  /** e.g. 0.95 */
  confidence: number
  /**
   * what one pair is, plural, in reasons: 'paired rounds' by default; the slices design pairs epochs ('epochs of
   * slice pairs')
   */
  unit?: string
  /**
   * the stricter level an interim look needs before the adaptive loop may stop on this check (see nextStep);
   * default 1 - (1 - confidence) / 5, e.g. 0.99
   */
  interimConfidence?: number
}

/**
 * How the interval was computed: a paired t on per-pair differences or Welch's t on the two sides; on log values
 * (the ratio of geometric means) or, when some value is <= 0, on raw values relative to the base mean.
 */
export type DecisionMethod = 'paired-log' | 'welch-log' | 'paired-linear' | 'welch-linear' | 'none'

/** A decision: its data (model/check.ts: verdict, change, interval, what its line is made of) and the loop's needs. */
export interface RegressionDecision extends DecisionData {
  method: DecisionMethod
  /** missing (NaN, null, infinite) values dropped from base and head (slices design: slice pairs) */
  dropped: number
  /**
   * the verdict also holds at `interimConfidence`: clear enough for the adaptive loop to stop on it before the
   * round limit (always false for 'inconclusive')
   */
  firm: boolean
}

/** True once a check has a verdict that more rounds would not be needed for. */
export function isDecided(decision: Pick<RegressionDecision, 'verdict'>): boolean {
  return decision.verdict !== 'inconclusive'
}
