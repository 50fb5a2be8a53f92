/**
 * The change points of every metric of every series, and the table of the newest first. Pure: the analysis
 * always uses every run (only the page's drawing is ever thinned).
 */
import { metricInfo } from '../config/metrics.js'
import type {
  HistoryChange,
  HistoryChangePoint,
  HistoryMetric,
  HistoryReport,
  HistorySeries
} from '../model/history.js'
import { HISTORY_SCHEMA_VERSION } from '../model/history.js'
import { KEY_METRICS } from '../report/markdown.js'
import {
  CHANGE_POINT_DEFAULTS,
  changePoints,
  minRunsFor,
  segmentSpread,
  type ChangePointOptions
} from '../stats/change-points.js'
import { VERSION } from '../version.js'
import type { RawSeries } from './series.js'

/** The metrics drawn and analysed by default: the report's key metrics. */
export const HISTORY_METRICS: readonly string[] = KEY_METRICS

export const notEnoughHistory = (runs: number, needed: number) =>
  `not enough history (${runs} run${runs === 1 ? '' : 's'}; ${needed} needed)`

/** The change points of one metric's values (nulls left out, indexes mapped back to the runs). */
export function analyseMetric(
  metric: string,
  values: Array<number | null>,
  runs: HistorySeries['runs'],
  options: ChangePointOptions = CHANGE_POINT_DEFAULTS
): HistoryMetric {
  const at: number[] = []
  const measured: number[] = []
  values.forEach((v, i) => {
    if (typeof v === 'number' && Number.isFinite(v)) {
      at.push(i)
      measured.push(v)
    }
  })
  const needed = minRunsFor(options)
  if (measured.length < needed) {
    return { metric, values, changePoints: [], noise: 0, note: notEnoughHistory(measured.length, needed) }
  }
  const found = changePoints(measured, options)
  const better = metricInfo(metric)?.better ?? 'none'
  const cps: HistoryChangePoint[] = found.map(c => {
    const index = at[c.index]!
    const run = runs[index]!
    return {
      index,
      sha: run.sha,
      previousSha: runs[at[c.index - 1]!]!.sha,
      ...(run.subject !== undefined ? { subject: run.subject } : {}),
      ...(run.date !== undefined ? { date: run.date } : {}),
      change: c.change,
      interval: c.interval,
      pValue: c.pValue,
      runsBefore: c.before.end - c.before.start,
      runsAfter: c.after.end - c.after.start,
      meanBefore: c.before.mean,
      meanAfter: c.after.mean,
      worse: better === 'lower' ? c.change > 0 : better === 'higher' ? c.change < 0 : false
    }
  })
  return { metric, values, changePoints: cps, noise: segmentSpread(measured, found) }
}

export interface AnalyseOptions {
  metrics?: readonly string[]
  detection?: Partial<ChangePointOptions>
}

/** Series analysed: every listed metric that any run of the series measured. */
export function analyseSeries(raw: RawSeries[], options: AnalyseOptions = {}): HistorySeries[] {
  const detection = { ...CHANGE_POINT_DEFAULTS, ...options.detection }
  const metrics = options.metrics ?? HISTORY_METRICS
  return raw.map(s => ({
    id: s.id,
    scenario: s.scenario,
    runner: s.runner,
    runnerLabel: s.runnerLabel,
    definition: s.definition,
    definitionChanged: s.definitionChanged,
    runs: s.runs,
    metrics: metrics
      .filter(m => s.metrics.some(v => typeof v[m] === 'number'))
      .map(m =>
        analyseMetric(
          m,
          s.metrics.map(v => v[m] ?? null),
          s.runs,
          detection
        )
      )
  }))
}

/** A change point with the series and metric it belongs to, and how many runs came after it. */
export function changeOf(
  s: HistorySeries,
  m: HistoryMetric,
  cp: HistoryMetric['changePoints'][number]
): HistoryChange {
  return {
    ...cp,
    series: s.id,
    scenario: s.scenario,
    metric: m.metric,
    runsSince: s.runs.length - 1 - cp.index
  }
}

/** Every change point, newest first (by the position of its run from the series' end, then by date). */
export function changesNewestFirst(series: HistorySeries[]): HistoryChange[] {
  const out: HistoryChange[] = []
  for (const s of series) {
    for (const m of s.metrics) {
      for (const cp of m.changePoints) {
        out.push(changeOf(s, m, cp))
      }
    }
  }
  const time = (c: HistoryChange) => Date.parse(c.date ?? '') || 0
  return out.sort((a, b) => time(b) - time(a) || a.runsSince - b.runsSince)
}

export function methodOf(options: Partial<ChangePointOptions> = {}): HistoryReport['method'] {
  const o = { ...CHANGE_POINT_DEFAULTS, ...options }
  return {
    name: 'penalised least squares (PELT) with a Welch t-test merge (Hunter/Otava)',
    penalty: o.penalty,
    maxPValue: o.maxPValue,
    minMagnitude: o.minMagnitude,
    minRuns: minRunsFor(o)
  }
}

export function historyReport(
  parts: Pick<HistoryReport, 'store' | 'order' | 'series' | 'comparisons' | 'skipped'> & {
    since?: string
    detection?: Partial<ChangePointOptions>
    now?: Date
  }
): HistoryReport {
  return {
    schemaVersion: HISTORY_SCHEMA_VERSION,
    tool: { name: 'perfgate', version: VERSION },
    createdAt: (parts.now ?? new Date()).toISOString(),
    store: parts.store,
    order: parts.order,
    ...(parts.since ? { since: parts.since } : {}),
    series: parts.series,
    changes: changesNewestFirst(parts.series),
    comparisons: parts.comparisons,
    skipped: parts.skipped,
    method: methodOf(parts.detection)
  }
}
