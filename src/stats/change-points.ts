/**
 * Change points of a series of runs: the penalised least-squares segmentation (PELT) with a penalty scaled to the
 * series' own noise and length, then Hunter/Otava's merge (Fleming et al., ICPE 2023): the weakest change point
 * by a Welch t-test between its neighbouring ones is dropped until all are significant and large enough.
 * Deterministic: the same series gives the same change points. Pure functions, no I/O. docs/statistics.md §9c
 * has the measured rates and what was tried instead (E-divisive means).
 */
import { mean, tCdf, tQuantile, variance } from './ci.js'

const { abs, exp, sqrt, max, min } = Math

export interface ChangePointOptions {
  /** the penalty per change point, in noise variances × ln(runs): 2 is Schwarz's criterion */
  penalty: number
  /** the largest p-value of the t-test between a change point's neighbouring segments that is kept */
  maxPValue: number
  /** the smallest relative step kept (a fraction, either way) */
  minMagnitude: number
  /** the fewest runs on each side of a change point */
  minSegment: number
  /** the confidence of the step's interval */
  confidence: number
}

export const CHANGE_POINT_DEFAULTS: ChangePointOptions = {
  penalty: 2,
  maxPValue: 0.0005,
  minMagnitude: 0.02,
  minSegment: 6,
  confidence: 0.95
}

/** The fewest runs a series needs before a change point can be found in it. */
export const minRunsFor = (options: Pick<ChangePointOptions, 'minSegment'>) => 2 * options.minSegment

/** The runs on one side of a change point, up to the next one. */
export interface Segment {
  /** index of the first run and one past the last */
  start: number
  end: number
  /** the mean, on the scale the series was analysed on, back in the metric's units */
  mean: number
}

export interface ChangePoint {
  /** index of the first run after the step */
  index: number
  /** relative change of the mean, after over before (0.12: +12 %) */
  change: number
  /** its interval at the configured confidence */
  interval: { low: number; high: number }
  /** two-sided p-value of the t-test between the neighbouring segments */
  pValue: number
  before: Segment
  after: Segment
}

/** 'log': all values positive, compared as ratios; 'linear': differences over the mean before. */
export type Scale = 'log' | 'linear'

export const scaleOf = (values: readonly number[]): Scale => (values.every(v => v > 0) ? 'log' : 'linear')

interface Comparison {
  pValue: number
  /** the step on the analysis scale, and its interval */
  estimate: number
  low: number
  high: number
}

/** Welch's t-test between two segments, with the interval of the step; p = 1 when a side has fewer than two runs. */
function compare(left: readonly number[], right: readonly number[], confidence: number): Comparison {
  if (left.length < 2 || right.length < 2) return { pValue: 1, estimate: 0, low: -Infinity, high: Infinity }
  const vl = variance(left) / left.length
  const vr = variance(right) / right.length
  const se = sqrt(vl + vr)
  const estimate = mean(right) - mean(left)
  if (se === 0) return { pValue: estimate === 0 ? 1 : 0, estimate, low: estimate, high: estimate }
  const df = (vl + vr) ** 2 / (vl ** 2 / (left.length - 1) + vr ** 2 / (right.length - 1))
  const pValue = 2 * (1 - tCdf(abs(estimate) / se, df))
  const half = tQuantile(1 - (1 - confidence) / 2, df) * se
  return { pValue, estimate, low: estimate - half, high: estimate + half }
}

/**
 * The noise of a series whose mean may step: the spread of successive differences, robustly (the median absolute
 * difference over √2, scaled to an SD), so that steps and single outliers do not inflate it. Falls back to the RMS
 * of the differences when more than half of them are zero (counts, error rates).
 */
export function stepRobustNoise(x: readonly number[]): number {
  const diffs: number[] = []
  for (let i = 1; i < x.length; i++) diffs.push(abs(x[i] - x[i - 1]))
  if (!diffs.length) return 0
  const sorted = [...diffs].sort((a, b) => a - b)
  const mad = 1.4826 * sorted[Math.floor(sorted.length / 2)]
  return (mad > 0 ? mad : sqrt(mean(diffs.map(d => d * d)))) / Math.SQRT2
}

