/**
 * `perfgate merge`: one report from the report.json files of a split suite's legs (--shard K/N). Each leg measured
 * its own scenarios, so the merged report holds every leg's scenarios, unchanged, in the config's order, and one
 * verdict over them. The set of legs is checked first: a missing leg, a leg of another config or commit, or a
 * duplicated leg makes the merged verdict `errored` with the leg named, never a pass over part of the suite.
 */
import { overallVerdict } from '../compare/verdict.js'
import { VERSION } from '../version.js'
import { headline, runnerCost } from '../report/build.js'
import { fingerprintMismatches } from '../report/fingerprint.js'
import { mergeProblemMessage } from '../report/merge-notes.js'
import { noteFields, noteItems } from '../report/notes.js'
import type { LegRef, MergeNote, MergeProblem, Note } from '../model/note.js'
import { mergeLoadScenario } from './merge-load.js'
import { windowNotes, windowProblems } from './merge-window.js'
import type { MergeInfo, Report } from '../model/report.js'
import type { ScenarioReport } from '../model/scenario.js'

/** One leg as merge was given it: its report, or why it could not be read. */
export interface LegInput {
  /** where it came from, for messages (its directory as given) */
  source: string
  report?: Report
  /** unreadable, not JSON, or not a valid report.json */
  problem?: string
}

/** No leg could be read at all: there is nothing to build a report from. */
export class MergeError extends Error {}

type Leg = { source: string; report: Report & { shard: NonNullable<Report['shard']> } }

const legRef = (leg: Leg, named = true): LegRef => ({
  index: leg.report.shard.index,
  count: leg.report.shard.count,
  ...(named ? { source: leg.source } : {})
})

/** What the legs must agree on: the whole config's hash, the commit, the kind and number of shards, the mode. */
const keyOf = (r: Leg['report']) =>
  JSON.stringify([r.config.hash, r.git?.sha ?? '', r.shard.kind, r.shard.count, r.mode])

/** The identity most legs share (the first given wins a tie): the others are foreign. */
function majority(legs: readonly Leg[]): Leg | undefined {
  const counts = new Map<string, number>()
  for (const leg of legs) counts.set(keyOf(leg.report), (counts.get(keyOf(leg.report)) ?? 0) + 1)
  let best: Leg | undefined
  for (const leg of legs)
    if (!best || counts.get(keyOf(leg.report))! > counts.get(keyOf(best.report))!) best = leg
  return best
}

function foreignReason(leg: Leg, ref: Leg): MergeProblem {
  const a = leg.report
  const b = ref.report
  const foreign = (
    differs: Extract<MergeProblem, { kind: 'foreign' }>['differs'],
    value: string | number,
    others: string | number
  ): MergeProblem => ({ kind: 'foreign', leg: legRef(leg), differs, value, others })
  if (a.config.hash !== b.config.hash) return foreign('config', a.config.hash, b.config.hash)
  if ((a.git?.sha ?? '') !== (b.git?.sha ?? '')) return foreign('commit', a.git?.sha ?? '', b.git?.sha ?? '')
  if (a.shard.kind !== b.shard.kind) return foreign('shard-kind', a.shard.kind, b.shard.kind)
  if (a.shard.count !== b.shard.count) return foreign('shard-count', a.shard.count, b.shard.count)
  return foreign('mode', a.mode, b.mode)
}

