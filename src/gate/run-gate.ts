import { profileAfterVerdict } from './profile-after-verdict.js'
import type { Config, Scenario } from '../config/types.js'
import { evaluateThresholds } from '../compare/thresholds.js'
import { scenarioVerdict } from '../compare/verdict.js'
import { buildReport, type LegStamp } from '../report/build.js'
import type { CheckResult } from '../model/check.js'
import { wordChecks } from '../report/checks.js'
import { noteFields } from '../report/notes.js'
import type { BaselineInfo, Report } from '../model/report.js'
import type { RunRecord, ScenarioError } from '../model/run.js'
import type { NoteData } from '../model/note.js'
import type { ScenarioReport } from '../model/scenario.js'
import { aggregateRounds } from '../compare/aggregate.js'
import { storedScenarioChecks, type StoredBaseline } from './stored.js'
import { ignoreEvents } from '../measure/events.js'
import { erroredScenario } from './judge.js'
import { choosePinning } from './pinning.js'
import { hostInfo, type Environment } from '../measure/environment.js'
import type { Measurer, SideRound } from '../measure/measurer.js'
import { roundMeasurer } from '../measure/processes.js'

/** What `perfgate run` is told besides the config, in the measurement's environment. */
export interface RunOptions extends Environment {
  /** extra environment for the service (the demo uses it to turn on the example's knobs) */
  serviceEnv?: Record<string, string>
  git?: Report['git']
  /** rounds per scenario, each with a fresh service process (default 1) */
  rounds?: number
  /** the stored run to compare regression checks with */
  stored?: StoredBaseline
  /** what the report says about the baseline store */
  baselineInfo?: BaselineInfo
  notes?: Array<string | NoteData>
  /** a suite's leg: its stamp, known once it measured (a load leg's window) */
  leg?: () => LegStamp | undefined
  /** the measurement interface for the head's rounds (default: real processes and load) */
  measurer?: HeadMeasurer
  /** profile the head after the run (run --profile): its top functions by CPU per request */
  profile?: boolean
  /** the repository the head's files are named relative to (and linked in) */
  root?: string
}

/** What `perfgate run` asks of the measurement interface: the head's rounds, and its profiling step (run --profile). */
export type HeadMeasurer = Pick<Measurer, 'round' | 'profile'>

/** Regression checks cannot be decided without a base: they are reported as skipped. */
export function skippedRegressions(scenario: Scenario): CheckResult[] {
  return scenario.regression.map(r => ({
    kind: 'regression' as const,
    metric: r.metric,
    expression: r.expression,
    severity: r.severity,
    verdict: 'skipped' as const,
    basis: { kind: 'no-baseline' as const },
    source: r.source
  }))
}

/**
 * The scenarios of a round errored only because the load generator fell behind its schedule (generator-lag); none
 * when the round has any other fault (a crash, a start failure), which measuring again could hide.
 */
function onlyGeneratorLag(measured: SideRound): string[] {
  if (measured.startError) return []
  const errors = [...measured.records].filter(([, record]) => record.error)
  if (errors.some(([, record]) => record.error!.kind !== 'generator-lag')) return []
  return errors.map(([name]) => name)
}

/**
 * `perfgate run`: measure every scenario (in `rounds` rounds, each with a fresh service process) and check the
 * absolute limits; regression checks compare with a stored run when one was chosen, else they are skipped.
 */
export async function runGate(config: Config, options: RunOptions = {}): Promise<Report> {
  const events = options.events ?? ignoreEvents
  const startedAt = Date.now()
  const notes: Array<string | NoteData> = [...(options.notes ?? [])]
  const records = new Map(config.scenarios.map(s => [s.name, [] as RunRecord[]]))
  const rounds = Math.max(1, options.rounds ?? 1)
  let startError: ScenarioError | undefined
  // a running target has no process of perfgate's to place
  const pinning = config.service ? choosePinning(config.service, options.host ?? hostInfo()) : undefined
  if (pinning) notes.push(pinning.note)
  const measurer =
    options.measurer ??
    roundMeasurer(config, {
      events,
      onSpawned: options.onSpawned,
      env: options.serviceEnv ? { head: options.serviceEnv } : undefined,
      cpus: { service: pinning?.service ?? [] },
      extraCaCerts: options.extraCaCerts,
      label: (side, round) => (rounds > 1 ? `${side} round ${round}` : side)
    })
  let remeasured = false
  for (let round = 1; round <= rounds && !startError; round++) {
    let measured = await measurer.round('head', round)
    const lagged = onlyGeneratorLag(measured)
    if (lagged.length && !remeasured) {
      // one pause of the machine makes a short window's p99 of lateness; a generator that cannot hold the rate
      // falls behind again, and then the scenario is errored
      remeasured = true
      notes.push({ kind: 'remeasured', ...(rounds > 1 ? { round } : {}), scenarios: lagged })
      measured = await measurer.round('head', round)
    }
    for (const [name, record] of measured.records) records.get(name)?.push(record)
    for (const name of measured.restartedBefore) notes.push({ kind: 'service-restarted', scenario: name })
    startError = measured.startError
  }
  const scenarios = config.scenarios.map(scenario => {
    const runs = records.get(scenario.name)!
    const erroredRun = runs.find(r => r.error)
    // a service that kept its port after the last round leaves the next run (or job) a squatter: errored too
    const error =
      erroredRun?.error ?? (runs.length < rounds || startError?.kind === 'port-held' ? startError : undefined)
    const report = error
      ? erroredScenario(scenario, error, runs, erroredRun)
      : scenarioFromRecords(scenario, runs, options.stored)
    events({ type: 'scenario-done', scenario: report })
    return report
  })
  if (!config.service) notes.push({ kind: 'running-target' })
  if (rounds > 1) notes.push({ kind: 'rounds', rounds, target: !config.service })
  const report = buildReport({
    config,
    mode: 'run',
    scenarios,
    startedAt,
    notes,
    git: options.git,
    baseline: options.baselineInfo,
    leg: options.leg?.()
  })
  if (!options.profile || startError) return report
  // after the run, outside its measurement: the head alone, its top functions
  return profileAfterVerdict(report, config, {
    measurer,
    sides: ['head'],
    together: false,
    mode: 'always',
    roots: options.root ? { head: options.root } : {},
    events,
    startedAt
  })
}

function scenarioFromRecords(scenario: Scenario, runs: RunRecord[], stored?: StoredBaseline): ScenarioReport {
  const metrics = runs.length === 1 ? runs[0]!.metrics : aggregateRounds(runs.map(r => r.metrics))
  const against = stored ? storedScenarioChecks(scenario, runs, metrics, stored) : undefined
  const checks = wordChecks([
    ...evaluateThresholds(scenario.thresholds, metrics),
    ...(against?.checks ?? skippedRegressions(scenario))
  ])
  const suite = runs.findLast(r => r.suite)?.suite
  return {
    name: scenario.name,
    verdict: scenarioVerdict(checks, false),
    load: scenario.load,
    metrics,
    ...(against?.baseMetrics ? { baseMetrics: against.baseMetrics } : {}),
    checks,
    runs,
    ...noteFields(against?.notes ?? []),
    ...(suite ? { suite } : {})
  }
}
