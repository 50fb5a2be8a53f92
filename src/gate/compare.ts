import type { Config } from '../config/types.js'
import { defaultEpochs } from '../config/defaults.js'
import { buildReport } from '../report/build.js'
import { noteMessage } from '../report/notes.js'
import type { NoteData, StepUnit } from '../model/note.js'
import type { Report } from '../model/report.js'
import type { RunRecord, ScenarioError } from '../model/run.js'
import type { SliceObservation, SliceValues } from '../model/slices.js'
import type { SlicePairValues } from '../model/scenario.js'
import { nextStep, type RegressionDecision } from '../stats/decide.js'
import type { Step } from '../stats/adaptive.js'
import { roundOrder } from '../stats/order.js'
import { ignoreEvents } from '../measure/events.js'
import { processMeasurer } from '../measure/processes.js'
import { hostInfo } from '../measure/environment.js'
import type { Measurer } from '../measure/measurer.js'
import { profileAfterVerdict } from './profile-after-verdict.js'
import { choosePinning } from './pinning.js'
import {
  buildScenario,
  confirmationNote,
  CONFIRM_PAIRS,
  decideScenario,
  decideSliceScenario,
  stopNote,
  erroredScenario,
  headError,
  type StopReason
} from './judge.js'
import {
  chooseDesign,
  addEpoch,
  newSliceState,
  planRng,
  type DesignChoice,
  type SliceState
} from './design.js'

import type { CompareOptions, Side } from './compare-options.js'

export type { CompareOptions, Side } from './compare-options.js'
export { CONFIRM_PAIRS, type StopReason } from './judge.js'

interface SideState {
  records: Map<string, RunRecord[]>
  /** a start failure that ends the comparison */
  startError?: ScenarioError
  /** rounds in which the service had exited and was started again, by the scenario it was restarted for */
  restarts: Map<string, number[]>
}

function serviceNotes(config: Config, state: Record<Side, SideState>): NoteData[] {
  const notes: NoteData[] = []
  for (const side of ['base', 'head'] as const) {
    for (const [scenario, rounds] of state[side].restarts) {
      notes.push({ kind: 'restarted', side, scenario, rounds })
    }
  }
  const last = config.scenarios.length - 1
  if (config.scenarios.some((s, i) => s.suite?.kind === 'stress' && i < last)) {
    notes.push({ kind: 'fresh-after-stress' })
  }
  return notes
}

/**
 * How the loop measures and decides, whatever the design: one step is a round pair (rounds) or an epoch (slices,
 * duet), after which the loop decides whether to go on.
 */
export interface LoopDriver {
  /** 'round pair' or 'epoch', for notes */
  unit: StepUnit
  min: number
  max: number
  measure(step: number): Promise<void>
  startError(): ScenarioError | undefined
  records(side: Side, scenario: string): RunRecord[]
  decisions(): RegressionDecision[]
  serviceNotes(): NoteData[]
  slices?: SliceState
  /** the measurer the loop measured with: its profiling step runs after the verdict */
  measurer: Pick<Measurer, 'profile'>
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
    serviceNotes: () => serviceNotes(config, state),
    measurer
  }
}

function slicesDriver(config: Config, options: CompareOptions, design: DesignChoice): LoopDriver {
  const state = newSliceState(config)
  const plan = { duet: design.design === 'duet', cpus: design.cpus, rng: planRng(options.seed) }
  const measurer = options.measurer ?? processMeasurer(config, options, plan)
  const epochs = config.compare.epochs ?? defaultEpochs(config.compare.rounds, config.compare.budgetMs)
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
        ? [{ kind: 'epoch-cpu' }]
        : [],
    slices: state,
    measurer
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
  ;(options.events ?? ignoreEvents)({ type: 'info', message: noteMessage(design.note) })
  const sides = { ...options, cpus: pinning }
  const driver =
    design.design === 'rounds' ? roundsDriver(config, sides) : slicesDriver(config, sides, design)
  const notes = [...(options.notes ?? []), design.note, pinning.note]
  const loop = await measureUntilDecided(config, options, driver, startedAt)
  if (loop.startError) return startErrorReport(config, options, loop.startError, notes, startedAt)
  const report = compareReport(
    config,
    options,
    driver,
    [...notes, ...loop.notes, ...driver.serviceNotes()],
    startedAt
  )
  // after the verdict, outside the measurement: both sides profiled as the design alternates them
  return profileAfterVerdict(report, config, {
    measurer: driver.measurer,
    sides: ['base', 'head'],
    together: design.design !== 'rounds',
    roots: { base: options.baseDir, head: options.headDir },
    mode: options.profile,
    events: options.events,
    now: options.now,
    startedAt
  })
}