/** Checks the set of legs and returns the ones to merge, with every problem (each naming its leg). */
export function checkLegs(inputs: readonly LegInput[]): { legs: Leg[]; problems: MergeProblem[]; ref?: Leg } {
  const problems: MergeProblem[] = []
  const candidates: Leg[] = []
  for (const input of inputs) {
    if (!input.report) {
      problems.push({ kind: 'unreadable', source: input.source, why: input.problem ?? 'no report' })
      continue
    }
    if (!input.report.shard) {
      problems.push({ kind: 'not-a-leg', source: input.source })
      continue
    }
    candidates.push(input as Leg)
  }
  const ref = majority(candidates)
  if (!ref) return { legs: [], problems }
  const byIndex = new Map<number, Leg>()
  for (const leg of candidates) {
    if (keyOf(leg.report) !== keyOf(ref.report)) {
      problems.push(foreignReason(leg, ref))
      continue
    }
    const claimed = leg.report.shard.scenarios
    const reported = leg.report.scenarios.map(s => s.name)
    if (claimed.length !== reported.length || claimed.some(n => !reported.includes(n))) {
      problems.push({ kind: 'claim-mismatch', leg: legRef(leg), claimed, reported })
      continue
    }
    const earlier = byIndex.get(leg.report.shard.index)
    if (earlier) {
      problems.push({
        kind: 'duplicated',
        index: leg.report.shard.index,
        count: leg.report.shard.count,
        sources: [earlier.source, leg.source]
      })
      continue
    }
    byIndex.set(leg.report.shard.index, leg)
  }
  const count = ref.report.shard.count
  const suite = ref.report.shard.suite
  const legs = [...byIndex.values()].sort((a, b) => a.report.shard.index - b.report.shard.index)
  const covered = new Map<string, Leg>()
  const load = ref.report.shard.kind === 'load'
  for (const leg of legs) {
    // a load leg measures every scenario of the suite at its share of the load
    const lacking = load ? suite.filter(n => !leg.report.shard.scenarios.includes(n)) : []
    if (lacking.length) problems.push({ kind: 'load-leg-lacking', leg: legRef(leg), lacking })
    for (const name of leg.report.shard.scenarios) {
      const other = covered.get(name)
      if (other && !load)
        problems.push({ kind: 'measured-twice', scenario: name, legs: [legRef(other), legRef(leg)] })
      else covered.set(name, leg)
    }
  }
  const uncovered = suite.filter(n => !covered.has(n))
  for (let index = 1; index <= count; index++) {
    if (byIndex.has(index)) continue
    problems.push({ kind: 'missing', index, count, uncovered })
  }
  if (load)
    problems.push(...windowProblems(legs.map(l => ({ leg: legRef(l), window: l.report.shard.window }))))
  if (legs.length === count && uncovered.length) problems.push({ kind: 'uncovered', scenarios: uncovered })
  const strays = [...covered.keys()].filter(n => !suite.includes(n))
  if (strays.length) problems.push({ kind: 'strays', scenarios: strays })
  return { legs, problems, ref }
}

const wordsOf = (note: string | Note) => (typeof note === 'string' ? note : note.message)

/**
 * Notes every leg has once; a note only some legs have, with the leg named. A leg's note travels as its data (as
 * words from a leg whose report predates noteData); a suite leg's own stamp is left out.
 */
function mergedNotes(legs: readonly Leg[]): Array<string | Note | MergeNote> {
  const all = legs.map(l =>
    noteItems(l.report).filter(n =>
      typeof n === 'string' ? !n.startsWith(`shard ${l.report.shard.index}/`) : n.kind !== 'suite-shard'
    )
  )
  const sharedWords = new Set(
    all[0]?.map(wordsOf).filter(words => all.every(ns => ns.some(n => wordsOf(n) === words)))
  )
  const notes: Array<string | Note | MergeNote> = all[0]?.filter(n => sharedWords.has(wordsOf(n))) ?? []
  legs.forEach((leg, i) => {
    for (const note of all[i]!)
      if (!sharedWords.has(wordsOf(note))) notes.push({ kind: 'leg-note', leg: legRef(leg, false), note })
  })
  return notes
}

/**
 * The merged report. The run-level fields (config, runner, git, baseline, gate) are the first leg's; runner kinds
 * that differ between legs are named in a note. Throws MergeError only when no leg could be used at all.
 */
