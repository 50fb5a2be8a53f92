/**
 * The history page (index.html of `perfgate history --out DIR`): one self-contained file like report.html (uPlot
 * and the page script inlined, no network). Per series, every metric over the commits of the default branch, its
 * change points drawn as steps with their size and the noise band around each segment's mean; the newest change
 * points first in a table; the records skipped counted in the footer. Long series are thinned for drawing only
 * (every change point and each bucket's extremes are kept); the analysis has used every run.
 */
import { formatChange, formatMetric } from '../config/format.js'
import { metricInfo, type MetricKind } from '../config/metrics.js'
import type { HistoryChange, HistoryMetric, HistoryReport, HistorySeries } from '../model/history.js'
import type { AxisUnit } from './charts.js'
import { FORMAT_JS } from './html-client.js'
import { HISTORY_CLIENT_JS } from './history-client.js'
import { STYLE, esc, inlineScript, numCell, scriptJson } from './html.js'
import { UPLOT_CSS, UPLOT_JS } from './vendor/uplot.js'

/** Points drawn per chart at most; beyond, each bucket keeps its lowest and highest run. */
export const MAX_DRAWN_POINTS = 1200

const UNITS: Record<MetricKind, AxisUnit> = {
  duration: 'us',
  size: 'bytes',
  byterate: 'bytes',
  ratio: 'ratio',
  cpu: 'cpu',
  count: 'count',
  rate: 'rps'
}

export interface HistoryChart {
  id: string
  metric: string
  unit: AxisUnit
  /** run indexes drawn when thinned or with gaps (absent: every run from 0, in order) and their values */
  x?: number[]
  y: number[]
  /** [first run, one past the last, mean] of each segment between change points */
  segments: Array<[number, number, number]>
  /** the noise band's half width, a fraction of each segment's mean (2 SD) */
  band: number
  steps: Array<{ x: number; label: string; worse: boolean }>
  prs: Array<{ x: number; y: number; label: string }>
  note?: string
}

export interface HistoryPageData {
  /** [short sha, subject, date] of every commit on the page */
  commits: Array<[string, string, string]>
  series: Array<{ id: string; runner: string; commitOf: number[]; charts: HistoryChart[] }>
}

/** The run indexes to draw: all of them, or per bucket its lowest and highest, plus every change point's run. */
export function thinned(values: Array<number | null>, keep: number[], max = MAX_DRAWN_POINTS): number[] {
  const present = values.flatMap((v, i) => (typeof v === 'number' ? [i] : []))
  if (present.length <= max) return present
  const chosen = new Set<number>()
  for (const k of keep) {
    chosen.add(k)
    if (k > 0) chosen.add(k - 1)
  }
  const buckets = Math.max(1, Math.floor((max - chosen.size) / 2))
  const size = present.length / buckets
  for (let b = 0; b < buckets; b++) {
    const slice = present.slice(Math.floor(b * size), Math.floor((b + 1) * size))
    if (!slice.length) continue
    let lo = slice[0]!
    let hi = slice[0]!
    for (const i of slice) {
      if (values[i]! < values[lo]!) lo = i
      if (values[i]! > values[hi]!) hi = i
    }
    chosen.add(lo)
    chosen.add(hi)
  }
  return [...chosen].filter(i => typeof values[i] === 'number').sort((a, b) => a - b)
}

const round4 = (v: number) => Number(v.toPrecision(4))

function chartOf(s: HistorySeries, m: HistoryMetric, index: number, report: HistoryReport): HistoryChart {
  const keep = m.changePoints.map(c => c.index)
  const x = thinned(m.values, keep)
  const cuts = [0, ...keep, s.runs.length]
  const segments: Array<[number, number, number]> = []
  for (let i = 0; i + 1 < cuts.length; i++) {
    const cp = m.changePoints[i - 1]
    const next = m.changePoints[i]
    const mean = next ? next.meanBefore : cp ? cp.meanAfter : undefined
    const values = m.values.slice(cuts[i], cuts[i + 1]).filter((v): v is number => typeof v === 'number')
    const fallback = values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN
    segments.push([cuts[i]!, cuts[i + 1]!, round4(mean ?? fallback)])
  }
  const bySha = new Map(s.runs.map((r, i) => [r.sha, i]))
  const prs = report.comparisons
    .filter(c => c.scenario === s.scenario && typeof c.metrics[m.metric]?.head === 'number')
    .map(c => {
      const at = (c.baseSha ? bySha.get(c.baseSha) : undefined) ?? s.runs.length - 1
      return {
        x: at,
        y: c.metrics[m.metric]!.head as number,
        label: `PR ${c.sha ? c.sha.slice(0, 7) : c.source} (${c.verdict})`
      }
    })
  return {
    id: `s${index}-${m.metric.replace(/[^A-Za-z0-9]/g, '_')}`,
    metric: m.metric,
    unit: UNITS[metricInfo(m.metric)?.kind ?? 'count'],
    ...(x.length === m.values.length ? {} : { x }),
    y: x.map(i => round4(m.values[i]!)),
    segments,
    band: round4(2 * m.noise),
    steps: m.changePoints.map(c => ({ x: c.index, label: formatChange(c.change), worse: c.worse })),
    prs,
    ...(m.note ? { note: m.note } : {})
  }
}

export function pageData(report: HistoryReport): HistoryPageData {
  const commits: Array<[string, string, string]> = []
  const commitIndex = new Map<string, number>()
  const series = report.series.map((s, i) => {
    const commitOf = s.runs.map(r => {
      let at = commitIndex.get(r.sha)
      if (at === undefined) {
        at = commits.length
        commitIndex.set(r.sha, at)
        commits.push([
          r.sha.slice(0, 7),
          (r.subject ?? '').slice(0, 72),
          (r.date ?? r.createdAt).slice(0, 10)
        ])
      }
      return at
    })
    return { id: s.id, runner: s.runnerLabel, commitOf, charts: s.metrics.map(m => chartOf(s, m, i, report)) }
  })
  return { commits, series }
}