/**
 * What the loop ended with: a side that could not be started or stopped, or why it stopped (after `steps` steps)
 * and the notes on how.
 */
export type LoopOutcome =
  | { startError: ScenarioError; notes: NoteData[] }
  | { startError?: undefined; stop: StopReason; steps: number; notes: NoteData[] }

/**
 * The loop: measure a step (a round pair or an epoch), stop on a start error or an errored head, then ask the
 * decision rule whether to go on (minimum steps, more while undecided, the budget, a catastrophic change); a
 * failing verdict is confirmed with CONFIRM_PAIRS more steps when compare.confirm is on.
 */
export async function measureUntilDecided(
  config: Config,
  options: CompareOptions,
  driver: LoopDriver,
  startedAt: number
): Promise<LoopOutcome> {
  const now = options.now ?? Date.now
  const { min, max, unit } = driver
  const notes: NoteData[] = []
  /** the step after which confirmation began (0: not confirming) */
  let confirmFrom = 0
  // the for loop always ends by a break: at the last step nextStep stops on the round limit
  let stopReason: StopReason = 'stop-max-rounds'
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
      notes.push({ kind: 'head-errored', after: step, unit, scenario: headErrored })
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
  const stopped = stopNote(stopReason, unit)
  if (stopped) notes.push(stopped)
  return { stop: stopReason, steps, notes }
}

/** The first scenario (by name) whose head has an errored measurement, if any. */
function firstHeadErrored(config: Config, driver: LoopDriver): string | undefined {
  return config.scenarios.find(s => headError(driver.records('head', s.name), false))?.name
}

/** A failing verdict is confirmed with more steps (compare.confirm), unless the change is catastrophic. */
function shouldConfirm(config: Config, decisions: RegressionDecision[], next: Step): boolean {
  return config.compare.confirm && decisions.some(d => d.verdict === 'fail') && next !== 'stop-catastrophic'
}

/** A side could not be started (or stopped): every scenario is errored with that error. */
function startErrorReport(
  config: Config,
  options: CompareOptions,
  startError: ScenarioError,
  notes: Array<string | NoteData>,
  startedAt: number
): Report {
  return buildReport({
    config,
    mode: 'compare',
    scenarios: config.scenarios.map(s => erroredScenario(s, startError)),
    startedAt,
    notes: [
      ...notes,
      { kind: 'start-error', failed: startError.kind === 'port-held' ? 'stopped' : 'started' }
    ],
    git: options.git,
    leg: options.leg?.()
  })
}

const finiteValues = (values: SliceValues): SliceValues =>
  Object.fromEntries(Object.entries(values).filter(([, v]) => Number.isFinite(v)))

/** The slice pairs as report.json keeps them (report.html draws them): values only, no histograms. */
function slicePairValues(pairs: readonly SliceObservation[]): SlicePairValues[] {
  return pairs.map(o => ({ epoch: o.epoch, base: finiteValues(o.base), head: finiteValues(o.head) }))
}

/** The results: each scenario from both sides' records (checks, verdicts, notes), then the report. */
function compareReport(
  config: Config,
  options: CompareOptions,
  driver: LoopDriver,
  notes: Array<string | NoteData>,
  startedAt: number
): Report {
  const observations = driver.slices?.observations
  const scenarios = config.scenarios.map(s => {
    const scenario = buildScenario(s, driver.records('base', s.name), driver.records('head', s.name), {
      config,
      acceptances: options.acceptances,
      observations
    })
    const pairs = observations?.get(s.name)
    return pairs?.length && !scenario.error ? { ...scenario, slices: slicePairValues(pairs) } : scenario
  })
  return buildReport({
    config,
    mode: 'compare',
    scenarios,
    startedAt,
    notes,
    git: options.git,
    leg: options.leg?.()
  })
}
