import { decodeHistogram, createLatencyHistogram } from '../load/histogram.js'
import type { TimelinePoint } from '../model/samples.js'
import type { Report } from '../model/report.js'
import type { RunRecord } from '../model/run.js'
import type { ScenarioReport } from '../model/scenario.js'
import { mean } from '../stats/ci.js'
import { align, unionX, type AxisUnit, type ChartSeries, type ChartSpec } from './chart-spec.js'
import { measuredInSlices, sliceCharts } from './slice-charts.js'
import { resourceCharts } from './resource-charts.js'

export type { AxisUnit, ChartSeries, ChartSpec } from './chart-spec.js'

/** Runs above which a chart's legend lists sides, not series (a 15-round compare has 30 runs). */
export const LEGEND_BY_SIDE_ABOVE = 4

/** Percentiles of the distribution chart, as "1 in N" on a log axis: 50%, 90%, 99%, 99.9%, ... */
export const DISTRIBUTION_PERCENTILES = [50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 99.999]

const runLabel = (r: RunRecord, many: boolean) => (many ? `${r.side} round ${r.round}` : r.side)

/**
 * Whole seconds of the warmup (t <= 0) and of the measured window: a partial second would show as a false drop in
 * throughput.
 */
function wholeSeconds(s: ScenarioReport, r: RunRecord): TimelinePoint[] {
  const last = Math.max(1, Math.floor(s.load.durationMs / 1000))
  const whole = r.timeline!.filter(p => p.t <= last)
  const warmupS = s.load.warmupMs / 1000
  const warmup = (r.warmupTimeline ?? []).filter(p => p.t <= 0 && p.t - 1 >= -warmupS - 1e-9)
  return [...warmup, ...(whole.length ? whole : r.timeline!)]
}

function timelineCharts(scenario: ScenarioReport, slug: string): ChartSpec[] {
  const s = {
    ...scenario,
    runs: scenario.runs.map(r => (r.timeline?.length ? { ...r, timeline: wholeSeconds(scenario, r) } : r))
  }
  const runs = s.runs.filter(r => r.timeline?.length && !r.error)
  if (!runs.length) return []
  const many = s.runs.length > 1
  const x = unionX(runs.map(r => r.timeline!.map(p => p.t)))
  // the warmup's last second is plotted at t = 0: shade up to half-way to the first measured second
  const shade = x[0]! <= 0 ? { shadeUntil: 0.5 } : {}
  const rps: ChartSeries[] = runs.map(r => ({
    label: runLabel(r, many),
    side: r.side,
    values: align(
      x,
      r.timeline!.map(p => [p.t, p.rps])
    )
  }))
  const latency: ChartSeries[] = runs.flatMap(r => [
    {
      label: `${runLabel(r, many)} p99`,
      side: r.side,
      values: align(
        x,
        r.timeline!.map(p => [p.t, p.p99])
      )
    },
    {
      label: `${runLabel(r, many)} p50`,
      side: r.side,
      dash: true,
      values: align(
        x,
        r.timeline!.map(p => [p.t, p.p50])
      )
    }
  ])
  const tidy = runs.length > LEGEND_BY_SIDE_ABOVE ? { legendBySide: true } : {}
  return [
    {
      id: `${slug}-rps`,
      scenario: s.name,
      title: 'throughput over time',
      x,
      xUnit: 's',
      yUnits: ['rps'],
      series: rps,
      ...shade,
      ...tidy,
      caption:
        'responses per second in each second, per run; the shaded start (t = 0) is the warmup, not measured'
    },
    {
      id: `${slug}-latency`,
      scenario: s.name,
      title: 'p50 and p99 over time',
      x,
      xUnit: 's',
      yUnits: ['us'],
      series: latency,
      ...shade,
      ...tidy,
      caption: 'p99 (solid) and p50 (dashed) of the 2xx responses of each second, per run'
    }
  ]
}

