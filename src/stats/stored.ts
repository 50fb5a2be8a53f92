import type { NoteData } from '../model/note.js'
import { mean, variance } from './ci.js'
import { decideRegression, verdictFor } from './decide.js'
import type { RegressionDecision, RegressionInput } from './decision.js'

/**
 * Comparing with a stored run crosses runs (and often machines of one runner kind). Its rounds say nothing about
 * how much two runs differ: measured on shared runners, the run-to-run spread is ~9% in requests per second and
 * ~11% at p99 (docs/measurements.md). So the interval of the change is widened by a cross-run allowance before it
 * is held against the tolerance: a stored comparison fails only on a change beyond tolerance + allowance, and says
 * "inconclusive" rather than failing on what cross-run noise could explain.
 */
export interface CrossRunMargin {
  /** a fraction: 0.1 widens the interval by ±10% (on the log scale) */
  margin: number
  /** where it came from, for the reason line */
  source: string
}

/** Runs needed before the history's own spread replaces the configured allowance. */
export const MIN_HISTORY = 5
const HISTORY_WINDOW = 20

function logSpread(values: number[]): number | undefined {
  const usable = values.filter(v => Number.isFinite(v) && v > 0)
  if (usable.length < MIN_HISTORY) return undefined
  return Math.sqrt(variance(usable.map(Math.log)))
}

/**
 * The allowance for one metric: two standard deviations of the run-to-run spread in the stored history of this
 * config on this runner kind (the last 20 runs, at least 5), else the configured default.
 */
export function crossRunMargin(history: number[], fallback: number): CrossRunMargin {
  const recent = history.slice(-HISTORY_WINDOW)
  const sd = logSpread(recent)
  if (sd === undefined) {
    return {
      margin: fallback,
      source: `baseline.noise; fewer than ${MIN_HISTORY} stored runs to learn it from`
    }
  }
  return {
    margin: Math.expm1(2 * sd),
    source: `2 SD of run-to-run spread over the last ${recent.filter(v => v > 0).length} stored runs`
  }
}

export type StoredInput = Omit<RegressionInput, 'pairs' | 'interimConfidence'> & CrossRunMargin

/**
 * One regression check against a stored run: Welch's interval on log values of the rounds (or the point ratio
 * when a side has a single round), widened by the cross-run margin, then held against the tolerance.
 */
export function decideAgainstStored(input: StoredInput): RegressionDecision {
  const { metric, direction, tolerance, margin, source } = input
  const base = input.base.filter(v => Number.isFinite(v))
  const head = input.head.filter(v => Number.isFinite(v))
  const positive = [...base, ...head].every(v => v > 0)
  const common = {
    metric,
    direction,
    tolerance,
    n: { base: base.length, head: head.length },
    dropped: input.base.length - base.length + (input.head.length - head.length),
    firm: false
  }
  if (!base.length || !head.length) {
    return {
      ...common,
      verdict: 'inconclusive',
      change: null,
      interval: null,
      noiseFloor: null,
      method: 'none',
      pairs: 0,
      basis: {
        kind: 'missing',
        missingIn: base.length ? 'head run' : 'stored run',
        droppedValues: common.dropped
      }
    }
  }
  if (!positive) {
    // zero counts (e.g. no errors at all): a move away from zero is not cross-run noise, decide as within a run
    const within = decideRegression({ ...input, base, head })
    return { ...within, firm: false, basis: { ...within.basis, againstStored: true } }
  }
  const within = base.length >= 2 && head.length >= 2 ? decideRegression({ ...input, base, head }) : undefined
  const change = within?.change ?? Math.expm1(mean(head.map(Math.log)) - mean(base.map(Math.log)))
  const [low, high] = within?.interval ?? [change, change]
  const widen = Math.log1p(margin)
  const interval: [number, number] = [
    Math.expm1(Math.log1p(low) - widen),
    Math.expm1(Math.log1p(high) + widen)
  ]
  const verdict = verdictFor(interval, direction, tolerance)
  return {
    ...common,
    verdict,
    change,
    interval,
    noiseFloor: (interval[1] - interval[0]) / 2,
    method: within ? 'welch-log' : 'none',
    pairs: 0,
    basis: { kind: 'cross-run', margin, marginSource: source, droppedValues: common.dropped }
  }
}

/**
 * A history note (never a failure): the head's value is 3 or more standard deviations from the last stored runs
 * of this config on this runner kind.
 */
export function anomalyNote(
  metric: string,
  history: number[],
  value: number | null | undefined
): Extract<NoteData, { kind: 'history-anomaly' }> | undefined {
  const recent = history.slice(-HISTORY_WINDOW).filter(v => Number.isFinite(v))
  if (recent.length < MIN_HISTORY || typeof value !== 'number' || !Number.isFinite(value)) return undefined
  const m = mean(recent)
  const sd = Math.sqrt(variance(recent))
  if (!(sd > 0)) return undefined
  const z = (value - m) / sd
  if (Math.abs(z) < 3) return undefined
  return { kind: 'history-anomaly', metric, value, z, runs: recent.length, mean: m, sd }
}
