import path from 'node:path'
import type { Config, Scenario } from '../config/types.js'
import { configHash } from '../config/load.js'
import { aggregateRounds, roundValues } from '../compare/aggregate.js'
import { applyAcceptances, type Acceptance } from '../compare/accept.js'
import { evaluateRegression } from '../compare/regression.js'
import { evaluateThresholds } from '../compare/thresholds.js'
import { scenarioVerdict } from '../compare/verdict.js'
import { buildReport } from '../report/build.js'
import { formatPercent } from '../report/format.js'
import type { Check, Report, RunRecord, ScenarioError, ScenarioReport } from '../report/types.js'
import { aaNoiseCheck } from '../stats/aa.js'
import { nextStep, type RegressionDecision } from '../stats/decide.js'
import { ignoreEvents, type EventSink } from './events.js'
import { measureScenario } from './measure.js'
import { erroredScenario } from './run.js'
import { startForMeasurement, stopQuietly } from './service.js'

export type Side = 'base' | 'head'

export interface CompareOptions {
  /** the base build: its directory plays the role of the head's repository root */
  baseDir: string
  /** the head's repository root (service.cwd is mapped from here onto baseDir) */
  headDir: string
  events?: EventSink
  onSpawned?: (pid: number) => void
  /** extra service environment per side (the demo turns the example's slowdown knob on for the head) */
  env?: Partial<Record<Side, Record<string, string>>>
  acceptances?: Acceptance[]
  notes?: string[]
  git?: Report['git']
  /** test hook: a clock */
  now?: () => number
}

interface SideState {
  records: Map<string, RunRecord[]>
  /** a start failure that ends the comparison */
  startError?: ScenarioError
}

/** ABBA: B H, H B, B H, H B ... so neither side always runs first or last. */
export function roundOrder(pair: number): [Side, Side] {
  return pair % 2 === 1 ? ['base', 'head'] : ['head', 'base']
}

function serviceCwd(config: Config, side: Side, options: CompareOptions): string {
  if (side === 'head') return config.service.cwd
  const relative = path.relative(options.headDir, config.service.cwd)
  return path.join(options.baseDir, relative)
}

async function measureSide(
  config: Config,
  side: Side,
  pair: number,
  state: SideState,
  options: CompareOptions
): Promise<void> {
  const events = options.events ?? ignoreEvents
  const started = await startForMeasurement(config.service, {
    label: side,
    cwd: serviceCwd(config, side, options),
    env: options.env?.[side],
    events,
    onSpawned: options.onSpawned
  })
  if ('error' in started) {
    state.startError = {
      ...started.error,
      message: `the ${side} service could not be started: ${started.error.message}`
    }
    return
  }
  try {
    for (const scenario of config.scenarios) {
      if (started.service.exitInfo()) break
      const record = await measureScenario(scenario, started.service, {
        side,
        round: pair,
        label: side,
        events
      })
      state.records.get(scenario.name)!.push(record)
    }
  } finally {
    await stopQuietly(started.service, side, events)
  }
}

const valid = (records: RunRecord[]) => records.filter(r => !r.error)

/** Pairs of base/head round indexes that ran back to back, for a paired analysis. */
function neighbourPairs(base: RunRecord[], head: RunRecord[]): Array<[number, number]> {
  const pairs: Array<[number, number]> = []
  base.forEach((b, i) => {
    const j = head.findIndex(h => h.round === b.round)
    if (j >= 0) pairs.push([i, j])
  })
  return pairs
}

interface ScenarioDecisions {
  checks: Check[]
  decisions: RegressionDecision[]
}

function decideScenario(
  scenario: Scenario,
  base: RunRecord[],
  head: RunRecord[],
  confidence: number
): ScenarioDecisions {
  const b = valid(base)
  const h = valid(head)
  const pairs = neighbourPairs(b, h)
  const decisions: RegressionDecision[] = []
  const checks = scenario.regression.map(spec => {
    const result = evaluateRegression(
      spec,
      roundValues(
        b.map(r => r.metrics),
        spec.metric
      ),
      roundValues(
        h.map(r => r.metrics),
        spec.metric
      ),
      confidence,
      pairs.length >= 2 ? pairs : undefined
    )
    if (result.decision) decisions.push(result.decision)
    return result.check
  })
  return { checks, decisions }
}

function scenarioError(scenario: Scenario, base: RunRecord[], head: RunRecord[]): ScenarioError | undefined {
  const headError = head.find(r => r.error)?.error
  if (headError) return { ...headError, message: `head: ${headError.message}` }
  if (valid(base).length === 0 && base.length > 0) {
    const baseError = base.find(r => r.error)!.error!
    return { ...baseError, message: `the base could not be measured: ${baseError.message}` }
  }
  if (head.length === 0) return { kind: 'internal', message: `${scenario.name} was never measured` }
  return undefined
}