function distributionChart(s: ScenarioReport, slug: string, step: 'round' | 'epoch'): ChartSpec[] {
  const sides = (['base', 'head'] as const)
    .map(side => {
      const encoded = s.runs.filter(r => r.side === side && r.histogram && !r.error).map(r => r.histogram!)
      if (!encoded.length) return undefined
      const merged = createLatencyHistogram()
      for (const e of encoded) merged.add(decodeHistogram(e))
      if (merged.totalCount === 0) return undefined
      return { side, histogram: merged, rounds: encoded.length }
    })
    .filter(v => v !== undefined)
  if (!sides.length) return []
  const x = DISTRIBUTION_PERCENTILES.map(p => 1 / (1 - p / 100))
  return [
    {
      id: `${slug}-distribution`,
      scenario: s.name,
      title: 'latency percentile distribution',
      x,
      xUnit: 'percentile',
      xLog: true,
      // 50%, 90%, 99%, 99.9%, 99.99%, 99.999%: one label per decade, none overlapping
      xTicks: [2, 10, 100, 1000, 10_000, 100_000],
      yUnits: ['us'],
      series: sides.map(({ side, histogram, rounds }) => ({
        label: `${side} (${histogram.totalCount} responses, ${rounds} ${step}${rounds === 1 ? '' : 's'})`,
        side,
        values: DISTRIBUTION_PERCENTILES.map(p => histogram.getValueAtPercentile(p))
      })),
      caption: `HDR percentile plot of every measured 2xx response, ${step}s merged: x is the percentile on a log scale`
    }
  ]
}

type RoundMetric = { metric: string; unit: AxisUnit; title: string }

/**
 * The throughput a round chart shows: the one a regression check compares, else successes (throughput.ok_rps)
 * when the runs measured them (reports from before it have only throughput.rps).
 */
function roundThroughput(s: ScenarioReport): RoundMetric {
  const THROUGHPUT = ['throughput.ok_rps', 'throughput.rps']
  const metric =
    s.checks.find(c => c.kind === 'regression' && THROUGHPUT.includes(c.metric))?.metric ??
    (s.runs.some(r => typeof r.metrics['throughput.ok_rps'] === 'number') ? THROUGHPUT[0]! : THROUGHPUT[1]!)
  const title = metric === 'throughput.ok_rps' ? 'successful throughput' : 'throughput'
  return { metric, unit: 'rps', title }
}

/**
 * Per-round values of base and head as points, each side's mean as a dashed line, and, when a regression check
 * compared the metric, the band where head's mean lies by the interval of the change: base mean x (1 + interval).
 */
function roundCharts(s: ScenarioReport, slug: string, step: 'round' | 'epoch'): ChartSpec[] {
  const valid = s.runs.filter(r => !r.error)
  if (valid.length < 2) return []
  const x = unionX([valid.map(r => r.round)])
  const flat = (value: number) => x.map(() => value)
  const metrics: RoundMetric[] = [roundThroughput(s), { metric: 'latency.p99', unit: 'us', title: 'p99' }]
  return metrics.map(({ metric, unit, title }) => {
    const sides = (['base', 'head'] as const)
      .map(side => {
        const points = valid
          .filter(r => r.side === side)
          .map(r => [r.round, r.metrics[metric] ?? null] as [number, number | null])
        const measured = points.map(([, v]) => v).filter((v): v is number => v !== null && Number.isFinite(v))
        return { side, points, measured }
      })
      .filter(({ measured }) => measured.length > 0)
    const series: ChartSeries[] = [
      ...sides.map(({ side, points }) => ({ label: side, side, points: true, values: align(x, points) })),
      ...sides.map(({ side, measured }) => ({
        label: `${side} mean`,
        side,
        dash: true,
        values: flat(mean(measured))
      }))
    ]
    const check = s.checks.find(c => c.kind === 'regression' && c.metric === metric)
    const baseMean = sides.find(side => side.side === 'base')?.measured
    const band =
      check?.interval && typeof check.change === 'number' && baseMean
        ? { mean: mean(baseMean), interval: check.interval, change: check.change }
        : undefined
    if (band) {
      series.push(
        {
          label: 'head interval high',
          side: 'head',
          thin: true,
          values: flat(band.mean * (1 + band.interval[1]))
        },
        {
          label: 'head interval low',
          side: 'head',
          thin: true,
          values: flat(band.mean * (1 + band.interval[0]))
        }
      )
    }
    const pct = (v: number) => `${(v * 100).toFixed(1)}%`
    return {
      id: `${slug}-rounds-${metric.replace(/\W/g, '-')}`,
      scenario: s.name,
      title: `${title} per ${step}`,
      x,
      xUnit: step === 'epoch' ? ('epoch' as const) : ('count' as const),
      yUnits: [unit] as [AxisUnit],
      series,
      ...(band ? { bands: [{ upper: series.length - 2, lower: series.length - 1 }] } : {}),
      caption: band
        ? `${metric} of each ${step} (points) and each side's mean (dashed). The change head vs base is ${pct(band.change)} (interval ${pct(band.interval[0])} .. ${pct(band.interval[1])}); the shaded band is that interval applied to base's mean, where head's mean is expected to lie.`
        : `${metric} of each ${step} (points) and each side's mean (dashed)`
    }
  })
}

