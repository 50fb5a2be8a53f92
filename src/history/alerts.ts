/**
 * What the push job alerts on: the change points that the newest run brought to light (present now, absent from
 * the same analysis without that run), so a step is announced once, on the push that made it certain, not on
 * every push after it. Pure.
 */
import type { MainContext } from '../model/check.js'
import type { HistoryChange, HistoryReport } from '../model/history.js'
import type { ChangePointOptions } from '../stats/change-points.js'
import { analyseMetric, changeOf } from './analyse.js'

/** Change points of the series whose newest run measured `sha` that the analysis without that run did not have. */
export function newChanges(
  report: HistoryReport,
  sha: string,
  detection?: ChangePointOptions
): HistoryChange[] {
  const out: HistoryChange[] = []
  for (const s of report.series) {
    const last = s.runs[s.runs.length - 1]
    if (!last || last.sha !== sha) continue
    for (const m of s.metrics) {
      if (!m.changePoints.length) continue
      const before = analyseMetric(m.metric, m.values.slice(0, -1), s.runs.slice(0, -1), detection)
      const known = new Set(before.changePoints.map(c => c.sha))
      for (const cp of m.changePoints) {
        if (known.has(cp.sha)) continue
        out.push(changeOf(s, m, cp))
      }
    }
  }
  return out
}

/** The newest change point of the scenario's metric (on the runner kind with the most runs), else how long stable. */
export function metricContext(
  report: HistoryReport,
  scenario: string,
  metric: string,
  branch: string
): MainContext | undefined {
  const series = report.series
    .filter(s => s.scenario === scenario)
    .sort((a, b) => b.runs.length - a.runs.length)[0]
  const values = series?.metrics.find(m => m.metric === metric)
  if (!series || !values) return undefined
  const measured = values.values.filter(v => typeof v === 'number').length
  if (values.note) return { kind: 'short', branch, runs: measured, needed: report.method.minRuns }
  const newest = values.changePoints[values.changePoints.length - 1]
  if (!newest) return { kind: 'stable', branch, runs: measured }
  return {
    kind: 'stepped',
    branch,
    sha: newest.sha,
    change: newest.change,
    ...(newest.date !== undefined ? { date: newest.date } : {}),
    ...(newest.subject !== undefined ? { subject: newest.subject } : {}),
    runsAfter: newest.runsAfter
  }
}
