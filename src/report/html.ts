import { stringify as toYaml } from 'yaml'
import { baselineText } from './baseline.js'
import type { Check } from '../model/check.js'
import type { Report } from '../model/report.js'
import type { ScenarioReport } from '../model/scenario.js'
import { formatChange, formatInterval, formatMetric, formatMs } from '../config/format.js'
import { VERDICT_ORDER } from '../compare/verdict.js'
import { decisiveChecks } from './build.js'
import { chartsFor, type ChartSpec } from './charts.js'
import { profileComparison } from './profile.js'
import { adjustmentText } from './decisions.js'
import { CLIENT_JS } from './html-client.js'
import { FLAME_STYLE, flameSection } from './flame.js'
import { UPLOT_CSS, UPLOT_JS } from './vendor/uplot.js'

/**
 * report.html: one self-contained file (uPlot and the page script inlined, no network), readable in light and dark
 * mode, verdict and failures first, then per scenario the sortable checks and the charts of charts.ts.
 */
export const esc = (text: unknown) =>
  String(text).replace(
    /[&<>"']/g,
    c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!
  )

export const STYLE = `
:root { --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --pass: #1a7f37; --fail: #d1242f; --warn: #9a6700; --base: #8250df; --head: #0969da; --other: #bc4c00; }
@media (prefers-color-scheme: dark) { :root { --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --line: #3d444d; --pass: #3fb950; --fail: #f85149; --warn: #d29922; --base: #a371f7; --head: #4493f8; --other: #f0883e; } }
body { background: var(--bg); color: var(--fg); font: 14px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 1100px; padding: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; border-bottom: 1px solid var(--line); padding-bottom: 4px; margin-top: 32px; }
.verdict { font-weight: 700; } .pass { color: var(--pass); } .fail, .errored { color: var(--fail); } .warn, .inconclusive { color: var(--warn); } .skipped, .accepted { color: var(--muted); }
.muted { color: var(--muted); } table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; } th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { font-weight: 600; } td.num { font-variant-numeric: tabular-nums; white-space: nowrap; } pre { background: color-mix(in srgb, var(--fg) 6%, transparent); padding: 8px; overflow-x: auto; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(480px, 1fr)); gap: 16px; } figure { margin: 0; min-width: 0; } figcaption { color: var(--muted); font-size: 12px; }
figcaption strong { color: var(--fg); font-size: 13px; } .plot { min-height: 240px; } .u-legend { font-size: 12px; color: var(--fg); }
.side-legend { display: flex; gap: 12px; justify-content: center; font-size: 12px; margin-top: 4px; }
.side-legend button { font: inherit; color: var(--fg); background: none; border: 1px solid var(--line); border-radius: 4px; padding: 2px 8px; cursor: pointer; }
.side-legend button[aria-pressed=false] { opacity: 0.45; }
.side-legend .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; vertical-align: -1px; }
th[aria-sort] { text-decoration: underline; } table.sortable th { cursor: pointer; user-select: none; } .baseline { margin: 4px 0; }
`

/** A load spec in one line: "closed, 10 connections, 10 s after 1 s warmup". */
function describeLoad(s: ScenarioReport): string {
  const l = s.load
  const shape =
    l.mode === 'rate' ? `open model, ${l.rate} req/s` : `closed model, ${l.connections} connections`
  return `${shape}, ${formatMs(l.durationMs)} after ${formatMs(l.warmupMs)} warmup${s.suite ? `, ${s.suite.kind} suite` : ''}`
}

function chartFigures(charts: ChartSpec[]): string {
  if (!charts.length) return '<p class="muted">No time series in this report.</p>'
  return `<div class="charts">${charts
    .map(
      c =>
        `<figure class="chart" id="chart-${esc(c.id)}"><figcaption><strong>${esc(c.title)}</strong></figcaption><div class="plot"></div><figcaption>${esc(c.caption)}</figcaption></figure>`
    )
    .join('')}</div>`
}

/** A cell that sorts by its number (data-sort) and shows it formatted. */
export function numCell(text: string, value: number | null | undefined): string {
  return `<td class="num" data-sort="${typeof value === 'number' && Number.isFinite(value) ? value : ''}">${esc(text)}</td>`
}

/** The interval sorts by its half-width: how sure the change is, narrowest first. */
function intervalCell(interval: Check['interval']): string {
  const halfWidth = interval ? (interval[1] - interval[0]) / 2 : null
  return numCell(formatInterval(interval), halfWidth)
}

function checkRow(c: Check): string {
  const regression = c.kind === 'regression'
  return `<tr><td><code>${esc(c.metric)}</code></td><td>${esc(c.kind)}</td><td>${esc(c.expression)}</td>${numCell(regression ? formatMetric(c.metric, c.base) : '', regression ? c.base : null)}${numCell(formatMetric(c.metric, regression ? c.head : c.actual), regression ? c.head : c.actual)}${numCell(formatChange(c.change), c.change)}${intervalCell(c.interval)}<td class="${c.verdict}" data-sort="${VERDICT_ORDER.indexOf(c.verdict)}">${esc(c.verdict)}</td><td>${esc(c.message)}${c.acceptedBy ? ` (accepted by ${esc(c.acceptedBy)})` : ''}${c.adjustment ? `<br><span class="muted adjustment">${esc(adjustmentText(c.adjustment))}</span>` : ''}</td></tr>`
}

function scenarioSection(s: ScenarioReport, charts: ChartSpec[]): string {
  const head = `<h2 id="${esc(s.name)}">${esc(s.name)} <span class="verdict ${s.verdict}">${esc(s.verdict.toUpperCase())}</span></h2><p class="muted">${esc(describeLoad(s))}</p>`
  if (s.error) {
    const tail = s.error.outputTail?.length ? `<pre>${esc(s.error.outputTail.join('\n'))}</pre>` : ''
    return `${head}<p><strong>Measurement invalid:</strong> ${esc(s.error.message)}</p>${tail}`
  }
  const names = Object.keys(s.metrics).filter(k => s.metrics[k] !== null)
  const metrics = names
    .map(
      k =>
        `<tr><td><code>${esc(k)}</code></td>${s.baseMetrics ? numCell(formatMetric(k, s.baseMetrics[k]), s.baseMetrics[k]) : ''}${numCell(formatMetric(k, s.metrics[k]), s.metrics[k])}</tr>`
    )
    .join('')
  const checks = s.checks.length
    ? `<table class="sortable checks"><thead><tr><th>metric</th><th>kind</th><th>limit</th><th>base</th><th>head</th><th>change</th><th title="sorts by half-width">interval</th><th>verdict</th><th>message</th></tr></thead><tbody>${s.checks.map(checkRow).join('')}</tbody></table>`
    : ''
  const notes = [...s.notes, ...(s.findings ?? []).map(f => `${f.evidence}: ${f.action}`)]
    .map(n => `<li>${esc(n)}</li>`)
    .join('')
  return `${head}${checks}${notes ? `<ul>${notes}</ul>` : ''}${chartFigures(charts)}
<details><summary>All metrics</summary><table class="sortable"><thead><tr><th>metric</th>${s.baseMetrics ? '<th>base</th>' : ''}<th>${s.baseMetrics ? 'head' : 'value'}</th></tr></thead><tbody>${metrics}</tbody></table></details>`
}

function profileSection(report: Report): string {
  const view = profileComparison(report)
  if (!view) return ''
  const rows = view.rows
    .map(
      r =>
        `<tr><td>${esc(r.scenario)}</td><td><code>${esc(r.metric)}</code></td><td>${esc(r.limit)}</td>${numCell(formatMetric(r.metric, r.value), r.value)}<td class="${r.meets === null ? 'skipped' : r.meets ? 'pass' : 'warn'}">${r.meets === null ? 'not measured' : r.meets ? 'meets' : 'misses'}</td></tr>`
    )
    .join('')
  return `<h2>Against the ${esc(view.profile)} profile</h2><p class="muted">Reference limits for ${esc(view.description)}, applied to every scenario.</p><table class="sortable"><thead><tr><th>scenario</th><th>metric</th><th>profile</th><th>measured</th><th>result</th></tr></thead><tbody>${rows}</tbody></table>`
}

/** JSON inside <script>: "<" is escaped so no value can close the element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c')
}

/** A script body that cannot close its own element early. */
export function inlineScript(js: string): string {
  return js.replace(/<\/script/gi, '<\\/script')
}

/** A pull request's changes to the limits, side by side, and which side decided. */
function gateSection(report: Report): string {
  const gate = report.gate
  if (!gate?.changes.length) return ''
  const rows = gate.changes
    .map(
      c =>
        `<tr><td>${esc(c.scenario ?? '(all)')}</td><td>${esc(c.limit)}</td><td>${esc(c.base)}</td><td>${esc(c.head)}</td></tr>`
    )
    .join('')
  return `<p class="baseline">${esc(gate.message)}</p><table><thead><tr><th>scenario</th><th>limit</th><th>base</th><th>this PR</th></tr></thead><tbody>${rows}</tbody></table>`
}

export function renderHtml(report: Report): string {
  const decisive = report.scenarios.flatMap(s => [
    ...(s.error
      ? [`<li class="errored">${esc(s.name)}: measurement invalid, ${esc(s.error.message)}</li>`]
      : []),
    ...decisiveChecks(s).map(c => `<li class="${c.verdict}">${esc(s.name)}: ${esc(c.message)}</li>`)
  ])
  const r = report.runner
  const charts = chartsFor(report)
  const b = report.baseline
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>perfgate: ${esc(report.verdict)}</title><style>${UPLOT_CSS}</style><style>${STYLE}${FLAME_STYLE}</style></head>
<body>
<h1>perfgate <span class="verdict ${report.verdict}">${esc(report.verdict.toUpperCase())}</span></h1>
<p id="headline">${esc(report.headline)}</p>
${decisive.length ? `<ul>${decisive.join('')}</ul>` : ''}
${baselineText(report)
  .map(l => `<p class="baseline ${l.kind}">${esc(l.text)}</p>`)
  .join('')}
${gateSection(report)}
${report.notes.map(n => `<p class="muted">${esc(n)}</p>`).join('')}
${report.scenarios
  .map(sc =>
    scenarioSection(
      sc,
      charts.filter(c => c.scenario === sc.name)
    )
  )
  .join('\n')}
${flameSection(report)}
${profileSection(report)}
<h2>Run</h2>
<table><tbody>
<tr><th>mode</th><td>${esc(report.mode)}</td></tr>
<tr><th>config</th><td><code>${esc(report.config.file)}</code> (hash ${esc(report.config.hash)}${report.config.profile ? `, profile ${esc(report.config.profile)}` : ''})</td></tr>
<tr><th>runner</th><td>${esc(r.cpuModel)}, ${r.cores} cores, ${esc(formatMetric('server.rss.peak', r.memoryBytes))}, ${esc(r.os)}, Node ${esc(r.node)}</td></tr>
${report.git?.sha ? `<tr><th>commit</th><td><code>${esc(report.git.sha)}</code>${report.git.baseSha ? ` vs base <code>${esc(report.git.baseSha)}</code>` : ''}</td></tr>` : ''}
${b ? `<tr><th>baseline</th><td>${esc(b.store)}: ${esc(b.message)}${b.saved ? `<br>${esc(b.saved.message)}` : ''}</td></tr>` : ''}
<tr><th>took</th><td>${esc(formatMs(report.durationMs))}, written ${esc(report.createdAt)} by perfgate ${esc(report.tool.version)}</td></tr>
</tbody></table>
${report.config.used ? `<details id="config-used"><summary>Config used (resolved: defaults filled, <code>extends</code> applied; header and env values left out)</summary><pre>${esc(toYaml(report.config.used, { lineWidth: 0 }))}</pre></details>` : ''}
<noscript><p class="muted">The charts need JavaScript; the tables above hold every number.</p></noscript>
<script type="application/json" id="perfgate-charts">${scriptJson(charts)}</script>
<script>${inlineScript(UPLOT_JS)}</script>
<script>${inlineScript(CLIENT_JS)}</script>
</body></html>
`
}