function noiseNotes(scenario: Scenario, base: RunRecord[], confidence: number): string[] {
  const notes: string[] = []
  for (const spec of scenario.regression) {
    const values = roundValues(
      valid(base).map(r => r.metrics),
      spec.metric
    )
    // with fewer than 4 A/A pairs the spread estimate itself is too uncertain to say anything about the runner
    if (values.length < 8) continue
    const aa = aaNoiseCheck(values, confidence)
    if (aa.tooNoisy(spec.tolerance)) {
      notes.push(
        `runner noise: base vs base (A/A) for ${spec.metric} projects a noise floor of ±${formatPercent(aa.projectedSpread)}, wider than its ${formatPercent(spec.tolerance)} tolerance; this runner is too noisy to decide that check`
      )
    }
  }
  return notes
}

function buildScenario(
  scenario: Scenario,
  base: RunRecord[],
  head: RunRecord[],
  config: Config,
  options: CompareOptions
): ScenarioReport {
  const runs = [...base, ...head].sort((a, b) => a.round - b.round || a.side.localeCompare(b.side))
  const error = scenarioError(scenario, base, head)
  if (error) return erroredScenario(scenario, error, runs)
  const headMetrics = aggregateRounds(valid(head).map(r => r.metrics))
  const baseMetrics = aggregateRounds(valid(base).map(r => r.metrics))
  const { checks: regressionChecks } = decideScenario(scenario, base, head, config.compare.confidence)
  const checks = [
    ...evaluateThresholds(scenario.thresholds, headMetrics),
    ...applyAcceptances(scenario.name, regressionChecks, options.acceptances ?? [])
  ]
  const dropped = base.length - valid(base).length
  const notes = [
    ...(dropped ? [`${dropped} base round(s) errored and were not counted as data`] : []),
    ...(scenario.regression.length === 0
      ? ['no regression checks configured: changes are reported, nothing is decided']
      : []),
    ...noiseNotes(scenario, base, config.compare.confidence)
  ]
  const suite = valid(head).findLast(r => r.suite)?.suite
  return {
    name: scenario.name,
    verdict: scenarioVerdict(checks, false),
    load: scenario.load,
    metrics: headMetrics,
    baseMetrics,
    checks,
    runs,
    notes,
    ...(suite ? { suite } : {})
  }
}

/**
 * `perfgate compare`: base and head in interleaved ABBA rounds, each round a fresh service process, until every
 * regression check is decided, the round limit is reached or the time budget is spent.
 */
export async function compareGate(config: Config, options: CompareOptions): Promise<Report> {
  const events = options.events ?? ignoreEvents
  const now = options.now ?? Date.now
  const startedAt = now()
  const state: Record<Side, SideState> = {
    base: { records: new Map(config.scenarios.map(s => [s.name, []])) },
    head: { records: new Map(config.scenarios.map(s => [s.name, []])) }
  }
  const { min, max } = config.compare.rounds
  const notes = [...(options.notes ?? [])]
  let confirming = 0
  /** once confirming, the loop runs at least up to this pair before it may stop */
  let confirmUntil = 0
  let stopReason = ''
  for (let pair = 1; pair <= max + confirming; pair++) {
    for (const side of roundOrder(pair)) await measureSide(config, side, pair, state[side], options)
    const startError = state.base.startError ?? state.head.startError
    if (startError) {
      stopReason = 'a service could not be started'
      return buildReport({
        config,
        configHash: configHash(config),
        mode: 'compare',
        scenarios: config.scenarios.map(s => erroredScenario(s, startError)),
        startedAt,
        notes: [...notes, stopReason],
        git: options.git
      })
    }
    const decisions = config.scenarios.flatMap(
      s =>
        decideScenario(
          s,
          state.base.records.get(s.name)!,
          state.head.records.get(s.name)!,
          config.compare.confidence
        ).decisions
    )
    const elapsed = now() - startedAt
    const step = nextStep(decisions, {
      rounds: pair,
      minRounds: Math.max(min, confirmUntil),
      maxRounds: max + confirming,
      elapsedMs: elapsed,
      budgetMs: config.compare.budgetMs,
      perRoundMs: elapsed / pair
    })
    if (step === 'continue') continue
    const failing = decisions.some(d => d.verdict === 'fail')
    if (config.compare.confirm && failing && confirming === 0 && step !== 'stop-catastrophic') {
      confirming = 2
      confirmUntil = pair + 2
      events({ type: 'info', message: 'a regression check fails: confirming it with 2 more round pairs' })
      notes.push('a failing verdict was confirmed with 2 extra round pairs')
      continue
    }
    stopReason = step
    break
  }
  const headline = describeStop(stopReason)
  if (headline) notes.push(headline)
  const scenarios = config.scenarios.map(s =>
    buildScenario(s, state.base.records.get(s.name)!, state.head.records.get(s.name)!, config, options)
  )
  return buildReport({
    config,
    configHash: configHash(config),
    mode: 'compare',
    scenarios,
    startedAt,
    notes,
    git: options.git
  })
}

function describeStop(reason: string): string {
  switch (reason) {
    case 'stop-decided':
      return 'every regression check was decided'
    case 'stop-budget':
      return 'the time budget was spent before every check was decided'
    case 'stop-max-rounds':
      return 'the maximum number of rounds was reached'
    case 'stop-catastrophic':
      return 'stopped early: a regression is far beyond its tolerance'
    default:
      return ''
  }
}
