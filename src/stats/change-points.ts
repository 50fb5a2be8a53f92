/**
 * Change points of a series of runs: E-divisive means (Matteson & James 2014) split top-down over sliding
 * windows, each candidate judged by a t-test between its neighbouring change points instead of permutations, then
 * the weakest merged away bottom-up: the method of Hunter/Otava (Fleming et al., "Hunter: Using Change Point
 * Detection to Hunt for Performance Regressions", ICPE 2023). Deterministic: the same series gives the same
 * change points. Pure functions, no I/O.
 */
import { mean, tCdf, tQuantile, variance } from './ci.js'

const { abs, exp, sqrt, max, min } = Math

export interface ChangePointOptions {
  /** the window E-divisive runs in (Hunter's window_len); consecutive windows overlap by half */
  windowLength: number
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
  windowLength: 50,
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
 * The E-divisive statistic's best split of `x[start, end)`: the index maximising q̂ (the energy distance between
 * the two sides, weighted by their sizes), with at least `minSegment` runs each side. O(n²) in the segment.
 */
export function bestSplit(
  x: readonly number[],
  start: number,
  end: number,
  minSegment: number
): { index: number; q: number } | undefined {
  const n = end - start
  if (n < 2 * minSegment || n < 4) return undefined
  // row sums of |x_i - x_j| toward lower and higher indexes
  const lower = new Float64Array(n)
  const higher = new Float64Array(n)
  let total = 0
  for (let i = 0; i < n; i++) {
    const xi = x[start + i]
    for (let j = i + 1; j < n; j++) {
      const d = abs(xi - x[start + j])
      higher[i] += d
      lower[j] += d
      total += d
    }
  }
  let left = 0 // sum over pairs both in [0, tau)
  let right = total // sum over pairs both in [tau, n)
  let best: { index: number; q: number } | undefined
  for (let tau = 1; tau < n; tau++) {
    left += lower[tau - 1]
    right -= higher[tau - 1]
    if (tau < max(2, minSegment) || n - tau < max(2, minSegment)) continue
    const cross = total - left - right
    const a = tau
    const b = n - tau
    const q =
      ((a * b) / (a + b)) * ((2 * cross) / (a * b) - (2 * left) / (a * (a - 1)) - (2 * right) / (b * (b - 1)))
    if (!best || q > best.q) best = { index: start + tau, q }
  }
  return best
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

/**
 * E-divisive in one window: split the segment with the largest q̂ while the t-test between the split's
 * neighbouring cuts says p <= maxPValue.
 */
function divide(x: readonly number[], maxPValue: number, minSegment: number, confidence: number): number[] {
  const cuts = [0, x.length]
  const found: number[] = []
  for (;;) {
    let best: { index: number; q: number } | undefined
    for (let i = 0; i + 1 < cuts.length; i++) {
      const split = bestSplit(x, cuts[i], cuts[i + 1], minSegment)
      if (split && (!best || split.q > best.q)) best = split
    }
    if (!best || testAt(x, best.index, cuts, confidence).pValue > maxPValue) return found
    found.push(best.index)
    cuts.push(best.index)
    cuts.sort((a, b) => a - b)
  }
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

/**
 * E-divisive's q̂ places a step where the two sides' distributions differ most, which under noise is often a few
 * runs off the step of the mean. Each kept change point is moved to where the mean shift between its neighbouring
 * change points is largest (the CUSUM maximum: the least-squares place of one step), twice over.
 */
function relocate(x: readonly number[], cps: Candidate[], minSegment: number): void {
  const prefix = new Float64Array(x.length + 1)
  for (let i = 0; i < x.length; i++) prefix[i + 1] = prefix[i] + x[i]
  for (let pass = 0; pass < 2; pass++) {
    for (let k = 0; k < cps.length; k++) {
      const lo = k === 0 ? 0 : cps[k - 1].index
      const hi = k + 1 < cps.length ? cps[k + 1].index : x.length
      const n = hi - lo
      let best = cps[k].index
      let bestScore = -1
      for (let tau = lo + minSegment; tau <= hi - minSegment; tau++) {
        const a = tau - lo
        const b = hi - tau
        const shift = (prefix[hi] - prefix[tau]) / b - (prefix[tau] - prefix[lo]) / a
        const score = ((a * b) / n) * shift * shift
        if (score > bestScore) {
          bestScore = score
          best = tau
        }
      }
      cps[k].index = best
    }
  }
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
  // split: E-divisive over overlapping windows, at a looser p-value (Hunter: 10x), then merge
  const indexes = new Set<number>()
  const step = max(1, Math.floor(o.windowLength / 2))
  for (let start = 0; start < x.length;) {
    const end = min(start + o.windowLength, x.length)
    const found = divide(x.slice(start, end), o.maxPValue * 10, o.minSegment, o.confidence).map(
      i => i + start
    )
    for (const i of found) indexes.add(i)
    const last = found.length ? max(...found) : 0
    if (end === x.length) break
    start = max(last, start + step)
  }
  // merge: drop the weakest (largest p, then smallest step) until all are strong, re-testing its neighbours
  const cps: Candidate[] = []
  const sorted = [...indexes].sort((a, b) => a - b)
  const cutsOf = () => [0, ...cps.map(c => c.index), x.length]
  for (const index of sorted) cps.push({ index, stats: { pValue: 1, estimate: 0, low: 0, high: 0 } })
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
  relocate(x, cps, Math.min(o.minSegment, 2))
  for (let i = 0; i < cps.length; i++) retest(i)
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
