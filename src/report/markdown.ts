import { baselineText } from './baseline.js'
import { profileMarkdown } from './cpu-profile.js'
import { profileComparison } from './profile.js'
import type { Check, CheckVerdict, Verdict } from '../model/check.js'
import type { Report } from '../model/report.js'
import type { ScenarioReport } from '../model/scenario.js'
import { decisiveChecks, runnerMinutes } from './build.js'
import { formatChange, formatDetectable, formatInterval, formatMetric, formatMs } from '../config/format.js'
import { escapeMarkdownText, markdownCode, markdownFence } from './escape.js'
import { mainContextSection } from './history-markdown.js'

export const VERDICT_ICON: Record<Verdict | CheckVerdict, string> = {
  pass: '✅',
  warn: '⚠️',
  fail: '❌',
  inconclusive: '❔',
  skipped: '⏭️',
  errored: '💥',
  accepted: '☑️'
}

/** The metrics a one-line view of a scenario shows (comment table, `perfgate baseline show`). */
export const KEY_METRICS = [
  'throughput.ok_rps',
  'latency.p50',
  'latency.p99',
  'errors.rate',
  'server.cpu.mean',
  'server.rss.peak'
]

export interface CommentOptions {
  /** hidden marker that makes the comment sticky */
  marker?: string
  /** the workflow run that measured (and uploaded the report artifact) */
  runUrl?: string
  /** name of the uploaded report artifact */
  artifactName?: string
  /** https://github.com/owner/name: the profile's functions link to their lines in the head commit there */
  repositoryUrl?: string
  /** the time "3 days ago" is counted from (default now) */
  now?: number
}

/** The failing checks in the light of the default branch (their `mainContext`), when any has it. */
function contextLines(report: Report, options: CommentOptions): string[] {
  const section = mainContextSection(report, options.now ?? Date.now())
  return section ? [section] : []
}

const e = escapeMarkdownText
const code = markdownCode

function location(check: Check): string {
  return check.source ? ` (${e(check.source.file)}:${check.source.line})` : ''
}

function checkLine(scenario: ScenarioReport, check: Check): string {
  const accepted = check.acceptedBy ? `, accepted by ${e(check.acceptedBy)}` : ''
  // the message names its metric first ("throughput.ok_rps fell 44%"): the code span says it once
  const message = check.message.startsWith(`${check.metric} `)
    ? check.message.slice(check.metric.length + 1)
    : check.message
  return `- ${VERDICT_ICON[check.verdict]} **${e(scenario.name)}** ${code(check.metric)} ${e(message)}${accepted}${location(check)}`
}

function errorLines(scenario: ScenarioReport): string[] {
  if (!scenario.error) return []
  const lines = [
    `- ${VERDICT_ICON.errored} **${e(scenario.name)}**: measurement invalid, ${e(scenario.error.message)}`
  ]
  return lines
}

function scenarioTable(scenarios: readonly ScenarioReport[], compare: boolean): string[] {
  const head = compare
    ? ['scenario', 'verdict', 'ok rps (base → head)', 'p99 (base → head)', 'errors']
    : ['scenario', 'verdict', 'ok rps', 'p50', 'p99', 'errors', 'server CPU', 'server RSS']
  const rows = scenarios.map(s => {
    const m = s.metrics
    const verdict = `${VERDICT_ICON[s.verdict]} ${s.verdict}`
    if (s.verdict === 'errored') return [e(s.name), verdict, ...head.slice(2).map(() => '—')]
    if (compare) {
      const b = s.baseMetrics ?? {}
      return [
        e(s.name),
        verdict,
        `${formatMetric('throughput.ok_rps', b['throughput.ok_rps'])} → ${formatMetric('throughput.ok_rps', m['throughput.ok_rps'])}`,
        `${formatMetric('latency.p99', b['latency.p99'])} → ${formatMetric('latency.p99', m['latency.p99'])}`,
        formatMetric('errors.rate', m['errors.rate'])
      ]
    }
    return [e(s.name), verdict, ...KEY_METRICS.map(k => formatMetric(k, m[k]))]
  })
  return table(head, rows)
}

function table(head: string[], rows: string[][]): string[] {
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map(r => `| ${r.join(' | ')} |`)
  ]
}

function checksTable(scenario: ScenarioReport): string[] {
  const regression = scenario.checks.some(c => c.kind === 'regression')
  const head = regression
    ? ['check', 'limit', 'base', 'head', 'change', 'interval', 'detectable', 'rounds', 'verdict']
    : ['check', 'limit', 'value', 'verdict']
  const rows = scenario.checks.map(c => {
    const verdict = `${VERDICT_ICON[c.verdict]} ${c.verdict}`
    if (!regression) return [code(c.metric), e(c.expression), formatMetric(c.metric, c.actual), verdict]
    if (c.kind === 'threshold') {
      return [code(c.metric), e(c.expression), '', formatMetric(c.metric, c.actual), '', '', '', '', verdict]
    }
    return [
      code(c.metric),
      e(c.expression),
      formatMetric(c.metric, c.base),
      formatMetric(c.metric, c.head),
      formatChange(c.change),
      formatInterval(c.interval),
      typeof c.detectable === 'number' ? formatDetectable(c.detectable) : '',
      c.unit === 'epochs' ? `${c.rounds} epochs` : String(c.rounds ?? ''),
      verdict
    ]
  })
  return table(head, rows)
}

