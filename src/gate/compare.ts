import type { Config, Scenario } from '../config/types.js'
import { configHash } from '../config/load.js'
import { aggregateRounds, roundValues } from '../compare/aggregate.js'
import { applyAcceptances } from '../compare/accept.js'
import { evaluateRegression } from '../compare/regression.js'
import { evaluateThresholds } from '../compare/thresholds.js'
import { scenarioVerdict } from '../compare/verdict.js'
import { buildReport } from '../report/build.js'
import { formatPercent } from '../config/format.js'
import type { CheckData, CheckResult } from '../model/check.js'
import { wordChecks } from '../report/checks.js'
import type { Report } from '../model/report.js'
import type { RunRecord, ScenarioError } from '../model/run.js'
import type { ScenarioReport } from '../model/scenario.js'
import { baseRoundNoise } from '../stats/aa.js'
import { nextStep, type RegressionDecision } from '../stats/decide.js'
import { roundOrder } from '../stats/order.js'
import { ignoreEvents } from '../measure/events.js'
import { erroredScenario } from './run.js'
import { processMeasurer } from '../measure/processes.js'
import { choosePinning } from './pinning.js'
import {
  chooseDesign,
  decideSliceScenario,
  hostInfo,
  addEpoch,
  newSliceState,
  planRng,
  type DesignChoice,
  type SliceState
} from './slices.js'

import type { CompareOptions, Side } from './compare-options.js'

export type { CompareOptions, Side } from './compare-options.js'

interface SideState {
  records: Map<string, RunRecord[]>
  /** a start failure that ends the comparison */
  startError?: ScenarioError
  /** rounds in which the service had exited and was started again, by the scenario it was restarted for */
  restarts: Map<string, number[]>
}

/** Extra round pairs that confirm a failing verdict (compare.confirm). */
export const CONFIRM_PAIRS = 2

function serviceNotes(config: Config, state: Record<Side, SideState>): string[] {
  const notes: string[] = []
  for (const side of ['base', 'head'] as const) {
    for (const [scenario, rounds] of state[side].restarts) {
      notes.push(
        `the ${side} service had exited and was restarted before ${scenario} (round${rounds.length > 1 ? 's' : ''} ${rounds.join(', ')})`
      )
    }
  }
  const last = config.scenarios.length - 1
  if (config.scenarios.some((s, i) => s.suite?.kind === 'stress' && i < last)) {
    notes.push('the scenario after a stress suite ran against a fresh service process in every round')
  }
  return notes
}

const valid = (records: RunRecord[]) => records.filter(r => !r.error)

/**
 * A head step whose only fault is the load generator falling behind its schedule (a burst of a neighbour on the
 * generator's CPU) says nothing about the head: like an errored base round it is dropped, and its step's other
 * side goes unpaired. One such step in four is tolerated (at least one); past that the generator, not a burst,
 * is the limit and the scenario is errored with its message.
 */
const lagged = (record: RunRecord) => record.error?.kind === 'generator-lag'

function headLagTolerated(head: RunRecord[]): boolean {
  const count = head.filter(lagged).length
  return count <= Math.max(1, Math.floor(valid(head).length / 4))
}

/**
 * The head's measurement that errors its scenario, if any: any error but a tolerated generator lag, and, once the
 * loop is over (`final`), a lagged one when no head step counted at all.
 */
function headError(head: RunRecord[], final: boolean): RunRecord | undefined {
  const tolerated = headLagTolerated(head)
  const hard = head.find(r => r.error && !(lagged(r) && tolerated))
  if (hard || !final || valid(head).length) return hard
  return head.find(lagged)
}

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
  checks: CheckResult[]
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

/** Why a scenario is errored, and the measurement that errored (whose counts the report may show). */
function scenarioError(
  scenario: Scenario,
  base: RunRecord[],
  head: RunRecord[]
): { error: ScenarioError; run?: RunRecord } | undefined {
  const headRun = headError(head, true)
  if (headRun)
    return { error: { ...headRun.error!, message: `head: ${headRun.error!.message}` }, run: headRun }
  if (valid(base).length === 0 && base.length > 0) {
    const baseRun = base.find(r => r.error)!
    return {
      error: { ...baseRun.error!, message: `the base could not be measured: ${baseRun.error!.message}` },
      run: baseRun
    }
  }
  if (head.length === 0)
    return { error: { kind: 'internal', message: `${scenario.name} was never measured` } }
  return undefined
}