/** A column header that sorts the table: a button (first press: `first`), its state in the header's aria-sort. */
const sortHeader = (label: string, first: 'ascending' | 'descending', sorted?: 'descending') =>
  `<th scope="col"${sorted ? ` aria-sort="${sorted}"` : ''}><button type="button" class="sort" data-first="${first}" aria-label="sort by ${label}">${label}</button></th>`

function changeRow(c: HistoryChange, rank: number): string {
  const interval = `${formatChange(c.interval.low)} … ${formatChange(c.interval.high)}`
  const time = Date.parse(c.date ?? '')
  // rank: the table's first order (newest first), which ties keep; the step sorts by its size either way
  return `<tr data-rank="${rank}"><td data-sort="${Number.isFinite(time) ? time : ''}">${esc(c.date?.slice(0, 10) ?? '')}</td><td><code>${esc(c.sha.slice(0, 7))}</code> ${esc(c.subject ?? '')}</td><td title="${esc(c.series)}">${esc(c.scenario)}</td><td><code>${esc(c.metric)}</code></td>${numCell(formatChange(c.change), Math.abs(c.change))}<td class="num">${esc(interval)}</td><td class="num">${esc(`${formatMetric(c.metric, c.meanBefore)} → ${formatMetric(c.metric, c.meanAfter)}`)}</td><td class="num">${c.runsBefore} / ${c.runsAfter}</td><td class="${c.worse ? 'fail' : 'pass'}">${c.worse ? 'worse' : 'better'}</td></tr>`
}

function seriesSection(s: HistorySeries, data: HistoryPageData['series'][number]): string {
  const figures = data.charts
    .map(
      c =>
        `<figure class="chart" id="chart-${esc(c.id)}"><figcaption><strong>${esc(c.metric)}</strong>${c.note ? ` <span class="muted">${esc(c.note)}</span>` : ` <span class="muted">${c.steps.length} change point${c.steps.length === 1 ? '' : 's'}</span>`}</figcaption><div class="plot"></div></figure>`
    )
    .join('')
  const mark = s.definitionChanged
    ? `<p class="warn">The scenario's request or load changed: this series starts at <code>${esc(s.runs[0]?.sha.slice(0, 7) ?? '')}</code>.</p>`
    : ''
  return `<h2 id="${esc(s.id)}">${esc(s.scenario)} <span class="muted">${esc(s.runnerLabel)}</span></h2>${mark}<p class="muted">${s.runs.length} run${s.runs.length === 1 ? '' : 's'}, definition ${esc(s.definition.slice(0, 12))}</p><div class="charts">${figures}</div>`
}

const HISTORY_STYLE = `button.sort { font: inherit; font-weight: 600; background: none; border: 0; padding: 0; color: inherit; cursor: pointer; text-decoration: underline dotted; } th[aria-sort] button.sort::after { content: ' ▾'; } th[aria-sort=ascending] button.sort::after { content: ' ▴'; }
.tip { position: fixed; pointer-events: none; background: var(--bg); border: 1px solid var(--line); padding: 4px 8px; font-size: 12px; display: none; z-index: 10; max-width: 360px; }`

export function renderHistoryPage(report: HistoryReport): string {
  const data = pageData(report)
  const newest = report.changes.slice(0, 50)
  const table = newest.length
    ? `<table id="changes"><thead><tr>${sortHeader('date', 'descending', 'descending')}<th scope="col">commit</th>${sortHeader('scenario', 'ascending')}<th scope="col">metric</th>${sortHeader('step', 'descending')}<th>95% interval</th><th>mean</th><th>runs before / after</th><th></th></tr></thead><tbody>${newest.map((c, i) => changeRow(c, i)).join('')}</tbody></table>`
    : '<p id="changes">No change points: every series has been stable (or is too short to tell).</p>'
  const m = report.method
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>perfgate history</title><style>${UPLOT_CSS}</style><style>${STYLE}${HISTORY_STYLE}</style></head>
<body>
<h1>perfgate history</h1>
<p class="muted">${esc(report.store)}, ordered by ${esc(report.order)}${report.since ? `, since ${esc(report.since)}` : ''}; ${report.series.length} series, written ${esc(report.createdAt)}.</p>
<h2>Newest change points</h2>
${table}
${report.series.map((s, i) => seriesSection(s, data.series[i]!)).join('\n')}
<h2>How</h2>
<p class="muted">${esc(m.name)}: a penalty of ${m.penalty} × noise variance × ln(runs) per step, p ≤ ${m.maxPValue}, steps of at least ${formatChange(m.minMagnitude)}, at least ${m.minRuns} runs per series. The band is ±2 SD of the runs around each segment's mean; long series are thinned for drawing, never for the analysis.</p>
<p class="muted" id="skipped">${report.skipped.count} record${report.skipped.count === 1 ? '' : 's'} skipped${report.skipped.count ? ` (corrupt, foreign or off the line)` : ''}.</p>
${report.skipped.count ? `<details><summary>Skipped records</summary><ul>${report.skipped.reasons.map(r => `<li>${esc(r)}</li>`).join('')}</ul></details>` : ''}
<div class="tip" id="tip"></div>
<noscript><p class="muted">The charts need JavaScript; the table above holds every change point.</p></noscript>
<script type="application/json" id="perfgate-history">${scriptJson(data)}</script>
<script>${inlineScript(UPLOT_JS)}</script>
<script>${inlineScript(HISTORY_CLIENT_JS.replace('/*FORMAT*/', FORMAT_JS))}</script>
</body></html>
`
}