/**
 * PELT (Killick, Fearnhead & Eckley 2012): the exact least-squares segmentation minimising the residual sum of
 * squares plus `penalty` per change point, with at least `minSegment` runs per segment; pruned, so about linear in
 * the series' length.
 */
export function penalisedCuts(x: readonly number[], penalty: number, minSegment: number): number[] {
  const n = x.length
  const m = max(1, minSegment)
  const sum = new Float64Array(n + 1)
  const squares = new Float64Array(n + 1)
  for (let i = 0; i < n; i++) {
    sum[i + 1] = sum[i] + x[i]
    squares[i + 1] = squares[i] + x[i] * x[i]
  }
  const cost = (s: number, t: number) => {
    const total = sum[t] - sum[s]
    return max(0, squares[t] - squares[s] - (total * total) / (t - s))
  }
  const best = new Float64Array(n + 1).fill(Infinity)
  const previous = new Int32Array(n + 1).fill(-1)
  best[0] = -penalty
  const candidates = new Int32Array(n + 1)
  const unpenalised = new Float64Array(n + 1) // best[s] + cost(s, t) of candidates[k], for the pruning
  let count = 1 // candidates[0] = 0
  for (let t = m; t <= n; t++) {
    for (let k = 0; k < count; k++) {
      const s = candidates[k]
      if (t - s < m) continue
      unpenalised[k] = best[s] + cost(s, t)
      if (unpenalised[k] + penalty < best[t]) {
        best[t] = unpenalised[k] + penalty
        previous[t] = s
      }
    }
    // a start that cannot beat the best by the penalty now never will (the pruning of PELT)
    let kept = 0
    for (let k = 0; k < count; k++) {
      const s = candidates[k]
      if (t - s < m || unpenalised[k] <= best[t]) candidates[kept++] = s
    }
    count = kept
    if (t - m + 1 >= m) candidates[count++] = t - m + 1
  }
  const cuts: number[] = []
  for (let t = n; previous[t] > 0; t = previous[t]) cuts.push(previous[t])
  return cuts.reverse()
}

/** Series longer than this are segmented in windows overlapping by half (PELT is quadratic without steps). */
export const SEGMENTATION_WINDOW = 600

/**
 * `penalisedCuts` over the whole series, or over windows of SEGMENTATION_WINDOW runs overlapping by half, each
 * keeping the cuts in its middle half (the first and last window their outer quarter too).
 */
function windowedCuts(x: readonly number[], penalty: number, minSegment: number): number[] {
  const n = x.length
  if (n <= SEGMENTATION_WINDOW) return penalisedCuts(x, penalty, minSegment)
  const cuts: number[] = []
  const quarter = SEGMENTATION_WINDOW / 4
  for (let start = 0; ; start += 2 * quarter) {
    const end = min(start + SEGMENTATION_WINDOW, n)
    const lo = start === 0 ? 0 : start + quarter
    const hi = end === n ? n : end - quarter
    for (const c of penalisedCuts(x.slice(start, end), penalty, minSegment)) {
      if (c + start >= lo && c + start < hi) cuts.push(c + start)
    }
    if (end === n) return cuts
  }
}

const neighbours = (index: number, cuts: readonly number[]): [number, number] => {
  let lo = 0
  let hi = Infinity
  for (const c of cuts) {
    if (c < index && c > lo) lo = c
    if (c > index && c < hi) hi = c
  }
  return [lo, hi]
}

function testAt(x: readonly number[], index: number, cuts: readonly number[], confidence: number) {
  const [lo, hi] = neighbours(index, cuts)
  return compare(x.slice(lo, index), x.slice(index, min(hi, x.length)), confidence)
}