function metricsTable(scenario: ScenarioReport): string[] {
  const names = Object.keys(scenario.metrics).filter(k => scenario.metrics[k] !== null)
  const compare = scenario.baseMetrics !== undefined
  const head = compare ? ['metric', 'base', 'head'] : ['metric', 'value']
  const rows = names.map(k =>
    compare
      ? [code(k), formatMetric(k, scenario.baseMetrics?.[k]), formatMetric(k, scenario.metrics[k])]
      : [code(k), formatMetric(k, scenario.metrics[k])]
  )
  return table(head, rows)
}

function scenarioDetails(scenario: ScenarioReport, withMetrics: boolean): string[] {
  const summary = `${VERDICT_ICON[scenario.verdict]} ${e(scenario.name)}: ${scenario.verdict}, ${scenario.checks.length} checks`
  const body: string[] = []
  if (scenario.error) {
    body.push(`**Measurement invalid:** ${e(scenario.error.message)}`, '')
    if (scenario.error.outputTail?.length) {
      body.push(
        'Last lines of the service output:',
        '',
        ...markdownFence(scenario.error.outputTail.slice(-20)),
        ''
      )
    }
  } else {
    if (scenario.checks.length > 0) body.push(...checksTable(scenario), '')
    if (withMetrics) body.push(...metricsTable(scenario), '')
  }
  for (const note of scenario.notes) body.push(`> ${e(note)}`, '')
  if (scenario.findings?.length) {
    body.push('**Findings**', '', ...scenario.findings.map(f => `- ${e(f.evidence)}: ${e(f.action)}`), '')
  }
  return ['<details>', `<summary>${summary}</summary>`, '', ...body, '</details>', '']
}

function title(report: Report): string {
  return `### ${VERDICT_ICON[report.verdict]} perfgate: ${report.verdict.toUpperCase()}`
}

function problems(report: Report): string[] {
  const lines = report.scenarios.flatMap(s => [
    ...errorLines(s),
    ...decisiveChecks(s).map(c => checkLine(s, c))
  ])
  return lines.length ? [...lines, ''] : []
}

const OUTCOME_WORD: Partial<Record<CheckVerdict, string>> = {
  fail: 'failed',
  warn: 'warned',
  inconclusive: 'inconclusive',
  accepted: 'accepted'
}

/**
 * The sentence under the title. When the bullets below say what decided the verdict, the headline would say their
 * first line again: the counts stand in its place. Then what the gate cost in runner time.
 */
function opening(report: Report, bullets: readonly string[]): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`
  const checks = report.scenarios.flatMap(s => s.checks)
  const errored = report.scenarios.filter(s => s.error).length
  const outcomes = [
    ...(errored ? [`${errored} errored`] : []),
    ...(Object.keys(OUTCOME_WORD) as CheckVerdict[]).flatMap(v => {
      const n = checks.filter(c => c.verdict === v).length
      return n ? [`${n} ${OUTCOME_WORD[v]}`] : []
    })
  ]
  const restated = bullets.length > 0 && !report.merge?.problems.length
  const line = restated
    ? `${plural(report.scenarios.length, 'scenario')}, ${plural(checks.length, 'check')}: ${outcomes.join(', ')}.`
    : e(report.headline)
  return report.cost ? `${line}${restated ? '' : '.'} The gate took ${runnerMinutes(report.cost)}.` : line
}

function footer(report: Report, options: CommentOptions): string {
  const parts = [
    report.mode === 'compare'
      ? 'base vs head, interleaved'
      : report.baseline?.state === 'used'
        ? 'head vs a stored run'
        : 'absolute limits',
    `config ${code(report.config.file)}`,
    `took ${formatMs(report.durationMs)}`,
    `perfgate ${e(report.tool.version)}`
  ]
  if (options.runUrl) parts.push(`[workflow run](${options.runUrl})`)
  if (options.artifactName) {
    const artifact = `artifact ${code(options.artifactName)}`
    parts.push(`HTML report: ${options.runUrl ? `[${artifact}](${options.runUrl}#artifacts)` : artifact}`)
  }
  return `<sub>${parts.join(' · ')}</sub>`
}

const BASELINE_ICON = { used: '📦', none: '📦', saved: '💾', 'not-saved': '⚠️' } as const

function baselineLines(report: Report): string[] {
  return baselineText(report).flatMap(l => [
    `> ${BASELINE_ICON[l.kind]} ${e(l.text.charAt(0).toUpperCase() + l.text.slice(1))}`,
    ''
  ])
}

/**
 * The PR's changes to perfgate's limits, side by side (`list  latency.p99  < 50ms  ->  < 80ms`), in a code block
 * the names cannot break out of, with which side decided.
 */
export function gateLines(report: Report): string[] {
  const gate = report.gate
  if (!gate?.changes.length) return []
  const rows = gate.changes.map(c => [c.scenario ?? '(all)', c.limit, c.base, c.head])
  const width = (i: number) => Math.max(...rows.map(r => r[i]!.length))
  const lines = rows.map(r =>
    [r[0]!.padEnd(width(0)), r[1]!.padEnd(width(1)), `${r[2]!.padEnd(width(2))}  ->  ${r[3]}`].join('  ')
  )
  const icon = gate.source === 'base' ? '🔒' : '☑️'
  return [
    `> ${icon} ${e(gate.message.charAt(0).toUpperCase() + gate.message.slice(1))}.`,
    '',
    ...markdownFence(lines),
    ''
  ]
}

function comparesBase(report: Report): boolean {
  return report.mode === 'compare' || report.baseline?.state === 'used'
}

/** A label Mermaid can hold in double quotes: no quotes, brackets or newlines, at most 24 characters. */
function chartLabel(name: string): string {
  const clean = name.replace(/["[\]\n\r`]/g, ' ').trim()
  return clean.length > 24 ? `${clean.slice(0, 23)}…` : clean
}

