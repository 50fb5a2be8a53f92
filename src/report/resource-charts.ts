/**
 * The service's CPU and RSS during load, base vs head: each side's runs (rounds, or epochs of slices) binned to
 * half-seconds since sampling began, so runs line up; the mean over runs as a line and the lowest to the highest
 * run as a band. One line a side, whatever the number of runs (a line a run crossed 16 lines and listed 16).
 */
import type { ScenarioReport } from '../model/scenario.js'
import type { RunRecord, Side } from '../model/run.js'
import { mean } from '../stats/ci.js'
import { align, unionX, type AxisUnit, type ChartSeries, type ChartSpec } from './chart-spec.js'

const SIDES: Side[] = ['base', 'head']

type Step = 'round' | 'epoch'

/** Samples binned to half-seconds since sampling began, so epochs line up; the mean of each bin. */
function binned(r: RunRecord, field: 'cpu' | 'rssBytes'): Map<number, number> {
  const bins = new Map<number, number[]>()
  for (const p of r.resources ?? []) {
    const t = Math.round(p.t * 2) / 2
    bins.set(t, [...(bins.get(t) ?? []), p[field]])
  }
  return new Map([...bins].map(([t, values]) => [t, mean(values)]))
}

/** Each side's mean over epochs of one resource, with its band (lowest and highest epoch) at each half-second. */
function resourceChart(
  s: ScenarioReport,
  slug: string,
  field: 'cpu' | 'rssBytes',
  step: Step
): ChartSpec | undefined {
  const runs = s.runs.filter(r => r.resources?.length && !r.error)
  if (!runs.length) return undefined
  const bins = runs.map(r => ({ side: r.side, values: binned(r, field) }))
  const x = unionX(bins.map(b => [...b.values.keys()]))
  const series: ChartSeries[] = []
  const bands: NonNullable<ChartSpec['bands']> = []
  for (const side of SIDES) {
    const mine = bins.filter(b => b.side === side)
    if (!mine.length) continue
    const at = (t: number) => mine.map(b => b.values.get(t)).filter((v): v is number => v !== undefined)
    const stat = (f: (values: number[]) => number) =>
      align(
        x,
        x.map(t => [t, at(t).length ? f(at(t)) : null])
      )
    const label = mine.length > 1 ? `${side} mean of ${mine.length} ${step}s` : side
    series.push({ label, side, values: stat(mean) })
    // a band needs runs to spread over and a width to fill: one run, or one half-second, is the line alone
    if (mine.length < 2 || x.length < 2) continue
    series.push({ label: `${side} highest`, side, thin: true, values: stat(v => Math.max(...v)) })
    series.push({ label: `${side} lowest`, side, thin: true, values: stat(v => Math.min(...v)) })
    bands.push({ upper: series.length - 2, lower: series.length - 1 })
  }
  const what = field === 'cpu' ? 'CPU' : 'RSS'
  const both = bins.some(b => b.side === 'base')
  const during = step === 'epoch' ? 'an epoch' : runs.length > 1 ? 'a round' : 'load'
  const warmup = s.load.warmupMs / 1000
  return {
    id: `${slug}-resources-${field === 'cpu' ? 'cpu' : 'rss'}`,
    scenario: s.name,
    title: `server ${what} during ${during}${both ? ', base vs head' : ''}`,
    x,
    xUnit: 's',
    yUnits: [field === 'cpu' ? 'cpu' : 'bytes'] as [AxisUnit],
    series,
    bands,
    // an epoch's samples span its slices' warmups too; a round's warmup comes first
    ...(step === 'round' && warmup > 0 ? { shadeUntil: warmup } : {}),
    caption:
      step === 'epoch'
        ? `${what} of each side's process tree over an epoch (both sides run at once): the line is the mean over epochs, the band the lowest to the highest epoch at each half-second`
        : `${what} of the service's process tree${runs.length > 1 ? ': the line is the mean over runs, the band the lowest to the highest run at each half-second' : ''}${warmup > 0 ? '; the shaded start is warmup' : ''}`
  }
}

/** The service's CPU and RSS during load, base vs head, over rounds or epochs. */
export function resourceCharts(s: ScenarioReport, slug: string, step: Step): ChartSpec[] {
  return [resourceChart(s, slug, 'cpu', step), resourceChart(s, slug, 'rssBytes', step)].filter(
    c => c !== undefined
  )
}
