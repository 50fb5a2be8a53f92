/**
 * Judging a compared scenario from both sides' records: its regression checks (rounds paired by neighbour, or the
 * slices and duet designs' slice pairs), why it errored, its notes and its verdict, and the words for why the
 * loop stopped. The loop (gate/compare.ts) measures; this module decides what the measurements say.
 */
import type { Config, RegressionCheck, Scenario } from '../config/types.js'
import { aggregateRounds, roundValues } from '../compare/aggregate.js'
import { applyAcceptances } from '../compare/accept.js'
import { evaluateRegression, evaluateSliceRegression } from '../compare/regression.js'
import { percentileOf, tailBlockPairs } from '../compare/tail-blocks.js'
import { evaluateThresholds } from '../compare/thresholds.js'
import { scenarioVerdict } from '../compare/verdict.js'
import type { Acceptance } from '../compare/accept.js'
import { countsOnly } from '../measure/once.js'
import type { CheckData, CheckResult } from '../model/check.js'
import type { RunRecord, ScenarioError } from '../model/run.js'
import type { NoteData, StepUnit, StopReason } from '../model/note.js'
import type { ScenarioReport } from '../model/scenario.js'
import { noteFields } from '../report/notes.js'
import { SLICE_METRICS, type SliceObservation } from '../model/slices.js'
import { wordChecks } from '../report/checks.js'
import { baseRoundNoise } from '../stats/aa.js'
import type { RegressionDecision } from '../stats/decision.js'
import type { SlicePair } from '../stats/slices.js'

/** Extra round pairs that confirm a failing verdict (compare.confirm). */
export const CONFIRM_PAIRS = 2

export type { StopReason } from '../model/note.js'

/** A scenario's regression checks and the statistics' decisions behind them. */
export interface ScenarioDecisions {
  checks: CheckResult[]
  decisions: RegressionDecision[]
}

