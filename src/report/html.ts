import { baselineText } from './baseline.js'
import type { Check, Report, RunRecord, ScenarioReport } from './types.js'
import { formatChange, formatInterval, formatMetric, formatMs } from './format.js'
import { decisiveChecks } from './build.js'

/**
 * report.html: one self-contained file (no scripts, no network), readable in light and dark mode, verdict and
 * failures first, with inline SVG charts of throughput and p99 over time per run.
 */
const esc = (text: unknown) =>
  String(text).replace(
    /[&<>"']/g,
    c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!
  )

const STYLE = `
:root { --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --pass: #1a7f37; --fail: #d1242f; --warn: #9a6700; --base: #8250df; --head: #0969da; }
@media (prefers-color-scheme: dark) { :root { --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --line: #3d444d; --pass: #3fb950; --fail: #f85149; --warn: #d29922; --base: #a371f7; --head: #4493f8; } }
body { background: var(--bg); color: var(--fg); font: 14px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 1100px; padding: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; border-bottom: 1px solid var(--line); padding-bottom: 4px; margin-top: 32px; }
.verdict { font-weight: 700; } .pass { color: var(--pass); } .fail, .errored { color: var(--fail); } .warn, .inconclusive { color: var(--warn); } .skipped, .accepted { color: var(--muted); }
.muted { color: var(--muted); } table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; } th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { font-weight: 600; } td.num { font-variant-numeric: tabular-nums; white-space: nowrap; } pre { background: color-mix(in srgb, var(--fg) 6%, transparent); padding: 8px; overflow-x: auto; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; } figure { margin: 0; } figcaption { color: var(--muted); font-size: 12px; }
svg .axis { stroke: var(--line); } svg text { fill: var(--muted); font-size: 10px; } svg .base { stroke: var(--base); } svg .head { stroke: var(--head); }
`

function lineChart(
  title: string,
  unit: (v: number) => string,
  series: Array<{ label: string; cls: string; points: Array<[number, number]> }>
): string {
  const all = series.flatMap(s => s.points)
  if (all.length < 2) return ''
  const W = 340
  const H = 140
  const pad = 34
  const maxX = Math.max(...all.map(p => p[0]), 1)
  const maxY = Math.max(...all.map(p => p[1]), 1)
  const x = (v: number) => pad + (v / maxX) * (W - pad - 8)
  const y = (v: number) => H - 18 - (v / maxY) * (H - 30)
  const paths = series
    .filter(s => s.points.length > 1)
    .map(
      s =>
        `<path class="${s.cls}" fill="none" stroke-width="1.5" d="${s.points.map((p, i) => `${i ? 'L' : 'M'}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join('')}"><title>${esc(s.label)}</title></path>`
    )
    .join('')
  return `<figure><svg width="${W}" height="${H}" role="img" aria-label="${esc(title)}" data-points="${all.length}">
<line class="axis" x1="${pad}" y1="${H - 18}" x2="${W - 8}" y2="${H - 18}"/><line class="axis" x1="${pad}" y1="8" x2="${pad}" y2="${H - 18}"/>
<text x="2" y="14">${esc(unit(maxY))}</text><text x="${W - 40}" y="${H - 4}">${maxX.toFixed(0)} s</text>${paths}</svg>
<figcaption>${esc(title)} (warmup excluded; base purple, head blue)</figcaption></figure>`
}

function runCharts(runs: RunRecord[]): string {
  const series = (field: 'rps' | 'p99') =>
    runs
      .filter(r => r.timeline?.length)
      .map(r => ({
        label: `${r.side} round ${r.round}`,
        cls: r.side,
        points: r
          .timeline!.filter(p => p[field] !== null)
          .map((p): [number, number] => [p.t, p[field] as number])
      }))
  const rss = runs
    .filter(r => r.resources?.length)
    .map(r => ({
      label: `${r.side} round ${r.round}`,
      cls: r.side,
      points: r.resources!.map((s): [number, number] => [s.t, s.rssBytes])
    }))
  const charts = [
    lineChart('throughput over time', v => `${v.toFixed(0)}/s`, series('rps')),
    lineChart('p99 latency over time', v => formatMetric('latency.p99', v), series('p99')),
    lineChart('server RSS during load', v => formatMetric('server.rss.peak', v), rss)
  ].filter(Boolean)
  return charts.length
    ? `<div class="charts">${charts.join('')}</div>`
    : '<p class="muted">No time series in this report.</p>'
}

