/**
 * The charts of the slices and duet designs, where base and head run at once and the load alternates between them
 * in short slices, one epoch (fresh processes) after another: every slice pair in measured order with the epochs
 * marked. The per-second series of the rounds design do not exist here; the per-epoch values are charts.ts's round
 * charts and the resources resource-charts.ts's, over epochs.
 */
import type { ScenarioReport, SlicePairValues } from '../model/scenario.js'
import type { SliceValues } from '../model/slices.js'
import type { Side } from '../model/run.js'
import type { AxisUnit, ChartSpec } from './chart-spec.js'

/** A scenario measured in slices (or duet): its slice pairs, or (older reports) checks counted in epochs. */
export function measuredInSlices(s: ScenarioReport): boolean {
  return Boolean(s.slices?.length) || s.checks.some(c => c.unit === 'epochs')
}

type SliceMetric = keyof SliceValues

const SIDES: Side[] = ['base', 'head']

/** The throughput a slice chart shows: successes when the slices measured them. */
function sliceThroughput(pairs: readonly SlicePairValues[]): SliceMetric {
  return pairs.some(p => typeof p.base['throughput.ok_rps'] === 'number')
    ? 'throughput.ok_rps'
    : 'throughput.rps'
}

/** Where each epoch after the first begins, as a pair index (1-based x). */
function epochStarts(pairs: readonly SlicePairValues[]): number[] {
  return pairs.flatMap((p, i) => (i > 0 && p.epoch !== pairs[i - 1]!.epoch ? [i + 1] : []))
}

/** Every slice pair in measured order: throughput and p50, base and head, the epochs marked. */
export function sliceCharts(s: ScenarioReport, slug: string): ChartSpec[] {
  const pairs = s.slices ?? []
  if (!pairs.length) return []
  const x = pairs.map((_, i) => i + 1)
  const epochs = new Set(pairs.map(p => p.epoch)).size
  const charts: Array<{ metric: SliceMetric; unit: AxisUnit; title: string; what: string }> = [
    {
      metric: sliceThroughput(pairs),
      unit: 'rps',
      title: 'throughput per slice pair',
      what: 'responses per second'
    },
    { metric: 'latency.p50', unit: 'us', title: 'p50 per slice pair', what: 'the median latency' }
  ]
  return charts.map(({ metric, unit, title, what }) => ({
    id: `${slug}-slices-${metric.replace(/\W/g, '-')}`,
    scenario: s.name,
    title,
    x,
    xUnit: 'pair' as const,
    yUnits: [unit] as [AxisUnit],
    series: SIDES.map(side => ({
      label: side,
      side,
      values: pairs.map(p => p[side][metric] ?? null)
    })),
    dividers: epochStarts(pairs),
    caption: `${metric}: ${what} of each slice, base and head alternating, ${pairs.length} slice pairs in ${epochs} epoch${epochs === 1 ? '' : 's'} (the thin lines separate epochs: fresh processes of both sides)`
  }))
}
