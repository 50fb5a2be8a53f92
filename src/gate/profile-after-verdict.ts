/**
 * Where it got slower: after the verdict is decided (never inside the measurement), the gate asks the measurer to
 * profile every scenario whose regression check failed or stayed inconclusive (profile: on-regression, the
 * default), or the first one (always, when none did); the profiles become the report's `profiles`
 * (model/profile.ts). The report's
 * verdict, checks and figures are the ones the loop decided: this step only adds `profile` and its notes.
 */
import { cpuProfileOf, type CpuProfileSpec } from '../config/cpu-profile.js'
import type { Config } from '../config/types.js'
import type { Measurer } from '../measure/measurer.js'
import type { ProfileNote } from '../model/note.js'
import type { ProfileReport } from '../model/profile.js'
import type { Report } from '../model/report.js'
import { runnerCost } from '../report/build.js'
import { noteFields, noteItems } from '../report/notes.js'
import type { Side } from '../model/run.js'
import type { ScenarioReport } from '../model/scenario.js'
import { assembleProfileReport } from '../profile/assemble.js'
import { FrameTable, SampleSet } from '../profile/cpuprofile.js'
import { ignoreEvents, type EventSink } from '../measure/events.js'

export interface ProfileStepOptions {
  measurer: Pick<Measurer, 'profile'>
  /** both sides (compare) or the head alone (run --profile) */
  sides: Side[]
  /** both sides up at once (slices, duet) or one after the other (rounds) */
  together: boolean
  /** each side's checkout: its files are named relative to it, and linked when they are the repository's */
  roots?: Partial<Record<Side, string>>
  /** overrides the config's profile.mode (the CLI's --profile, the action's profile input) */
  mode?: CpuProfileSpec['mode']
  events?: EventSink
  now?: () => number
  /** the report's start, so its durationMs includes the profiling step */
  startedAt?: number
}

const regressed = (s: ScenarioReport) =>
  s.checks.some(c => c.kind === 'regression' && (c.verdict === 'fail' || c.verdict === 'inconclusive'))

/**
 * The scenarios to profile, in the report's order: every one whose regression check failed or is inconclusive;
 * with always and none of those, the first measured.
 */
export function scenariosToProfile(report: Report, mode: CpuProfileSpec['mode']): string[] {
  if (mode === 'never') return []
  const measured = report.scenarios.filter(s => !s.error)
  const failing = measured.filter(regressed).map(s => s.name)
  if (failing.length) return failing
  return mode === 'always' && measured[0] ? [measured[0].name] : []
}

/**
 * When latency rose but CPU per request did not, the time went somewhere a CPU profile does not look: say so.
 */
function offCpuNote(scenario: ScenarioReport | undefined, profile: ProfileReport): ProfileNote[] {
  const latencyRose = scenario?.checks.some(
    c => c.kind === 'regression' && c.metric.startsWith('latency.') && c.verdict === 'fail'
  )
  if (!latencyRose || !profile.base || profile.increased.length) return []
  if (profile.head.cpuPerRequestUs > profile.base.cpuPerRequestUs * 1.05) return []
  return [{ kind: 'off-cpu' }]
}

/** One scenario's profiling step: its profile, or the notes that say why there is none. */
async function profileScenario(
  report: Report,
  scenario: string,
  spec: CpuProfileSpec,
  options: ProfileStepOptions & { measurer: Required<Pick<Measurer, 'profile'>> }
): Promise<{ profile?: ProfileReport; notes: ProfileNote[] }> {
  const capture = await options.measurer.profile({
    scenario,
    sides: options.sides,
    durationMs: spec.durationMs,
    intervalUs: spec.intervalUs,
    together: options.together,
    maxBytes: spec.maxBytes
  })
  const head = capture.sides.head
  const base = capture.sides.base
  const missing = options.sides.filter(side => !capture.sides[side])
  if (!head || missing.length)
    return {
      notes: [...capture.notes, { kind: 'not-profiled', why: 'no-profile', scenario, sides: missing }]
    }
  const table = new FrameTable()
  const side = (s: Side, captured: NonNullable<typeof head>) => {
    const samples = new SampleSet(table, options.roots?.[s])
    captured.profiles.forEach((p, i) => samples.add(p, captured.threadCpuUs?.[i]))
    return { samples, requests: captured.requests }
  }
  const assembled = assembleProfileReport({
    scenario,
    intervalUs: spec.intervalUs,
    durationMs: spec.durationMs,
    table,
    ...(base ? { base: side('base', base) } : {}),
    head: side('head', head),
    confidence: 0.99
  })
  if (base?.file && assembled.base) assembled.base.file = base.file
  if (head.file) assembled.head.file = head.file
  const offCpu = offCpuNote(
    report.scenarios.find(s => s.name === scenario),
    assembled
  )
  return { profile: { ...assembled, ...noteFields([...capture.notes, ...offCpu]) }, notes: [] }
}

/**
 * The profiling step after the verdict: the report with `profiles` (one per profiled scenario) or notes saying
 * why there are none. Each scenario takes profile.duration; one after the first is profiled only while the time
 * spent so far and one more step (as long as the first took) stay within compare.budget, and a note names the
 * scenarios left out.
 */
export async function profileAfterVerdict(
  report: Report,
  config: Config,
  options: ProfileStepOptions
): Promise<Report> {
  const spec = cpuProfileOf(config)
  const mode = options.mode ?? spec.mode
  const scenarios = scenariosToProfile(report, mode)
  if (!scenarios.length) return report
  const noted = (notes: ProfileNote[]) => noteFields([...noteItems(report), ...notes])
  if (!config.service) return { ...report, ...noted([{ kind: 'not-profiled', why: 'running-target' }]) }
  const profileStep = options.measurer.profile
  if (!profileStep) return { ...report, ...noted([{ kind: 'not-profiled', why: 'no-measurer' }]) }
  const measurer = { profile: profileStep.bind(options.measurer) }
  const events = options.events ?? ignoreEvents
  const now = options.now ?? Date.now
  const startedAt = options.startedAt ?? now()
  const profiles: ProfileReport[] = []
  const notes: ProfileNote[] = []
  let stepMs = 0
  for (const [i, scenario] of scenarios.entries()) {
    if (i > 0 && now() - startedAt + stepMs > config.compare.budgetMs) {
      const left = scenarios.slice(i)
      notes.push({
        kind: 'not-profiled',
        why: 'budget',
        scenarios: left,
        stepMs,
        budgetMs: config.compare.budgetMs
      })
      break
    }
    events({
      type: 'info',
      message: `profiling ${scenario} (${options.sides.join(' and ')}, ${spec.durationMs / 1000} s) after the verdict`
    })
    const stepStart = now()
    const result = await profileScenario(report, scenario, spec, { ...options, measurer })
    stepMs = Math.max(stepMs, now() - stepStart)
    if (result.profile) profiles.push(result.profile)
    notes.push(...result.notes)
  }
  const took = now() - (options.startedAt ?? 0)
  // the profiling step ran on the same runner: the cost follows the report's duration
  const finished = options.startedAt !== undefined ? { durationMs: took, cost: runnerCost([took]) } : {}
  return {
    ...report,
    ...finished,
    ...noted(notes),
    ...(profiles.length ? { profiles } : {})
  }
}
