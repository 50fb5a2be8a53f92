import { mean, oneSampleInterval, welchInterval, type MeanInterval } from './ci.js'
import type { DecisionMethod, RegressionDecision, RegressionInput } from './decision.js'

export type { DecisionMethod, RegressionDecision, RegressionInput } from './decision.js'
export { isDecided } from './decision.js'
export { nextStep } from './adaptive.js'

const isValue = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)

/** "+7.0%", "-23.1%" */
export function formatSignedPercent(fraction: number): string {
  const pct = fraction * 100
  const text = Math.abs(pct) >= 1000 ? pct.toFixed(0) : pct.toFixed(1)
  return `${pct >= 0 ? '+' : ''}${text === '-0.0' ? '0.0' : text}%`
}

/** The tolerance as written in the config: "-5%", "+20%", "+2.5%". */
export function formatTolerance(direction: 'rise' | 'fall', tolerance: number): string {
  return `${direction === 'rise' ? '+' : '-'}${Number((tolerance * 100).toFixed(2))}%`
}

function checkInput(input: RegressionInput): void {
  const { metric, tolerance, confidence, base, head, pairs } = input
  if (!(Number.isFinite(tolerance) && tolerance >= 0)) {
    throw new RangeError(
      `${metric}: the regression tolerance must be a fraction >= 0 (e.g. 0.05 for "-5%"), got ${tolerance}`
    )
  }
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(
      `${metric}: confidence must be a fraction between 0 and 1 (e.g. 0.95), got ${confidence}`
    )
  }
  const interim = interimConfidenceOf(input)
  if (!(interim >= confidence && interim < 1)) {
    throw new RangeError(
      `${metric}: interimConfidence must lie between confidence (${confidence}) and 1, got ${interim}`
    )
  }
  if (input.direction !== 'rise' && input.direction !== 'fall') {
    throw new RangeError(`${metric}: direction must be 'rise' or 'fall', got ${String(input.direction)}`)
  }
  const inRange = (k: number, length: number) => Number.isInteger(k) && k >= 0 && k < length
  for (const [i, j] of pairs ?? []) {
    if (!inRange(i, base.length) || !inRange(j, head.length)) {
      throw new RangeError(
        `${metric}: pair [${i}, ${j}] points outside the rounds (${base.length} base, ${head.length} head values)`
      )
    }
  }
}

interface Prepared {
  base: number[]
  head: number[]
  /** usable pairs as values: [base, head] */
  pairs: Array<[number, number]>
  dropped: number
}

function prepare(input: RegressionInput): Prepared {
  const base = input.base.filter(isValue)
  const head = input.head.filter(isValue)
  const pairs = (input.pairs ?? [])
    .map(([i, j]): [number, number] => [input.base[i], input.head[j]])
    .filter(([b, h]) => isValue(b) && isValue(h))
  return { base, head, pairs, dropped: input.base.length - base.length + (input.head.length - head.length) }
}

/** Where a relative interval sits against the tolerance, on the bad side only. */
export function verdictFor(
  [low, high]: readonly [number, number],
  direction: 'rise' | 'fall',
  tolerance: number
): RegressionDecision['verdict'] {
  // a change exactly at the tolerance is within it; the slack absorbs rounding in exp(log(1 + t)) - 1
  const slack = 1e-12
  if (direction === 'rise') {
    if (low > tolerance + slack) return 'fail'
    if (high <= tolerance + slack) return 'pass'
  } else {
    if (high < -tolerance - slack) return 'fail'
    if (low >= -tolerance - slack) return 'pass'
  }
  return 'inconclusive'
}

interface Estimate {
  method: DecisionMethod
  /** the interval of the difference (log or raw scale) */
  diff: MeanInterval
  pairs: number
}

function estimate(p: Prepared, scale: 'log' | 'linear', confidence: number): Estimate {
  const t = scale === 'log' ? Math.log : (x: number) => x
  if (p.pairs.length >= 2) {
    const diffs = p.pairs.map(([b, h]) => t(h) - t(b))
    return { method: `paired-${scale}`, diff: oneSampleInterval(diffs, confidence), pairs: p.pairs.length }
  }
  return { method: `welch-${scale}`, diff: welchInterval(p.base.map(t), p.head.map(t), confidence), pairs: 0 }
}

/** How much stricter than `confidence` an interim look must be before the loop stops on it (0.95 -> 0.99). */
export const INTERIM_STRICTNESS = 5

