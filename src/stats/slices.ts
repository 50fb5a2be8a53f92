/**
 * The interval of the slices (and duet) designs: paired slice observations grouped by epoch (one pair of fresh
 * base and head processes). Within an epoch the slices share the two processes and the runner's slow phases, so
 * they are not independent; the epoch is the unit of the interval (the summary-statistics form of a random-effects
 * model over epochs). See docs/statistics.md, section 11.
 */
import { decideRegression } from './decide.js'
import type { RegressionDecision, RegressionInput } from './decision.js'

/** One paired observation: a metric's value in two adjacent slices (or two simultaneous duet slices). */
export interface SlicePair {
  /** the epoch the two slices ran in (1-based) */
  epoch: number
  base: number
  head: number
  /**
   * a covariate measured beside both slices, head minus base, that the change does not move (the other processes'
   * share of the service's CPUs): the control variate of epochLogRatios
   */
  covariate?: number
}

export type Side = 'base' | 'head'

/**
 * The order of an epoch's slice pairs in randomized ABBA blocks: pairs 2b and 2b+1 form block b, which runs
 * B H H B or H B B H with equal chance (one draw of `rng` per block), so neither side is systematically first,
 * last, or next to the epoch's start. An odd count ends with a half block.
 */
export function slicePlan(pairs: number, rng: () => number): Array<[Side, Side]> {
  const plan: Array<[Side, Side]> = []
  for (let k = 0; k < pairs; k += 2) {
    const first: [Side, Side] = rng() < 0.5 ? ['head', 'base'] : ['base', 'head']
    plan.push(first)
    if (k + 1 < pairs) plan.push([first[1], first[0]])
  }
  return plan
}

/** The share cut from each end of an epoch's sorted log ratios before they are averaged. */
export const TRIM = 0.2

/**
 * The trimmed mean: the mean of what is left after cutting floor(trim x n) values from each end. With fewer than
 * 5 values nothing is cut. Robust to the pair whose one slice a burst of the runner hit and whose other it missed.
 */
export function trimmedMean(values: readonly number[], trim = TRIM): number {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  const cut = sorted.length >= 5 ? Math.floor(trim * sorted.length) : 0
  const kept = sorted.slice(cut, sorted.length - cut)
  let sum = 0
  for (const v of kept) sum += v
  return sum / kept.length
}

const usable = (p: SlicePair) =>
  Number.isFinite(p.base) && Number.isFinite(p.head) && p.base > 0 && p.head > 0

/** Slice pairs with a covariate below which the control variate is not used: too few to estimate its slope. */
export const MIN_COVARIATE_PAIRS = 12

/** The control variate as fitted: its slope, and how much of the slice pairs' spread within epochs it removed. */
export interface ControlVariate {
  slope: number
  /** 1 - (the adjusted log ratios' sum of squares within epochs) / (the raw ones'): 0.3 removes 30 % of the variance */
  varianceReduction: number
}

/**
 * The control variate (CUPED): the least-squares slope of the log ratios on the covariate within epochs (both
 * centred on their epoch's mean, so it ignores what differs between epochs), and the share of the within-epoch
 * variance it removes; none when fewer than MIN_COVARIATE_PAIRS pairs have a covariate or it never varies.
 */
export function fitControlVariate(
  pairs: readonly { epoch: number; d: number; x?: number }[]
): ControlVariate | undefined {
  const withX = pairs.filter(p => p.x !== undefined && Number.isFinite(p.x))
  if (withX.length < MIN_COVARIATE_PAIRS || withX.length < pairs.length) return undefined
  const groups = new Map<number, { d: number; x: number }[]>()
  for (const p of withX) groups.set(p.epoch, [...(groups.get(p.epoch) ?? []), { d: p.d, x: p.x! }])
  let sxy = 0
  let sxx = 0
  let syy = 0
  for (const group of groups.values()) {
    const md = group.reduce((a, p) => a + p.d, 0) / group.length
    const mx = group.reduce((a, p) => a + p.x, 0) / group.length
    for (const p of group) {
      sxy += (p.d - md) * (p.x - mx)
      sxx += (p.x - mx) ** 2
      syy += (p.d - md) ** 2
    }
  }
  if (sxx <= 1e-12) return undefined
  const slope = sxy / sxx
  // the residual sum of squares is syy - slope * sxy, so the share removed is the within-epoch r squared
  return { slope, varianceReduction: syy > 0 ? (slope * sxy) / syy : 0 }
}

/** The control variate's slope, 0 when none is fitted (see fitControlVariate). */
export function covariateSlope(pairs: readonly { epoch: number; d: number; x?: number }[]): number {
  return fitControlVariate(pairs)?.slope ?? 0
}

/**
 * Per epoch (in epoch order), the trimmed mean of ln(head / base) over its usable slice pairs; when every pair
 * carries a covariate, each log ratio is first adjusted by the control variate, d - slope x (section 12).
 */
export function epochLogRatios(
  pairs: readonly SlicePair[]
): { epoch: number; ratio: number; pairs: number; adjusted: boolean }[] {
  return adjustedEpochs(pairs).epochs
}

function adjustedEpochs(pairs: readonly SlicePair[]): {
  epochs: { epoch: number; ratio: number; pairs: number; adjusted: boolean }[]
  control?: ControlVariate
} {
  const logs = pairs
    .filter(usable)
    .map(p => ({ epoch: p.epoch, d: Math.log(p.head) - Math.log(p.base), x: p.covariate }))
  const control = fitControlVariate(logs)
  const slope = control?.slope ?? 0
  const byEpoch = new Map<number, number[]>()
  for (const p of logs) {
    const list = byEpoch.get(p.epoch) ?? []
    list.push(slope ? p.d - slope * p.x! : p.d)
    byEpoch.set(p.epoch, list)
  }
  const epochs = [...byEpoch.entries()]
    .sort(([a], [b]) => a - b)
    .map(([epoch, ratios]) => ({
      epoch,
      ratio: trimmedMean(ratios),
      pairs: ratios.length,
      adjusted: slope !== 0
    }))
  return { epochs, ...(control ? { control } : {}) }
}

export type SliceInput = Omit<RegressionInput, 'base' | 'head' | 'pairs' | 'unit'> & {
  pairs: readonly SlicePair[]
  /** what one pair is, plural, for the decision's line (default 'slice pairs'; the tail: 'blocks of slices') */
  pairUnit?: string
}

/**
 * Decides a regression check from slice pairs: per epoch the trimmed mean of the log ratios head / base, then
 * Student's t interval of their mean over the epochs (df = epochs - 1), and the verdict rule of decideRegression
 * (fail only when the whole interval is beyond the tolerance, pass when it is within, else inconclusive).
 */
export function decideSlices(input: SliceInput): RegressionDecision {
  const { epochs, control } = adjustedEpochs(input.pairs)
  const total = epochs.reduce((n, e) => n + e.pairs, 0)
  const dropped = input.pairs.length - total
  const { pairUnit, ...rest } = input
  const decision = decideRegression({
    ...rest,
    base: epochs.map(() => 1),
    head: epochs.map(e => Math.exp(e.ratio)),
    pairs: epochs.map((_, i) => [i, i]),
    unit: `epochs (${total} ${pairUnit ?? 'slice pairs'}${epochs[0]?.adjusted ? ", adjusted for other processes' load on the service's CPUs" : ''})`
  })
  return {
    ...decision,
    dropped,
    basis: {
      ...decision.basis,
      droppedSlicePairs: dropped,
      ...(control && control.slope !== 0
        ? { adjustment: { covariate: 'others-cpu-share' as const, ...control } }
        : {})
    }
  }
}
