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
  /**
   * regression: the smallest change this run could detect, a fraction: half the interval's width at the run's
   * confidence (the decision's noise floor); null without an interval or from a zero base
   */
  detectable?: number | null
  rounds?: number
  /** regression, slices and duet: the control variate the slice pairs were adjusted by, when one was fitted */
  adjustment?: Adjustment
  /** what `rounds` counts: whole rounds (the default) or epochs of slices (the slices and duet designs) */
  unit?: 'rounds' | 'epochs'
  /** who accepted an intended regression, and how */
  acceptedBy?: string
  source?: SourceRef
  /** a failing regression check on a PR: what the default branch's stored history did meanwhile */
  mainContext?: MainContext
}

/**
 * What the default branch's stored runs say about a PR's failing check (perfgate history): the metric has been
 * stable for `runs` runs; it stepped by `change` at `sha` (the newest change point, `runsAfter` runs since); or
 * the history is too short to tell.
 */
export type MainContext =
  | { kind: 'stable'; branch: string; runs: number }
  | {
      kind: 'stepped'
      branch: string
      sha: string
      /** relative change of the mean at the step (0.12: +12 %) */
      change: number
      date?: string
      subject?: string
      runsAfter: number
    }
  | { kind: 'short'; branch: string; runs: number; needed: number }

/** What a regression decision's one line is made of (report/decisions.ts words it): data, no words. */
export interface DecisionBasis {
  /**
   * 'too-few': fewer than 2 values a side; 'interval': the interval of the change against the tolerance;
   * 'zero-base': the base mean is 0, so the difference's interval decides; 'missing': a side of a stored comparison
   * lacks the metric; 'cross-run': against a stored run, the interval widened by the cross-run allowance
   */
  kind: 'too-few' | 'interval' | 'zero-base' | 'missing' | 'cross-run'
  /** what one pair is, plural ('paired rounds' by default; the slices design: 'epochs (N slice pairs)') */
  unit?: string
  /** 'interval': some value is <= 0, so the change is the difference of means relative to the base mean */
  linear?: boolean
  /** 'interval': the metric's better direction, for "an improvement" */
  better?: 'lower' | 'higher'
  /** 'zero-base': every value is 0; else the head's mean and the interval of the difference */
  allZero?: boolean
  headMean?: number
  difference?: [number, number]
  /** 'missing': which run lacks the metric */
  missingIn?: 'head run' | 'stored run'
  /** 'cross-run': the allowance (a fraction) and where it came from */
  margin?: number
  marginSource?: string
  /** missing values dropped before deciding; slice pairs without a usable value (slices design) */
  droppedValues: number
  droppedSlicePairs?: number
  /** decided as within a run although compared with a stored run (zero counts) */
  againstStored?: boolean
  /** slices and duet: the control variate the slice pairs were adjusted by */
  adjustment?: Adjustment
}

/**
 * A control variate (CUPED) applied to a check's slice pairs: the covariate (the share of the service's CPUs other
 * processes took, head's slice minus base's), its fitted slope, and the share of the pairs' variance within
 * epochs it removed.
 */
export interface Adjustment {
  covariate: 'others-cpu-share'
  slope: number
  varianceReduction: number
}

/** A regression decision as data: the verdict, the change and its interval, and what its line is made of. */
export interface DecisionData {
  verdict: 'pass' | 'fail' | 'inconclusive'
  /** relative change head vs base (head/base - 1), point estimate; null when it is undefined (no data, zero base) */
  change: number | null
  /** the confidence interval of the relative change; null when there is none (fewer than 2 rounds a side, zero base) */
  interval: [number, number] | null
  /** half the width of the interval, a fraction ("±9%"); null without an interval */
  noiseFloor: number | null
  /** usable values per side (after dropping missing ones) */
  n: { base: number; head: number }
  metric: string
  direction: 'rise' | 'fall'
  tolerance: number
  /** how many base/head pairs the paired analysis used (0 when unpaired) */
  pairs: number
  basis: DecisionBasis
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
   * the statistics' decision (stats/decide.ts); `runnerMismatch`: a fail made inconclusive because the stored run was
   * measured on another runner
   */
  | { kind: 'decision'; decision: DecisionData; runnerMismatch?: string[] }

/** A check as it is evaluated (compare/, gate/): data and why, worded at the report's edge. */
export interface CheckResult extends CheckData {
  basis: CheckBasis
}

/** A check as the report holds it: the data and one line for humans, e.g. "p95 61.2 ms is over the limit 50 ms". */
export interface Check extends CheckData {
  message: string
}