export function mergeLegReports(inputs: readonly LegInput[], now: Date = new Date()): Report {
  const checked = checkLegs(inputs)
  const { legs, ref } = checked
  const problems = checked.problems.map(mergeProblemMessage)
  if (!ref) throw new MergeError(`no leg to merge: ${problems.join('; ') || 'no directories were given'}`)
  const first = legs[0] ?? ref
  const order = new Map(ref.report.shard.suite.map((n, i) => [n, i]))
  const scenarios: ScenarioReport[] =
    ref.report.shard.kind === 'load'
      ? joinLoadLegs(legs, ref.report.shard.suite)
      : legs
          .flatMap(l => l.report.scenarios)
          .sort((a, b) => (order.get(a.name) ?? Infinity) - (order.get(b.name) ?? Infinity))
  const notes: Array<string | Note | MergeNote> = [
    { kind: 'merged', legs: legs.length, count: ref.report.shard.count },
    ...(ref.report.shard.kind === 'load'
      ? windowNotes(legs.map(l => ({ leg: legRef(l), window: l.report.shard.window })))
      : []),
    ...mergedNotes(legs)
  ]
  // the report's baseline section is the first leg's; what the other legs compared with or stored is noted
  for (const leg of legs.slice(1)) {
    const b = leg.report.baseline
    if (!b) continue
    const said = [b.message, b.saved?.message].filter(Boolean).join('; ')
    const firstSaid = [first.report.baseline?.message, first.report.baseline?.saved?.message]
      .filter(Boolean)
      .join('; ')
    if (said && said !== firstSaid) notes.push({ kind: 'leg-baseline', leg: legRef(leg), said })
  }
  for (const leg of legs) {
    const mismatches = fingerprintMismatches(first.report.runner, leg.report.runner)
    if (mismatches.length)
      notes.push({ kind: 'leg-runner', leg: legRef(leg), first: first.report.shard.index, mismatches })
  }
  const verdict = problems.length ? 'errored' : overallVerdict(scenarios)
  const merge: MergeInfo = {
    legs: legs.map(l => ({
      source: l.source,
      index: l.report.shard.index,
      count: l.report.shard.count,
      verdict: l.report.verdict,
      scenarios: l.report.shard.scenarios,
      ...(l.report.git?.sha ? { sha: l.report.git.sha } : {}),
      runner: l.report.runner,
      durationMs: l.report.durationMs
    })),
    problems
  }
  const used = first.report.config.used
  const usedScenarios = (ref.report.shard.kind === 'load' ? [first] : legs)
    .flatMap(l => l.report.config.used?.scenarios ?? [])
    .sort((a, b) => (order.get(a.name) ?? Infinity) - (order.get(b.name) ?? Infinity))
  const base = first.report
  return {
    schemaVersion: base.schemaVersion,
    tool: { name: 'perfgate', version: VERSION },
    createdAt: now.toISOString(),
    mode: base.mode,
    verdict,
    headline: problems.length
      ? `perfgate errored: merge: ${problems[0]}${problems.length > 1 ? ` (+${problems.length - 1} more)` : ''}`
      : headline(verdict, scenarios),
    config: {
      ...base.config,
      ...(used ? { used: { ...used, scenarios: usedScenarios } } : {})
    },
    runner: base.runner,
    ...(base.git ? { git: base.git } : {}),
    ...(base.baseline ? { baseline: base.baseline } : {}),
    ...(base.gate ? { gate: base.gate } : {}),
    // the legs ran side by side: the suite took as long as its slowest leg
    durationMs: Math.max(0, ...legs.map(l => l.report.durationMs)),
    // but each leg held its own runner: the cost is their sum
    cost: runnerCost(legs.map(l => l.report.cost?.runnerMs ?? l.report.durationMs)),
    scenarios,
    ...noteFields([
      ...checked.problems.map(problem => ({ kind: 'merge-problem' as const, problem })),
      ...notes
    ]),
    merge
  }
}

/** Load legs: each scenario joined from every leg's measurement of it (see merge-load.ts). */
function joinLoadLegs(legs: readonly Leg[], suite: readonly string[]): ScenarioReport[] {
  return suite.flatMap(name => {
    const having = legs.filter(l => l.report.scenarios.some(s => s.name === name))
    if (having.length === 0) return []
    return [
      mergeLoadScenario(
        having.map(l => l.report.scenarios.find(s => s.name === name)!),
        having.map(l => legRef(l, false))
      )
    ]
  })
}

/** The on-inconclusive setting the legs ran with (their config's), for the merged exit code. */
export function mergedOnInconclusive(report: Report): 'warn' | 'fail' {
  return report.config.used?.onInconclusive === 'fail' ? 'fail' : 'warn'
}