/** Sweep and stress steps are connections (closed model) or an offered rate (open model); soak windows are seconds. */
const SUITE_X: Record<string, { unit: AxisUnit; words: string }> = {
  connections: { unit: 'connections', words: 'connections' },
  rate: { unit: 'rate', words: 'offered rate' },
  t: { unit: 's', words: 'seconds' }
}

function suiteCharts(s: ScenarioReport, slug: string): ChartSpec[] {
  const suite = s.suite
  if (!suite || suite.points.length === 0) return []
  // steps without an x value cannot be placed; any extra fields of a point (p95, rss, ...) are left to the tables
  const points = suite.points.filter(p => typeof p[suite.x] === 'number')
  if (!points.length) return []
  const x = points.map(p => p[suite.x] as number)
  const xAxis = SUITE_X[suite.x] ?? { unit: 'count' as const, words: suite.x }
  const has = (field: string) => points.some(p => typeof p[field] === 'number')
  const series = (field: string, label: string, axis: 0 | 1, side: ChartSeries['side'] = 'head') => ({
    label,
    side,
    axis,
    values: points.map(p => (typeof p[field] === 'number' ? (p[field] as number) : null))
  })
  if (suite.kind === 'soak') {
    return [
      {
        id: `${slug}-soak`,
        scenario: s.name,
        title: 'soak windows: memory and CPU',
        x,
        xUnit: xAxis.unit,
        yUnits: ['bytes', 'cpu'],
        series: [series('rssBytes', 'server RSS', 0), series('cpu', 'server CPU', 1, 'other')],
        caption: 'mean RSS (left) and CPU (right) of the service in each window; a steady RSS climb is a leak'
      },
      {
        id: `${slug}-soak-latency`,
        scenario: s.name,
        title: 'soak windows: throughput and p99',
        x,
        xUnit: xAxis.unit,
        yUnits: ['rps', 'us'],
        series: [series('rps', 'throughput', 0), series('p99', 'p99', 1, 'other')],
        caption: 'throughput (left) and p99 (right) in each window'
      }
    ]
  }
  const stress = suite.kind === 'stress'
  return [
    {
      id: `${slug}-${suite.kind}`,
      scenario: s.name,
      title: stress ? 'stress ramp' : `${xAxis.words === 'connections' ? 'concurrency' : 'rate'} sweep`,
      x,
      xUnit: xAxis.unit,
      yUnits: ['rps', 'us'],
      series: [
        series('rps', 'throughput', 0),
        series('p99', 'p99', 1, 'other'),
        ...(stress && has('errorRate')
          ? [{ ...series('errorRate', 'error rate', 1, 'base'), dash: true, ownScale: 'ratio' as const }]
          : [])
      ],
      ...(suite.marker ? { marker: suite.marker } : {}),
      caption: stress
        ? `throughput (left), p99 (right) and error rate (dashed, its own scale) as ${xAxis.words} ramps up; the marker is the last sustainable step, labelled with what broke`
        : `throughput (left) and p99 (right) at each step of ${xAxis.words}; the marker is the knee`
    }
  ]
}

/** Every chart of the report, scenario by scenario, as data for the page. */
export function chartsFor(report: Report): ChartSpec[] {
  return report.scenarios.flatMap((s, i) => {
    if (s.error) return []
    const slug = `s${i}`
    // slices and duet: no per-second series, epochs instead of rounds, both sides' resources at once
    if (measuredInSlices(s))
      return [
        ...sliceCharts(s, slug),
        ...roundCharts(s, slug, 'epoch'),
        ...distributionChart(s, slug, 'epoch'),
        ...resourceCharts(s, slug, 'epoch')
      ]
    return [
      ...timelineCharts(s, slug),
      ...distributionChart(s, slug, 'round'),
      ...roundCharts(s, slug, 'round'),
      ...suiteCharts(s, slug),
      ...resourceCharts(s, slug, 'round')
    ]
  })
}
