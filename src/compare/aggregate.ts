import { metricInfo } from '../config/metrics.js'
import type { MetricValues } from '../model/metrics.js'

/** The rounds' values joined as the catalogue says (MetricInfo.rounds); a metric it does not know: the mean. */
function combine(metric: string, values: number[]): number {
  const join = metricInfo(metric)?.rounds ?? 'mean'
  if (join === 'max') return Math.max(...values)
  if (join === 'min') return Math.min(...values)
  return values.reduce((a, b) => a + b, 0) / values.length
}

/**
 * One set of metrics from several rounds (or epochs), each metric joined as the catalogue says: peaks and maxima
 * take the largest, minima the smallest, the rest the mean.
 */
export function aggregateRounds(rounds: readonly MetricValues[]): MetricValues {
  const names = new Set(rounds.flatMap(r => Object.keys(r)))
  const out: MetricValues = {}
  for (const name of names) {
    const values = rounds
      .map(r => r[name])
      .filter((v): v is number => typeof v === 'number' && Number.isFinite(v))
    out[name] = values.length ? combine(name, values) : null
  }
  return out
}

/** The per-round values of one metric, in round order, skipping rounds that did not measure it. */
export function roundValues(rounds: readonly MetricValues[], metric: string): number[] {
  return rounds.map(r => r[metric]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v))
}
