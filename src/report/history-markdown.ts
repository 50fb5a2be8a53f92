/**
 * The history in words for the job summary, the push job's alerts and the PR comment's line of context: the one
 * place that words a change point.
 */
import { formatChange, formatMetric } from '../config/format.js'
import type { MainContext } from '../model/check.js'
import type { HistoryChange } from '../model/history.js'
import type { Report } from '../model/report.js'
import { escapeMarkdownText, markdownCode } from './escape.js'

/** "3 days ago", "5 h ago", "12 min ago" */
export function ago(date: string | undefined, now: number): string {
  const ms = now - Date.parse(date ?? '')
  if (!Number.isFinite(ms)) return 'at an unknown time'
  const hours = ms / 3_600_000
  if (hours < 1) return `${Math.max(0, Math.round(ms / 60_000))} min ago`
  if (hours < 48) return `${Math.round(hours)} h ago`
  return `${Math.round(hours / 24)} days ago`
}

/** "latency.p99 of list stepped +12.0% (+8.1% … +16.2%) at abc1234" */
export function describeChange(c: HistoryChange): string {
  return `${c.metric} of ${c.scenario} stepped ${formatChange(c.change)} (${formatChange(c.interval.low)} … ${formatChange(c.interval.high)}) at ${c.sha.slice(0, 7)}${c.subject ? ` "${c.subject}"` : ''}: ${formatMetric(c.metric, c.meanBefore)} over ${c.runsBefore} runs, then ${formatMetric(c.metric, c.meanAfter)} over ${c.runsAfter}`
}

/** The job summary's small table of the newest change points (always there on a push that stored a run). */
export function changesTable(changes: HistoryChange[], now: number, max = 5): string {
  const head = '### History: the newest change points\n\n'
  if (!changes.length) return `${head}No change point in the stored history: every series has been stable.\n`
  const rows = changes
    .slice(0, max)
    .map(
      c =>
        `| ${markdownCode(c.sha.slice(0, 7))} ${escapeMarkdownText(c.subject ?? '')} | ${escapeMarkdownText(c.scenario)} | ${markdownCode(c.metric)} | ${formatChange(c.change)} | ${formatChange(c.interval.low)} … ${formatChange(c.interval.high)} | ${c.runsBefore} / ${c.runsAfter} | ${ago(c.date, now)} |`
    )
  return `${head}| commit | scenario | metric | step | 95% interval | runs before / after | when |\n|---|---|---|---|---|---|---|\n${rows.join('\n')}\n${changes.length > max ? `\n${changes.length - max} older change points: \`perfgate history\` draws them all.\n` : ''}`
}

/**
 * A PR's failing check in the light of the default branch: "on main, latency.p99 of list has been stable for 38
 * runs" or "main stepped +12.0% in latency.p99 of list at abc1234 (3 days ago)", so a reviewer knows whether the PR
 * or main moved.
 */
export function contextLine(scenario: string, metric: string, context: MainContext, now: number): string {
  const what = `${metric} of ${scenario}`
  if (context.kind === 'short') {
    return `on ${context.branch}, ${what} has ${context.runs} stored run${context.runs === 1 ? '' : 's'}: not enough history to tell (${context.needed} needed)`
  }
  if (context.kind === 'stable')
    return `on ${context.branch}, ${what} has been stable for ${context.runs} runs`
  return `${context.branch} stepped ${formatChange(context.change)} in ${what} at ${context.sha.slice(0, 7)} (${ago(context.date, now)}), stable for the ${context.runsAfter} runs since`
}

/** The comment's and summary's section of context lines, from the checks' `mainContext`; '' when none has one. */
export function mainContextSection(report: Pick<Report, 'scenarios'>, now: number): string {
  const lines = report.scenarios.flatMap(s =>
    s.checks.flatMap(c => (c.mainContext ? [contextLine(s.name, c.metric, c.mainContext, now)] : []))
  )
  if (!lines.length) return ''
  return `**Meanwhile on the default branch** (its stored runs):\n\n${lines.map(l => `- ${escapeMarkdownText(l)}`).join('\n')}\n`
}