function checkRow(c: Check): string {
  const value =
    c.kind === 'regression'
      ? `${formatMetric(c.metric, c.base)} → ${formatMetric(c.metric, c.head)}`
      : formatMetric(c.metric, c.actual)
  return `<tr><td><code>${esc(c.metric)}</code></td><td>${esc(c.expression)}</td><td class="num">${esc(value)}</td><td class="num">${esc(formatChange(c.change))}</td><td class="num">${esc(formatInterval(c.interval))}</td><td class="${c.verdict}">${esc(c.verdict)}</td><td>${esc(c.message)}${c.acceptedBy ? ` (accepted by ${esc(c.acceptedBy)})` : ''}</td></tr>`
}

function scenarioSection(s: ScenarioReport): string {
  const head = `<h2 id="${esc(s.name)}">${esc(s.name)} <span class="verdict ${s.verdict}">${esc(s.verdict.toUpperCase())}</span></h2>`
  if (s.error) {
    const tail = s.error.outputTail?.length ? `<pre>${esc(s.error.outputTail.join('\n'))}</pre>` : ''
    return `${head}<p><strong>Measurement invalid:</strong> ${esc(s.error.message)}</p>${tail}`
  }
  const names = Object.keys(s.metrics).filter(k => s.metrics[k] !== null)
  const metrics = names
    .map(
      k =>
        `<tr><td><code>${esc(k)}</code></td>${s.baseMetrics ? `<td class="num">${esc(formatMetric(k, s.baseMetrics[k]))}</td>` : ''}<td class="num">${esc(formatMetric(k, s.metrics[k]))}</td></tr>`
    )
    .join('')
  const checks = s.checks.length
    ? `<table><thead><tr><th>metric</th><th>limit</th><th>value</th><th>change</th><th>interval</th><th>verdict</th><th>message</th></tr></thead><tbody>${s.checks.map(checkRow).join('')}</tbody></table>`
    : ''
  const notes = [...s.notes, ...(s.findings ?? []).map(f => `${f.evidence}: ${f.action}`)]
    .map(n => `<li>${esc(n)}</li>`)
    .join('')
  return `${head}${checks}${notes ? `<ul>${notes}</ul>` : ''}${runCharts(s.runs)}
<details><summary>All metrics</summary><table><thead><tr><th>metric</th>${s.baseMetrics ? '<th>base</th>' : ''}<th>${s.baseMetrics ? 'head' : 'value'}</th></tr></thead><tbody>${metrics}</tbody></table></details>`
}

export function renderHtml(report: Report): string {
  const decisive = report.scenarios.flatMap(s => [
    ...(s.error
      ? [`<li class="errored">${esc(s.name)}: measurement invalid, ${esc(s.error.message)}</li>`]
      : []),
    ...decisiveChecks(s).map(c => `<li class="${c.verdict}">${esc(s.name)}: ${esc(c.message)}</li>`)
  ])
  const r = report.runner
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>perfgate: ${esc(report.verdict)}</title><style>${STYLE}</style></head>
<body>
<h1>perfgate <span class="verdict ${report.verdict}">${esc(report.verdict.toUpperCase())}</span></h1>
<p id="headline">${esc(report.headline)}</p>
${decisive.length ? `<ul>${decisive.join('')}</ul>` : ''}
${baselineText(report)
  .map(l => `<p class="baseline ${l.kind}">${esc(l.text)}</p>`)
  .join('')}
${report.notes.map(n => `<p class="muted">${esc(n)}</p>`).join('')}
${report.scenarios.map(scenarioSection).join('\n')}
<h2>Run</h2>
<table><tbody>
<tr><th>mode</th><td>${esc(report.mode)}</td></tr>
<tr><th>config</th><td><code>${esc(report.config.file)}</code> (hash ${esc(report.config.hash)}${report.config.profile ? `, profile ${esc(report.config.profile)}` : ''})</td></tr>
<tr><th>runner</th><td>${esc(r.cpuModel)}, ${r.cores} cores, ${esc(formatMetric('server.rss.peak', r.memoryBytes))}, ${esc(r.os)}, Node ${esc(r.node)}</td></tr>
${report.git?.sha ? `<tr><th>commit</th><td><code>${esc(report.git.sha)}</code>${report.git.baseSha ? ` vs base <code>${esc(report.git.baseSha)}</code>` : ''}</td></tr>` : ''}
<tr><th>took</th><td>${esc(formatMs(report.durationMs))}, written ${esc(report.createdAt)} by perfgate ${esc(report.tool.version)}</td></tr>
</tbody></table>
</body></html>
`
}