/**
 * A note for each undecided regression check whose base rounds alone (an A/A comparison: same code every round)
 * spread wider than its tolerance: the runner's noise, not the change, is what kept it undecided.
 */
export function noiseNotes(
  scenario: Scenario,
  base: RunRecord[],
  checks: readonly CheckData[],
  confidence: number
): string[] {
  const notes: string[] = []
  for (const spec of scenario.regression) {
    const check = checks.find(c => c.kind === 'regression' && c.metric === spec.metric)
    if (check?.verdict !== 'inconclusive') continue
    const values = roundValues(
      valid(base).map(r => r.metrics),
      spec.metric
    )
    const noise = baseRoundNoise(values, confidence)
    if (noise.tooNoisy(spec.tolerance)) {
      notes.push(
        `runner noise: the ${noise.rounds} base rounds alone (A/A) vary ±${formatPercent(noise.roundSpread)} round to round in ${spec.metric}, ` +
          `a noise floor of ±${formatPercent(noise.projectedSpread)} over ${noise.rounds} rounds, wider than its ${formatPercent(spec.tolerance)} tolerance: ` +
          'on this runner a change that small cannot be told from noise'
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
  options: CompareOptions,
  slices?: SliceState
): ScenarioReport {
  const runs = [...base, ...head].sort((a, b) => a.round - b.round || a.side.localeCompare(b.side))
  const errored = scenarioError(scenario, base, head)
  if (errored) return erroredScenario(scenario, errored.error, runs, errored.run)
  const headMetrics = aggregateRounds(valid(head).map(r => r.metrics))
  const baseMetrics = aggregateRounds(valid(base).map(r => r.metrics))
  const { checks: regressionChecks } = slices
    ? decideSliceScenario(
        scenario,
        base,
        head,
        slices.observations.get(scenario.name) ?? [],
        config.compare.confidence
      )
    : decideScenario(scenario, base, head, config.compare.confidence)
  const checks = wordChecks([
    ...evaluateThresholds(scenario.thresholds, headMetrics),
    ...applyAcceptances(scenario.name, regressionChecks, options.acceptances ?? [])
  ])
  const unit = slices ? 'epoch' : 'round'
  const dropped = base.length - valid(base).length
  const headLagged = head.filter(lagged).length
  const notes = [
    ...(dropped ? [`${dropped} base ${unit}(s) errored and were not counted as data`] : []),
    ...(headLagged
      ? [
          `${headLagged} head ${unit}(s) were not counted as data: the load generator fell behind its schedule there (a busy runner), which says nothing about the head`
        ]
      : []),
    ...(scenario.regression.length === 0
      ? ['no regression checks configured: changes are reported, nothing is decided']
      : []),
    ...(slices ? [] : noiseNotes(scenario, base, regressionChecks, config.compare.confidence))
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
 * How the loop measures and decides, whatever the design: one step is a round pair (rounds) or an epoch (slices,
 * duet), after which the loop decides whether to go on.
 */
interface LoopDriver {
  /** 'round pair' or 'epoch', for notes */
  unit: string
  min: number
  max: number
  measure(step: number): Promise<void>
  startError(): ScenarioError | undefined
  records(side: Side, scenario: string): RunRecord[]
  decisions(): RegressionDecision[]
  serviceNotes(): string[]
  slices?: SliceState
}

function roundsDriver(config: Config, options: CompareOptions): LoopDriver {
  const newSide = (): SideState => ({
    records: new Map(config.scenarios.map(s => [s.name, []])),
    restarts: new Map()
  })
  const state: Record<Side, SideState> = { base: newSide(), head: newSide() }
  const measurer = options.measurer ?? processMeasurer(config, options)
  return {
    unit: 'round pair',
    ...config.compare.rounds,
    measure: async pair => {
      for (const side of roundOrder(pair)) {
        const measured = await measurer.round(side, pair)
        const sideState = state[side]
        for (const [scenario, record] of measured.records) sideState.records.get(scenario)!.push(record)
        for (const scenario of measured.restartedBefore)
          sideState.restarts.set(scenario, [...(sideState.restarts.get(scenario) ?? []), pair])
        if (measured.startError) {
          const error = measured.startError
          sideState.startError = {
            ...error,
            message:
              error.kind === 'port-held'
                ? error.message
                : `the ${side} service could not be started: ${error.message}`
          }
        }
      }
    },
    startError: () => state.base.startError ?? state.head.startError,
    records: (side, name) => state[side].records.get(name)!,
    decisions: () =>
      config.scenarios.flatMap(
        s =>
          decideScenario(
            s,
            state.base.records.get(s.name)!,
            state.head.records.get(s.name)!,
            config.compare.confidence
          ).decisions
      ),
    serviceNotes: () => serviceNotes(config, state)
  }
}

function slicesDriver(config: Config, options: CompareOptions, design: DesignChoice): LoopDriver {
  const state = newSliceState(config)
  const plan = { duet: design.design === 'duet', cpus: design.cpus, rng: planRng(options.seed) }
  const measurer = options.measurer ?? processMeasurer(config, options, plan)
  const epochs = config.compare.epochs ?? config.compare.rounds
  return {
    unit: 'epoch',
    ...epochs,
    measure: async epoch => addEpoch(state, await measurer.epoch(epoch)),
    startError: () => state.startError,
    records: (side, name) => state.records[side].get(name)!,
    decisions: () =>
      config.scenarios.flatMap(
        s =>
          decideSliceScenario(
            s,
            state.records.base.get(s.name)!,
            state.records.head.get(s.name)!,
            state.observations.get(s.name)!,
            config.compare.confidence
          ).decisions
      ),
    serviceNotes: () =>
      config.scenarios.some(s =>
        [...s.regression, ...s.thresholds].some(
          c => c.metric === 'server.cpu.mean' || c.metric === 'server.cpu.peak'
        )
      )
        ? [
            'server.cpu.mean and server.cpu.peak span the whole epoch, in which each service was loaded only during its own slices; server.cpu.per_request compares like for like'
          ]
        : [],
    slices: state
  }
}

/**
 * `perfgate compare`: base and head, interleaved, until every regression check is decided, the round (or epoch)
 * limit is reached or the time budget is spent. The design (chooseDesign) is sequential rounds (ABBA round pairs,
 * each round a fresh service process), fine interleaving in slices, or duet; the report says which ran and why.
 */
export async function compareGate(config: Config, options: CompareOptions): Promise<Report> {
  const startedAt = (options.now ?? Date.now)()
  const host = options.host ?? hostInfo()
  const design = chooseDesign(config, host)
  const pinning = choosePinning(config.service ?? {}, host)
  ;(options.events ?? ignoreEvents)({ type: 'info', message: `design: ${design.reason}` })
  const sides = { ...options, cpus: pinning }
  const driver =
    design.design === 'rounds' ? roundsDriver(config, sides) : slicesDriver(config, sides, design)
  const notes = [...(options.notes ?? []), `design: ${design.reason}`, `CPUs: ${pinning.reason}`]
  const loop = await measureUntilDecided(config, options, driver, startedAt)
  if (loop.startError) return startErrorReport(config, options, loop.startError, notes, startedAt)
  return compareReport(
    config,
    options,
    driver,
    [...notes, ...loop.notes, ...driver.serviceNotes()],
    startedAt
  )
}

/** What the loop ended with: a side that could not be started or stopped, or the notes on how it stopped. */
interface LoopOutcome {
  startError?: ScenarioError
  notes: string[]
}

/**
 * The loop: measure a step (a round pair or an epoch), stop on a start error or an errored head, then ask the
 * decision rule whether to go on (minimum steps, more while undecided, the budget, a catastrophic change); a
 * failing verdict is confirmed with CONFIRM_PAIRS more steps when compare.confirm is on.
 */
async function measureUntilDecided(
  config: Config,
  options: CompareOptions,
  driver: LoopDriver,
  startedAt: number
): Promise<LoopOutcome> {
  const now = options.now ?? Date.now
  const { min, max, unit } = driver
  const notes: string[] = []
  /** the step after which confirmation began (0: not confirming) */
  let confirmFrom = 0
  let stopReason = ''
  let steps = 0
  let decisions: RegressionDecision[] = []
  const extra = () => (confirmFrom ? CONFIRM_PAIRS : 0)
  for (let step = 1; step <= max + extra(); step++) {
    steps = step
    await driver.measure(step)
    const startError = driver.startError()
    if (startError) return { startError, notes }
    const headErrored = firstHeadErrored(config, driver)
    if (headErrored) {
      // an errored head measurement makes its scenario errored whatever later rounds show
      stopReason = 'stop-head-errored'
      notes.push(`stopped after ${unit} ${step}: the head errored in ${headErrored}`)
      break
    }
    decisions = driver.decisions()
    const elapsed = now() - startedAt
    const next = nextStep(decisions, {
      rounds: step,
      minRounds: Math.max(min, confirmFrom ? confirmFrom + CONFIRM_PAIRS : 0),
      maxRounds: max + extra(),
      elapsedMs: elapsed,
      budgetMs: config.compare.budgetMs,
      perRoundMs: elapsed / step
    })
    if (next === 'continue') continue
    if (!confirmFrom && shouldConfirm(config, decisions, next)) {
      confirmFrom = step
      ;(options.events ?? ignoreEvents)({
        type: 'info',
        message: `a regression check fails: confirming it with ${CONFIRM_PAIRS} more ${unit}s`
      })
      continue
    }
    stopReason = next
    break
  }
  if (confirmFrom) notes.push(confirmationNote(steps - confirmFrom, decisions, stopReason, unit))
  const headline = describeStop(stopReason, unit)
  if (headline) notes.push(headline)
  return { notes }
}

/** The first scenario (by name) whose head has an errored measurement, if any. */
function firstHeadErrored(config: Config, driver: LoopDriver): string | undefined {
  return config.scenarios.find(s => headError(driver.records('head', s.name), false))?.name
}

/** A failing verdict is confirmed with more steps (compare.confirm), unless the change is catastrophic. */
function shouldConfirm(config: Config, decisions: RegressionDecision[], next: string): boolean {
  return config.compare.confirm && decisions.some(d => d.verdict === 'fail') && next !== 'stop-catastrophic'
}

/** A side could not be started (or stopped): every scenario is errored with that error. */
function startErrorReport(
  config: Config,
  options: CompareOptions,
  startError: ScenarioError,
  notes: string[],
  startedAt: number
): Report {
  return buildReport({
    config,
    configHash: configHash(config),
    mode: 'compare',
    scenarios: config.scenarios.map(s => erroredScenario(s, startError)),
    startedAt,
    notes: [...notes, `a service could not be ${startError.kind === 'port-held' ? 'stopped' : 'started'}`],
    git: options.git
  })
}

/** The results: each scenario from both sides' records (checks, verdicts, notes), then the report. */
function compareReport(
  config: Config,
  options: CompareOptions,
  driver: LoopDriver,
  notes: string[],
  startedAt: number
): Report {
  const scenarios = config.scenarios.map(s =>
    buildScenario(
      s,
      driver.records('base', s.name),
      driver.records('head', s.name),
      config,
      options,
      driver.slices
    )
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

/** What the confirmation rounds did, written after they ran, with the number that really ran. */
function confirmationNote(
  ran: number,
  decisions: RegressionDecision[],
  stopReason: string,
  unit = 'round pair'
): string {
  const plural = (n: number) => `${n} extra ${unit}${n === 1 ? '' : 's'}`
  if (ran < CONFIRM_PAIRS) {
    const why =
      stopReason === 'stop-budget'
        ? 'the time budget ran out'
        : stopReason === 'stop-head-errored'
          ? 'the head errored'
          : 'the comparison stopped'
    return `confirmation was cut short: only ${ran} of the ${CONFIRM_PAIRS} extra ${unit}s ran before ${why}`
  }
  return decisions.some(d => d.verdict === 'fail')
    ? `a failing verdict was confirmed with ${plural(ran)}`
    : `a failing verdict was re-measured with ${plural(ran)} and no longer fails`
}

function describeStop(reason: string, unit = 'round pair'): string {
  switch (reason) {
    case 'stop-decided':
      return 'every regression check was decided'
    case 'stop-budget':
      return 'the time budget was spent before every check was decided'
    case 'stop-max-rounds':
      return unit === 'epoch'
        ? 'the maximum number of epochs was reached'
        : 'the maximum number of rounds was reached'
    case 'stop-catastrophic':
      return 'stopped early: a regression is far beyond its tolerance'
    default:
      return ''
  }
}