/**
 * A small Mermaid chart of p99 base vs head per scenario (bars base, line head), for comparisons with at least one
 * measured scenario. GitHub renders it in the comment; elsewhere it stays a readable code block.
 */
export function p99Chart(report: Report): string[] {
  const rows = report.scenarios.filter(
    s =>
      !s.error &&
      typeof s.baseMetrics?.['latency.p99'] === 'number' &&
      typeof s.metrics['latency.p99'] === 'number'
  )
  if (!rows.length || !comparesBase(report)) return []
  const ms = (us: number) => Number((us / 1000).toPrecision(3))
  const base = rows.map(s => ms(s.baseMetrics!['latency.p99']!))
  const head = rows.map(s => ms(s.metrics['latency.p99']!))
  const top = Math.max(...base, ...head)
  return [
    '<details><summary>p99 chart</summary>',
    '',
    '```mermaid',
    'xychart-beta',
    '  title "p99 latency (ms): bars base, line head"',
    `  x-axis [${rows.map(s => `"${chartLabel(s.name)}"`).join(', ')}]`,
    `  y-axis "p99 (ms)" 0 --> ${Number((top * 1.15).toPrecision(3))}`,
    `  bar [${base.join(', ')}]`,
    `  line [${head.join(', ')}]`,
    '```',
    '',
    '</details>',
    ''
  ]
}

/** Verdict, what decided it, the per-scenario table and the folded details; `full` adds every metric. */
function body(report: Report, full: boolean, options: CommentOptions): string[] {
  return [
    title(report),
    '',
    opening(report, problems(report)),
    '',
    ...problems(report),
    ...(report.profiles ?? []).flatMap(profile =>
      profileMarkdown(profile, {
        repositoryUrl: options.repositoryUrl,
        // a pull request's head commit, not GitHub's merge commit (which nobody can open from the PR)
        sha: report.git?.headSha ?? report.git?.sha
      })
    ),
    ...gateLines(report),
    ...baselineLines(report),
    ...scenarioTable(report.scenarios, comparesBase(report)),
    '',
    ...p99Chart(report),
    ...report.scenarios.flatMap(s => scenarioDetails(s, full)),
    // one paragraph per note: consecutive quoted lines would run together into one
    ...report.notes.flatMap((n, i) => (i ? ['>', `> ${e(n)}`] : [`> ${e(n)}`])),
    ...(report.notes.length ? [''] : [])
  ]
}

/** The PR comment: verdict first, then what regressed or failed, a compact table, details folded. */
export function renderComment(report: Report, options: CommentOptions = {}): string {
  return (
    [
      ...(options.marker ? [options.marker] : []),
      ...body(report, false, options),
      ...contextLines(report, options),
      footer(report, options)
    ].join('\n') + '\n'
  )
}

/** The scenarios against the built-in profile the config extends, metric by metric. */
function profileLines(report: Report): string[] {
  const view = profileComparison(report)
  if (!view?.rows.length) return []
  const rows = view.rows.map(r => [
    e(r.scenario),
    code(r.metric),
    e(r.limit),
    formatMetric(r.metric, r.value),
    r.meets === null ? 'not measured' : r.meets ? '✅ meets' : '⚠️ misses'
  ])
  return [
    `**Against the ${code(view.profile)} profile** (${e(view.description)})`,
    '',
    ...table(['scenario', 'metric', 'profile', 'measured', 'result'], rows),
    ''
  ]
}

/** The job summary and summary.md: the comment plus every metric of every scenario and the runner. */
export function renderSummary(report: Report, options: CommentOptions = {}): string {
  const runner = `Runner: ${e(report.runner.cpuModel)}, ${report.runner.cores} cores, ${e(report.runner.os)}, Node ${e(report.runner.node)}`
  return (
    [
      ...body(report, true, options),
      ...contextLines(report, options),
      ...profileLines(report),
      runner,
      '',
      footer(report, options)
    ].join('\n') + '\n'
  )
}
