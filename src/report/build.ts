import type { MergeNote, NoteData } from '../model/note.js'
import { noteFields, wordNote } from './notes.js'
import { configUsed } from './config-used.js'
import type { Config } from '../config/types.js'
import { configHash } from '../config/load.js'
import { overallVerdict, VERDICT_ORDER, verdictRank } from '../compare/verdict.js'
import { VERSION } from '../version.js'
import { runnerFingerprint } from './fingerprint.js'
import { findingsFor } from './findings.js'
import type { Check, Verdict } from '../model/check.js'
import { REPORT_SCHEMA_VERSION, type Report, type RunnerCost, type ShardInfo } from '../model/report.js'
import type { ScenarioReport } from '../model/scenario.js'

/** A suite's leg as its report says it: its shard, the whole config's hash (not the leg's), and its note. */
export interface LegStamp {
  shard: ShardInfo
  configHash: string
  note: MergeNote
}

export interface ReportInput {
  config: Config
  /** a suite's leg (shard/identity.ts legStamp), stamped as the report is built */
  leg?: LegStamp
  mode: Report['mode']
  scenarios: ScenarioReport[]
  startedAt: number
  /** the run's notes: prose, or data that report/notes.ts words */
  notes?: Array<string | NoteData>
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

/** The runner time of runs that each took these wall times (one run, or a merged report's legs). */
export function runnerCost(durationsMs: readonly number[]): RunnerCost {
  return {
    runnerMs: durationsMs.reduce((sum, ms) => sum + Math.max(0, ms), 0),
    legs: Math.max(1, durationsMs.length)
  }
}

/** "2.4 runner-minutes" (of 2 legs), for the comment. */
export function runnerMinutes(cost: RunnerCost): string {
  const minutes = cost.runnerMs / 60_000
  const words = minutes < 0.05 ? 'under 0.1 runner-minutes' : `${minutes.toFixed(1)} runner-minutes`
  return cost.legs > 1 ? `${words} (${cost.legs} legs)` : words
}

export function buildReport(input: ReportInput): Report {
  const verdict = overallVerdict(input.scenarios)
  const now = input.now ?? new Date()
  const runner = runnerFingerprint()
  const scenarios = input.scenarios.map(s => {
    const findings = findingsFor(s, runner.cores)
    const notes = s.verdict === 'errored' ? [] : unansweredNotes(s).map(wordNote)
    const noted = notes.length
      ? {
          ...s,
          notes: [...s.notes, ...notes.map(n => n.message)],
          noteData: [...(s.noteData ?? []), ...notes]
        }
      : s
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
      hash: input.leg?.configHash ?? configHash(input.config),
      ...(input.config.profile ? { profile: input.config.profile } : {}),
      used: configUsed(input.config)
    },
    runner,
    ...(input.git ? { git: input.git } : {}),
    ...(input.baseline ? { baseline: input.baseline } : {}),
    durationMs: Math.max(0, now.getTime() - input.startedAt),
    cost: runnerCost([now.getTime() - input.startedAt]),
    scenarios,
    ...noteFields([...(input.notes ?? []), ...(input.leg ? [input.leg.note] : [])]),
    ...(input.leg ? { shard: input.leg.shard } : {})
  }
}

/** A count metric summed over one side's valid runs. */
function sideCount(s: ScenarioReport, side: 'head' | 'base', metric: string): number {
  return s.runs
    .filter(r => r.side === side && !r.error)
    .reduce((n, r) => n + (typeof r.metrics[metric] === 'number' ? r.metrics[metric] : 0), 0)
}

/**
 * Requests that ended without an answer the latency counts, side by side: timeouts (a service that hangs on a few
 * requests under max-error-rate must not look faster for it) and connection resets (never silently).
 */
function unansweredNotes(s: ScenarioReport): NoteData[] {
  const compared = s.runs.some(r => r.side === 'base')
  const notes: NoteData[] = []
  for (const [kind, metric] of [
    ['timeouts-left-out', 'errors.timeout'],
    ['connections-reset', 'errors.reset']
  ] as const) {
    const head = sideCount(s, 'head', metric)
    const base = sideCount(s, 'base', metric)
    if (head > 0 || base > 0) notes.push({ kind, head, ...(compared ? { base } : {}) })
  }
  return notes
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