/** The level an interim look must reach before the adaptive loop stops on it. */
export function interimConfidenceOf(
  input: Pick<RegressionInput, 'confidence' | 'interimConfidence'>
): number {
  return input.interimConfidence ?? 1 - (1 - input.confidence) / INTERIM_STRICTNESS
}

/**
 * Decides one regression check from per-round values: the confidence interval of the relative change head vs
 * base, set against the tolerance on the bad side. `fail` when the whole interval is beyond the tolerance,
 * `pass` when the whole interval is within it (improvements pass), `inconclusive` otherwise. See
 * docs/statistics.md.
 */
export function decideRegression(input: RegressionInput): RegressionDecision {
  checkInput(input)
  const { metric, direction, tolerance, confidence, better } = input
  const p = prepare(input)
  const n = { base: p.base.length, head: p.head.length }
  const common = { metric, direction, tolerance, n, dropped: p.dropped }
  const unit = input.unit ? { unit: input.unit } : {}
  const positive = [...p.base, ...p.head].every(v => v > 0)

  if (n.base < 2 || n.head < 2) {
    const change =
      n.base && n.head && positive
        ? Math.expm1(mean(p.head.map(Math.log)) - mean(p.base.map(Math.log)))
        : null
    return {
      ...common,
      verdict: 'inconclusive',
      firm: false,
      change,
      interval: null,
      noiseFloor: null,
      method: 'none',
      pairs: 0,
      basis: { kind: 'too-few', ...unit, droppedValues: p.dropped }
    }
  }

  const scale = positive ? 'log' : 'linear'
  const e = estimate(p, scale, confidence)
  const interim = estimate(p, scale, interimConfidenceOf(input))
  let relative: (diff: MeanInterval) => { change: number; interval: [number, number] }
  if (scale === 'log') {
    relative = d => ({ change: Math.expm1(d.estimate), interval: [Math.expm1(d.low), Math.expm1(d.high)] })
  } else {
    const baseMean = e.pairs > 0 ? mean(p.pairs.map(([b]) => b)) : mean(p.base)
    if (baseMean === 0) return zeroBase(input, e, interim, p, common)
    const by = Math.abs(baseMean)
    relative = d => ({ change: d.estimate / by, interval: [d.low / by, d.high / by] })
  }
  const { change, interval } = relative(e.diff)
  const verdict = verdictFor(interval, direction, tolerance)
  const firm =
    verdict !== 'inconclusive' &&
    verdictFor(relative(interim.diff).interval, direction, tolerance) === verdict
  const noiseFloor = (interval[1] - interval[0]) / 2
  return {
    ...common,
    verdict,
    firm,
    change,
    interval,
    noiseFloor,
    method: e.method,
    pairs: e.pairs,
    basis: {
      kind: 'interval',
      ...unit,
      better,
      ...(scale === 'linear' ? { linear: true } : {}),
      droppedValues: p.dropped
    }
  }
}

/**
 * The base mean is 0 (e.g. no errors at all in the base): a relative change is undefined, so the verdict comes
 * from the sign of the difference's interval. Any clear move in the bad direction is beyond any tolerance.
 */
function zeroBase(
  input: RegressionInput,
  e: Estimate,
  interim: Estimate,
  p: Prepared,
  common: Pick<RegressionDecision, 'metric' | 'direction' | 'tolerance' | 'n' | 'dropped'>
): RegressionDecision {
  const { direction } = input
  const { low, high } = e.diff
  const headMean = e.pairs > 0 ? mean(p.pairs.map(([, h]) => h)) : mean(p.head)
  const allZero = [...p.base, ...p.head].every(v => v === 0)
  const result = { ...common, method: e.method, pairs: e.pairs, noiseFloor: allZero ? 0 : null }
  const basis = {
    kind: 'zero-base' as const,
    ...(input.unit ? { unit: input.unit } : {}),
    allZero,
    headMean,
    difference: [low, high] as [number, number],
    droppedValues: p.dropped
  }
  if (allZero) return { ...result, verdict: 'pass', firm: true, change: 0, interval: [0, 0], basis }
  const verdict = verdictFor([low, high], direction, 0)
  const firm =
    verdict !== 'inconclusive' && verdictFor([interim.diff.low, interim.diff.high], direction, 0) === verdict
  return { ...result, verdict, firm, change: null, interval: null, basis }
}