export const valid = (records: RunRecord[]) => records.filter(r => !r.error)

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
export function headError(head: RunRecord[], final: boolean): RunRecord | undefined {
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

/** The regression checks of one scenario in the rounds design: round values, paired with their neighbours. */
export function decideScenario(
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

/** Pairs of slice values of one metric, for the slice statistics. */
function slicePairs(observations: readonly SliceObservation[], metric: string): SlicePair[] {
  const key = metric as (typeof SLICE_METRICS)[number]
  return observations.map(o => ({
    epoch: o.epoch,
    base: o.base[key] ?? NaN,
    head: o.head[key] ?? NaN,
    // the control variate: how much more of the service's CPUs other processes took in the head's slice
    ...(o.cpu ? { covariate: o.cpu.head.othersShare - o.cpu.base.othersShare } : {})
  }))
}

/** A metric the slices measured on both sides (server.cpu.per_request only where /proc tells the CPU time). */
function slicedMetric(observations: readonly SliceObservation[], metric: string): boolean {
  const key = metric as (typeof SLICE_METRICS)[number]
  return (
    (SLICE_METRICS as readonly string[]).includes(metric) &&
    (key !== 'server.cpu.per_request' || observations.some(o => o.base[key] !== undefined))
  )
}

/**
 * The regression checks of one scenario in the slices and duet designs. Throughput and the latency centre (mean,
 * p50) come from slice pairs, by epoch (stats/slices.ts); the other latency percentiles from blocks of slices
 * pooled until they hold the tail (compare/tail-blocks.ts), by epoch; every other metric (latency.max, errors,
 * resources) from one value per side and epoch (the epoch's slices pooled), paired by epoch.
 */
export function decideSliceScenario(
  scenario: Scenario,
  base: RunRecord[],
  head: RunRecord[],
  observations: readonly SliceObservation[],
  confidence: number
): ScenarioDecisions {
  const b = valid(base)
  const h = valid(head)
  const epochs = b.map(r => r.round).filter(round => h.some(x => x.round === round))
  const byEpoch = (records: RunRecord[]) => epochs.map(e => records.find(r => r.round === e)!.metrics)
  const decisions: RegressionDecision[] = []
  const usable = observations.filter(o => epochs.includes(o.epoch))
  const checks = scenario.regression.map((spec: RegressionCheck) => {
    const baseValues = roundValues(byEpoch(b), spec.metric)
    const headValues = roundValues(byEpoch(h), spec.metric)
    const percentile = percentileOf(spec.metric)
    const tail = percentile === undefined ? undefined : tailBlockPairs(usable, percentile)
    const result = slicedMetric(usable, spec.metric)
      ? evaluateSliceRegression(spec, slicePairs(usable, spec.metric), baseValues, headValues, confidence)
      : tail && tail.length
        ? evaluateSliceRegression(spec, tail, baseValues, headValues, confidence, 'blocks of slices')
        : baseValues.length === epochs.length && headValues.length === epochs.length
          ? evaluateRegression(
              spec,
              baseValues,
              headValues,
              confidence,
              epochs.length >= 2 ? epochs.map((_, i) => [i, i]) : undefined,
              'epochs (slices pooled per side)'
            )
          : evaluateRegression(spec, baseValues, headValues, confidence)
    if (result.decision) decisions.push(result.decision)
    return result.check
  })
  return { checks, decisions }
}

/**
 * An errored scenario. Its metrics are only the counts of the measurement that errored (`erroredRun`), never
 * percentiles or throughput from other rounds or from the other side, which would read as the scenario's result.
 */
export function erroredScenario(
  scenario: Scenario,
  error: ScenarioError,
  runs: RunRecord[] = [],
  erroredRun?: RunRecord
): ScenarioReport {
  return {
    name: scenario.name,
    verdict: 'errored',
    load: scenario.load,
    metrics: erroredRun ? countsOnly(erroredRun.metrics) : {},
    checks: [],
    error,
    runs,
    notes: []
  }
}

/** Why a scenario is errored, and the measurement that errored (whose counts the report may show). */
export function scenarioError(
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
): NoteData[] {
  const notes: NoteData[] = []
  for (const spec of scenario.regression) {
    const check = checks.find(c => c.kind === 'regression' && c.metric === spec.metric)
    if (check?.verdict !== 'inconclusive') continue
    const values = roundValues(
      valid(base).map(r => r.metrics),
      spec.metric
    )
    const noise = baseRoundNoise(values, confidence)
    if (noise.tooNoisy(spec.tolerance)) {
      notes.push({
        kind: 'runner-noise',
        metric: spec.metric,
        rounds: noise.rounds,
        roundSpread: noise.roundSpread,
        projectedSpread: noise.projectedSpread,
        tolerance: spec.tolerance
      })
    }
  }
  return notes
}

/** What judging a scenario reads besides its records: the config's confidence, the acceptances, the slice pairs. */
export interface JudgeContext {
  config: Config
  acceptances?: Acceptance[]
  /** the slices and duet designs: each scenario's slice pairs (absent in the rounds design) */
  observations?: Map<string, SliceObservation[]>
}

/** A compared scenario's result: its checks (thresholds on the head, regressions against the base), notes, verdict. */
export function buildScenario(
  scenario: Scenario,
  base: RunRecord[],
  head: RunRecord[],
  context: JudgeContext
): ScenarioReport {
  const { config, observations } = context
  const runs = [...base, ...head].sort((a, b) => a.round - b.round || a.side.localeCompare(b.side))
  const errored = scenarioError(scenario, base, head)
  if (errored) return erroredScenario(scenario, errored.error, runs, errored.run)
  const headMetrics = aggregateRounds(valid(head).map(r => r.metrics))
  const baseMetrics = aggregateRounds(valid(base).map(r => r.metrics))
  const { checks: regressionChecks } = observations
    ? decideSliceScenario(
        scenario,
        base,
        head,
        observations.get(scenario.name) ?? [],
        config.compare.confidence
      )
    : decideScenario(scenario, base, head, config.compare.confidence)
  const checks = wordChecks([
    ...evaluateThresholds(scenario.thresholds, headMetrics),
    ...applyAcceptances(scenario.name, regressionChecks, context.acceptances ?? [])
  ])
  const unit = observations ? ('epoch' as const) : ('round' as const)
  const dropped = base.length - valid(base).length
  const headLagged = head.filter(lagged).length
  const notes: NoteData[] = [
    ...(dropped ? [{ kind: 'base-dropped' as const, count: dropped, unit }] : []),
    ...(headLagged ? [{ kind: 'head-lagged' as const, count: headLagged, unit }] : []),
    ...(scenario.regression.length === 0 ? [{ kind: 'no-regression-checks' as const }] : []),
    ...(observations ? [] : noiseNotes(scenario, base, regressionChecks, config.compare.confidence))
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
    ...noteFields(notes),
    ...(suite ? { suite } : {})
  }
}

/** What the confirmation steps did, noted after they ran, with the number that really ran. */
export function confirmationNote(
  ran: number,
  decisions: RegressionDecision[],
  stop: StopReason,
  unit: StepUnit
): NoteData {
  const outcome =
    ran < CONFIRM_PAIRS ? 'cut-short' : decisions.some(d => d.verdict === 'fail') ? 'confirmed' : 'cleared'
  return { kind: 'confirmation', ran, planned: CONFIRM_PAIRS, unit, outcome, stop }
}

/** The note of why the loop stopped (none for an errored head: its own note says where). */
export function stopNote(stop: StopReason, unit: StepUnit): NoteData | undefined {
  return stop === 'stop-head-errored' ? undefined : { kind: 'stopped', stop, unit }
}
