import { baselineText } from './baseline.js'
import type { LoadProgress } from '../load/types.js'
import type { Report } from '../model/report.js'
import type { ScenarioReport } from '../model/scenario.js'
import { decisiveChecks } from './build.js'
import { profileTerminal } from './cpu-profile.js'
import { formatChange, formatDetectable, formatInterval, formatMetric, formatMs } from '../config/format.js'

export interface Style {
  bold(s: string): string
  dim(s: string): string
  red(s: string): string
  green(s: string): string
  yellow(s: string): string
}

const wrap = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`
export const COLOR: Style = {
  bold: wrap(1, 22),
  dim: wrap(2, 22),
  red: wrap(31, 39),
  green: wrap(32, 39),
  yellow: wrap(33, 39)
}
export const PLAIN: Style = { bold: s => s, dim: s => s, red: s => s, green: s => s, yellow: s => s }

function paint(verdict: string, style: Style): string {
  const word = verdict.toUpperCase()
  if (verdict === 'pass') return style.green(word)
  if (verdict === 'fail' || verdict === 'errored') return style.red(word)
  if (verdict === 'warn' || verdict === 'inconclusive') return style.yellow(word)
  return style.dim(word)
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g
const width = (s: string) => s.replace(ANSI, '').length

function columns(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map(r => width(r[i] ?? ''))))
  return rows.map(r =>
    r
      .map((cell, i) => cell + ' '.repeat(widths[i]! - width(cell)))
      .join('  ')
      .trimEnd()
  )
}

function scenarioBlock(s: ScenarioReport, style: Style): string[] {
  const out = [`${style.bold(s.name)}  ${paint(s.verdict, style)}`]
  if (s.error) {
    out.push(`  measurement invalid: ${s.error.message}`)
    for (const line of s.error.outputTail?.slice(-10) ?? []) out.push(style.dim(`  | ${line}`))
    return out
  }
  const m = s.metrics
  const b = s.baseMetrics
  const show = (k: string) =>
    b ? `${formatMetric(k, b[k])} → ${formatMetric(k, m[k])}` : formatMetric(k, m[k])
  out.push(
    ...columns([
      ['  ok rps', 'p50', 'p90', 'p99', 'max', 'errors', 'server CPU', 'server RSS'].map(style.dim),
      [
        `  ${show('throughput.ok_rps')}`,
        show('latency.p50'),
        show('latency.p90'),
        show('latency.p99'),
        show('latency.max'),
        show('errors.rate'),
        show('server.cpu.mean'),
        show('server.rss.peak')
      ]
    ])
  )
  if (typeof m['generator.rate.target'] === 'number') {
    out.push(
      style.dim(
        `  open model: sent ${show('generator.rate.achieved')} of ${show('generator.rate.target')} asked for, ` +
          `schedule p99 ${show('generator.lag')} late`
      )
    )
  }
  if (s.checks.length) {
    const rows = s.checks.map(c => [
      `  ${paint(c.verdict, style)}`,
      c.metric,
      c.expression,
      c.verdict === 'skipped'
        ? style.dim(c.message)
        : c.kind === 'regression'
          ? `${formatChange(c.change)} (${formatInterval(c.interval)}, ${c.rounds ?? 0} ${c.unit ?? 'rounds'}${typeof c.detectable === 'number' ? `, sees ${formatDetectable(c.detectable)}` : ''})`
          : formatMetric(c.metric, c.actual)
    ])
    out.push(...columns(rows))
  }
  for (const note of s.notes) out.push(style.dim(`  note: ${note}`))
  for (const f of s.findings ?? []) out.push(`  ${style.yellow('finding:')} ${f.evidence}; ${f.action}`)
  return out
}

/** The result table printed at the end of a run. */
export function renderTerminal(report: Report, style: Style = PLAIN): string {
  const lines: string[] = ['']
  for (const s of report.scenarios) lines.push(...scenarioBlock(s, style), '')
  const decisive = report.scenarios.flatMap(s => decisiveChecks(s).map(c => `  ${s.name}: ${c.message}`))
  if (decisive.length) lines.push(style.bold('What decided it:'), ...decisive, '')
  for (const profile of profileTerminal(report)) lines.push(style.bold(profile[0]!), ...profile.slice(1), '')
  for (const line of baselineText(report)) lines.push(`baseline: ${line.text}`)
  for (const note of report.notes) lines.push(style.dim(`note: ${note}`))
  lines.push(
    `${paint(report.verdict, style)}  ${report.headline}  ${style.dim(`(${formatMs(report.durationMs)})`)}`
  )
  return lines.join('\n') + '\n'
}

/** One progress line, rewritten in place on a TTY. */
export function renderProgress(label: string, p: LoadProgress): string {
  const pct = p.totalMs > 0 ? Math.min(100, Math.round((p.elapsedMs / p.totalMs) * 100)) : 0
  const bar = '#'.repeat(Math.round(pct / 5)).padEnd(20, '.')
  return `${label} [${bar}] ${pct}% ${p.phase} ${Math.round(p.currentRps)} req/s, ${p.responses} responses, ${p.errors} errors`
}