const magnitude = (c: Comparison, scale: Scale, before: number) => {
  const forward = scale === 'log' ? exp(c.estimate) - 1 : before === 0 ? Infinity : c.estimate / abs(before)
  // Hunter's magnitude: the larger of the forward and backward relative change
  return max(abs(forward), abs(1 / (1 + forward) - 1))
}

interface Candidate {
  index: number
  stats: Comparison
}

/** Changes points in time order; fewer than `minRunsFor(options)` values give none. */
export function changePoints(
  values: readonly number[],
  options: Partial<ChangePointOptions> = {}
): ChangePoint[] {
  const o = { ...CHANGE_POINT_DEFAULTS, ...options }
  if (values.some(v => !Number.isFinite(v))) throw new RangeError('change points need finite values')
  if (values.length < minRunsFor(o)) return []
  const scale = scaleOf(values)
  const x = scale === 'log' ? values.map(Math.log) : [...values]
  // split: the least-squares segmentation with a penalty of `penalty` × noise variance × ln n (Schwarz's criterion)
  const noise = stepRobustNoise(x)
  const split = noise > 0 ? windowedCuts(x, o.penalty * noise * noise * Math.log(x.length), o.minSegment) : []
  // merge: drop the weakest (largest p, then smallest step) until all are strong, re-testing its neighbours
  const cps: Candidate[] = []
  const cutsOf = () => [0, ...cps.map(c => c.index), x.length]
  for (const index of split) cps.push({ index, stats: { pValue: 1, estimate: 0, low: 0, high: 0 } })
  const retest = (i: number) => {
    if (i >= 0 && i < cps.length) cps[i].stats = testAt(x, cps[i].index, cutsOf(), o.confidence)
  }
  for (let i = 0; i < cps.length; i++) retest(i)
  const beforeMean = (c: Candidate) => {
    const [lo] = neighbours(c.index, cutsOf())
    return mean(x.slice(lo, c.index))
  }
  while (cps.length) {
    let weakest = 0
    for (let i = 1; i < cps.length; i++) if (cps[i].stats.pValue > cps[weakest].stats.pValue) weakest = i
    if (cps[weakest].stats.pValue <= o.maxPValue) {
      const sizes = cps.map(c => magnitude(c.stats, scale, beforeMean(c)))
      weakest = sizes.indexOf(min(...sizes))
      if (sizes[weakest] >= o.minMagnitude) break
    }
    cps.splice(weakest, 1)
    retest(weakest - 1)
    retest(weakest)
  }
  const cuts = cutsOf()
  return cps.map(c => {
    const [lo, hi] = neighbours(c.index, cuts)
    const end = min(hi, x.length)
    const meanBefore = mean(x.slice(lo, c.index))
    const meanAfter = mean(x.slice(c.index, end))
    const back = (v: number) => (scale === 'log' ? exp(v) : v)
    const relative = (d: number) =>
      scale === 'log' ? exp(d) - 1 : meanBefore === 0 ? (d === 0 ? 0 : Infinity) : d / abs(meanBefore)
    return {
      index: c.index,
      change: relative(c.stats.estimate),
      interval: { low: relative(c.stats.low), high: relative(c.stats.high) },
      pValue: c.stats.pValue,
      before: { start: lo, end: c.index, mean: back(meanBefore) },
      after: { start: c.index, end, mean: back(meanAfter) }
    }
  })
}

/** The spread of a series' runs around their segment means (a fraction of the mean): the noise band's half width. */
export function segmentSpread(values: readonly number[], cps: readonly ChangePoint[]): number {
  const cuts = [0, ...cps.map(c => c.index), values.length]
  let sum = 0
  let count = 0
  for (let i = 0; i + 1 < cuts.length; i++) {
    const seg = values.slice(cuts[i], cuts[i + 1])
    const m = mean(seg)
    if (!(m !== 0) || seg.length < 2) continue
    for (const v of seg) sum += ((v - m) / m) ** 2
    count += seg.length - 1
  }
  return count ? sqrt(sum / count) : 0
}
