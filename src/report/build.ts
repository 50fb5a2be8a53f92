import { configUsed } from './config-used.js'
import type { Config } from '../config/types.js'
import { overallVerdict, VERDICT_ORDER, verdictRank } from '../compare/verdict.js'
import { VERSION } from '../version.js'
import { runnerFingerprint } from './fingerprint.js'
import { findingsFor } from './findings.js'
import type { Check, Verdict } from '../model/check.js'
import { REPORT_SCHEMA_VERSION, type Report } from '../model/report.js'
import type { ScenarioReport } from '../model/scenario.js'

export interface ReportInput {
  config: Config
  configHash: string
  mode: Report['mode']
  scenarios: ScenarioReport[]
  startedAt: number
  notes?: string[]
  git?: Report['git']
  baseline?: Report['baseline']
  now?: Date
}

const VERDICT_WORD: Record<Verdict, string> = {
  pass: 'passed',
  warn: 'passed with warnings',
  fail: 'failed',
  inconclusive: 'inconclusive',
  skipped: 'skipped',
  errored: 'errored'
}

export function buildReport(input: ReportInput): Report {
  const verdict = overallVerdict(input.scenarios)
  const now = input.now ?? new Date()
  const runner = runnerFingerprint()
  const scenarios = input.scenarios.map(s => {
    const findings = findingsFor(s, runner.cores)
    const note = s.verdict === 'errored' ? undefined : timeoutNote(s)
    const noted = note ? { ...s, notes: [...s.notes, note] } : s
    return findings.length ? { ...noted, findings } : noted
  })
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'perfgate', version: VERSION },
    createdAt: now.toISOString(),
    mode: input.mode,
    verdict,
    headline: headline(verdict, input.scenarios),
    config: {
      file: input.config.file,
      hash: input.configHash,
      ...(input.config.profile ? { profile: input.config.profile } : {}),
      used: configUsed(input.config)
    },
    runner,
    ...(input.git ? { git: input.git } : {}),
    ...(input.baseline ? { baseline: input.baseline } : {}),
    durationMs: Math.max(0, now.getTime() - input.startedAt),
    scenarios,
    notes: input.notes ?? []
  }
}

/**
 * Latency comes from answered requests only: a service that hangs on a few requests (under max-error-rate) must not
 * look faster for it, so the report says how many requests the percentiles leave out, side by side.
 */
function timeoutNote(s: ScenarioReport): string | undefined {
  const count = (side: 'head' | 'base') =>
    s.runs
      .filter(r => r.side === side && !r.error)
      .reduce(
        (n, r) => n + (typeof r.metrics['errors.timeout'] === 'number' ? r.metrics['errors.timeout'] : 0),
        0
      )
  const head = count('head')
  const base = count('base')
  if (head === 0 && base === 0) return undefined
  const sides = s.runs.some(r => r.side === 'base') ? ` (head ${head}, base ${base})` : ''
  return (
    `the latency percentiles leave out ${head + base} request${head + base === 1 ? '' : 's'} that timed out${sides}: ` +
    'they count in errors.rate, and a request that never answered does not make p99 faster'
  )
}

/** Checks that decided a verdict, worst first: the lines a reader needs before anything else. */
export function decisiveChecks(scenario: ScenarioReport): Check[] {
  return VERDICT_ORDER.filter(v => verdictRank(v) > verdictRank('pass')).flatMap(v =>
    scenario.checks.filter(c => c.verdict === v)
  )
}

export function headline(verdict: Verdict, scenarios: readonly ScenarioReport[]): string {
  const checks = scenarios.reduce((n, s) => n + s.checks.length, 0)
  const summary = `${scenarios.length} scenario${scenarios.length === 1 ? '' : 's'}, ${checks} check${checks === 1 ? '' : 's'}`
  if (verdict === 'errored') {
    const bad = scenarios.filter(s => s.verdict === 'errored')
    const first = bad[0]
    return `perfgate errored: ${first?.name}: ${first?.error?.message ?? 'invalid measurement'}${bad.length > 1 ? ` (+${bad.length - 1} more)` : ''}`
  }
  const decisive = scenarios.flatMap(s => decisiveChecks(s).map(c => `${s.name}: ${c.message}`))
  if (decisive.length === 0) return `perfgate ${VERDICT_WORD[verdict]}: ${summary}`
  const more = decisive.length > 1 ? ` (+${decisive.length - 1} more)` : ''
  return `perfgate ${VERDICT_WORD[verdict]}: ${decisive[0]}${more}`
}
