/**
 * The slices and duet designs of an interleaved comparison: base and head up at once, each on its own port
 * ({{service.port}}), the load alternating between them in short slices (or, in duet, measuring both at the same
 * time), in epochs of fresh process pairs. See docs/statistics.md, section 11.
 */
import { accessSync, constants, readFileSync } from 'node:fs'
import os from 'node:os'
import type { Config, RegressionCheck, Scenario } from '../config/types.js'
import { DEFAULTS } from '../config/defaults.js'
import { freePorts, hasServicePort, withServicePort } from '../config/port.js'
import { roundValues } from '../compare/aggregate.js'
import { evaluateRegression, evaluateSliceRegression } from '../compare/regression.js'
import { measurementError } from '../compare/validity.js'
import { toMetrics } from '../load/metrics.js'
import { okResponses } from '../load/timeline.js'
import { poolSlices, startSession, type LoadSession, type SliceResult } from '../load/session.js'
import type { Check } from '../model/check.js'
import type { RunRecord, ScenarioError } from '../model/run.js'
import { startResourceSampler } from '../service/sampler.js'
import type { ServiceHandle } from '../service/types.js'
import type { RegressionDecision } from '../stats/decision.js'
import { createRng } from '../stats/rng.js'
import { slicePlan, type SlicePair } from '../stats/slices.js'
import type { CompareOptions, HostInfo, Side } from './compare-options.js'

export type { HostInfo } from './compare-options.js'
import type { EventSink } from '../measure/events.js'
import { countsOnly, summarizeMeasurement } from '../measure/once.js'
import { startForMeasurement, stopQuietly } from '../measure/service.js'

export type Design = 'rounds' | 'slices' | 'duet'

export interface DesignChoice {
  design: Design
  /** one line for the report: which design ran and why */
  reason: string
  /** duet: the CPUs each side's service is pinned to (empty: not pinned) */
  cpus?: Record<Side, number[]>
}

/** What the design choice needs to know about the host. */

/** Cores duet needs: one for the generator and at least one for each side's service, plus one spare. */
export const DUET_MIN_CORES = 4

/** The CPUs this process may run on (its affinity, as taskset sets it), from /proc or the CPU count. */
export function hostInfo(): HostInfo {
  let cpus: number[] | undefined
  try {
    const status = readFileSync('/proc/self/status', 'utf8')
    const list = /Cpus_allowed_list:\s*(\S+)/.exec(status)?.[1]
    if (list) cpus = parseCpuList(list)
  } catch {
    // not Linux
  }
  cpus ??= Array.from({ length: os.availableParallelism() }, (_, i) => i)
  const taskset = (process.env.PATH ?? '').split(':').some(dir => {
    try {
      accessSync(`${dir}/taskset`, constants.X_OK)
      return true
    } catch {
      return false
    }
  })
  return { cpus, taskset }
}

/** "0-3,6" -> [0, 1, 2, 3, 6] */
export function parseCpuList(list: string): number[] {
  const cpus: number[] = []
  for (const part of list.split(',')) {
    const [a, b] = part.split('-').map(Number)
    if (a === undefined || !Number.isInteger(a)) continue
    for (let c = a; c <= (Number.isInteger(b) ? b! : a); c++) cpus.push(c)
  }
  return cpus
}

const sliceable = (s: Scenario) => !s.suite || s.suite.kind === 'load'

/** Which design a comparison runs, and why (pure: the host is passed in). */
export function chooseDesign(config: Config, host: HostInfo): DesignChoice {
  const requested = config.compare.design ?? 'auto'
  const cores = host.cpus.length
  if (requested === 'rounds')
    return {
      design: 'rounds',
      reason: 'compare.design is rounds: one side at a time, a fresh process per round'
    }
  if (!hasServicePort(config)) {
    return {
      design: 'rounds',
      reason:
        'sequential rounds: the config hard-codes its port, so base and head cannot run side by side ' +
        "(put {{service.port}} in service.command or service.env and in the scenarios' URLs to measure both at once)"
    }
  }
  const suite = config.scenarios.find(s => !sliceable(s))
  if (suite) {
    return {
      design: 'rounds',
      reason: `sequential rounds: scenario ${suite.name} runs a ${suite.suite!.kind} suite, which is measured in whole rounds, not slices`
    }
  }
  const slice = `${config.compare.sliceMs ?? DEFAULTS.compare.sliceMs} ms`
  if (cores >= DUET_MIN_CORES && requested !== 'slices') {
    const per = Math.floor((cores - 1) / 2)
    const cpus = host.taskset
      ? { base: host.cpus.slice(1, 1 + per), head: host.cpus.slice(1 + per, 1 + 2 * per) }
      : { base: [], head: [] }
    const pinned = host.taskset
      ? `services pinned with taskset to CPUs ${cpus.base.join(',')} (base) and ${cpus.head.join(',')} (head)`
      : 'services not pinned (no taskset on this runner)'
    return {
      design: 'duet',
      reason: `duet: base and head up at once on their own ports and measured at the same time in ${slice} slices, ${pinned}; ${cores} cores`,
      cpus
    }
  }
  const why =
    requested === 'duet'
      ? `compare.design duet needs ${DUET_MIN_CORES} cores and this runner has ${cores}`
      : requested === 'slices'
        ? 'compare.design is slices'
        : `${cores} cores are too few for duet (${DUET_MIN_CORES} needed)`
  return {
    design: 'slices',
    reason: `fine interleaving: base and head up at once on their own ports, the load alternating between them in ${slice} slices in randomized ABBA blocks, fresh processes each epoch; ${why}`
  }
}

/** `command` run under taskset on `cpus` (the shell's children inherit the affinity). */
export function pinnedCommand(command: string, cpus: readonly number[]): string {
  if (cpus.length === 0) return command
  return `exec taskset -c ${cpus.join(',')} /bin/sh -c '${command.replace(/'/g, `'\\''`)}'`
}

/** One step of a slices plan: a pair of adjacent slices in this order, or a duet slice (both sides at once). */
export type PlanStep =
  { kind: 'pair'; order: [Side, Side]; sliceMs: number } | { kind: 'duet'; sliceMs: number }

/** Measures one plan step on the two sides' sessions: what each side's slice measured. */
export async function measureStep(
  step: PlanStep,
  sessions: Record<Side, LoadSession>
): Promise<Record<Side, SliceResult>> {
  if (step.kind === 'duet') {
    const [base, head] = await Promise.all([
      sessions.base.slice(step.sliceMs),
      sessions.head.slice(step.sliceMs)
    ])
    return { base, head }
  }
  const out: Partial<Record<Side, SliceResult>> = {}
  for (const side of step.order) out[side] = await sessions[side].slice(step.sliceMs)
  return out as Record<Side, SliceResult>
}

/** The per-slice values a slice pair compares (throughput and the latency centre); tails are pooled per epoch. */
export const SLICE_METRICS = [
  'throughput.rps',
  'throughput.ok_rps',
  'throughput.bytes',
  'latency.mean',
  'latency.p50'
] as const

export type SliceValues = Partial<Record<(typeof SLICE_METRICS)[number], number>>

export function sliceValues(s: SliceResult): SliceValues {
  const seconds = s.durationMs / 1000
  const h = s.histogram
  return {
    'throughput.rps': s.counts.responses / seconds,
    'throughput.ok_rps': okResponses(s.counts) / seconds,
    'throughput.bytes': s.bytes / seconds,
    ...(h.totalCount ? { 'latency.mean': h.mean, 'latency.p50': h.getValueAtPercentile(50) } : {})
  }
}

/** One paired observation of a scenario: the two sides' slice values and the epoch they ran in. */
export interface SliceObservation {
  epoch: number
  base: SliceValues
  head: SliceValues
}

export interface SliceState {
  records: Record<Side, Map<string, RunRecord[]>>
  observations: Map<string, SliceObservation[]>
  startError?: ScenarioError
}

export function newSliceState(config: Config): SliceState {
  const records = () => new Map(config.scenarios.map(s => [s.name, [] as RunRecord[]]))
  return {
    records: { base: records(), head: records() },
    observations: new Map(config.scenarios.map(s => [s.name, []]))
  }
}

export interface EpochContext {
  config: Config
  design: DesignChoice
  options: CompareOptions
  events: EventSink
  rng: () => number
  serviceCwd: (side: Side) => string
}

/** Starts one side's service on its port (pinned to its CPUs in duet). */
async function startSide(
  side: Side,
  bound: Config,
  ctx: EpochContext
): Promise<{ service: ServiceHandle } | { error: ScenarioError }> {
  const cpus = ctx.design.cpus?.[side] ?? []
  const spec = { ...bound.service, command: pinnedCommand(bound.service.command, cpus) }
  return startForMeasurement(spec, {
    label: side,
    cwd: ctx.serviceCwd(side),
    env: ctx.options.env?.[side],
    events: ctx.events,
    onSpawned: ctx.options.onSpawned
  })
}

/** Measures one scenario in one epoch on both running services: warm-up, then the plan of slices. */
async function measureScenarioSlices(
  index: number,
  bound: Record<Side, Config>,
  services: Record<Side, ServiceHandle>,
  epoch: number,
  state: SliceState,
  ctx: EpochContext
): Promise<void> {
  const { config, events } = ctx
  const scenario = config.scenarios[index]!
  const sliceMs = config.compare.sliceMs ?? DEFAULTS.compare.sliceMs
  const sessions = {
    base: startSession(bound.base.scenarios[index]!),
    head: startSession(bound.head.scenarios[index]!)
  }
  const slices: Record<Side, SliceResult[]> = { base: [], head: [] }
  const observations: SliceObservation[] = []
  let exited: Side | undefined
  for (const side of ['base', 'head'] as const)
    events({ type: 'measure-start', scenario: scenario.name, label: side, round: epoch })
  const samplers = {
    base: startResourceSampler(services.base.pid),
    head: startResourceSampler(services.head.pid)
  }
  try {
    const warmupMs = scenario.load.warmupMs
    if (ctx.design.design === 'duet')
      await Promise.all([sessions.base.warm(warmupMs), sessions.head.warm(warmupMs)])
    else for (const side of slicePlan(1, ctx.rng)[0]!) await sessions[side].warm(warmupMs)
    const count = Math.max(2, Math.ceil(scenario.load.durationMs / sliceMs))
    const steps: PlanStep[] =
      ctx.design.design === 'duet'
        ? Array.from({ length: count }, () => ({ kind: 'duet', sliceMs }))
        : slicePlan(count, ctx.rng).map(order => ({ kind: 'pair', order, sliceMs }))
    for (const step of steps) {
      const measured = await measureStep(step, sessions)
      exited = (['base', 'head'] as const).find(side => services[side].exitInfo())
      if (exited) break
      slices.base.push(measured.base)
      slices.head.push(measured.head)
      observations.push({ epoch, base: sliceValues(measured.base), head: sliceValues(measured.head) })
      const done = slices.base.length
      events({
        type: 'progress',
        scenario: scenario.name,
        label: `epoch ${epoch}`,
        round: epoch,
        progress: {
          phase: 'measure',
          elapsedMs: done * sliceMs,
          totalMs: steps.length * sliceMs,
          responses: measured.head.counts.responses + measured.base.counts.responses,
          errors: 0,
          currentRps: sliceValues(measured.head)['throughput.rps'] ?? 0
        }
      })
    }
  } finally {
    await Promise.all([sessions.base.close(), sessions.head.close()])
  }
  for (const side of ['base', 'head'] as const) {
    const resources = samplers[side].stop()
    const load = poolSlices(slices[side], scenario, scenario.load.warmupMs)
    const metrics = toMetrics(load, resources)
    const exit = services[side].exitInfo()
    const error = measurementError(scenario, load, {
      serviceExit: exit,
      serviceOutput: exit ? services[side].outputTail(30) : undefined
    })
    state.records[side].get(scenario.name)!.push({
      side,
      round: epoch,
      metrics: error ? countsOnly(metrics) : metrics,
      ...(error ? {} : { histogram: load.histogram }),
      timeline: load.timeline,
      resources: resources.samples,
      ...(error ? { error } : {})
    })
    events({
      type: 'measure-end',
      scenario: scenario.name,
      label: side,
      round: epoch,
      summary: summarizeMeasurement(metrics, error)
    })
  }
  if (!exited) state.observations.get(scenario.name)!.push(...observations)
}

/**
 * One epoch: base and head started on fresh ports (in random order), every scenario measured in slices against
 * both, both stopped. A start failure, or a service that cannot be stopped, is kept as the state's startError.
 */
export async function measureEpoch(epoch: number, state: SliceState, ctx: EpochContext): Promise<void> {
  const [basePort, headPort] = await freePorts(2)
  const bound: Record<Side, Config> = {
    base: withServicePort(ctx.config, basePort!),
    head: withServicePort(ctx.config, headPort!)
  }
  const services: Partial<Record<Side, ServiceHandle>> = {}
  try {
    for (const side of slicePlan(1, ctx.rng)[0]!) {
      const started = await startSide(side, bound[side], ctx)
      if ('error' in started) {
        state.startError = {
          ...started.error,
          message:
            started.error.kind === 'port-held'
              ? started.error.message
              : `the ${side} service could not be started: ${started.error.message}`
        }
        return
      }
      services[side] = started.service
    }
    for (let i = 0; i < ctx.config.scenarios.length; i++) {
      await measureScenarioSlices(i, bound, services as Record<Side, ServiceHandle>, epoch, state, ctx)
      if (services.base!.exitInfo() || services.head!.exitInfo()) break
    }
  } finally {
    for (const side of ['base', 'head'] as const) {
      const error = await stopQuietly(services[side], side, ctx.events)
      if (error) state.startError ??= error
    }
  }
}

const valid = (records: RunRecord[]) => records.filter(r => !r.error)

/** Pairs of slice values of one metric, for the slice statistics. */
function slicePairs(observations: readonly SliceObservation[], metric: string): SlicePair[] {
  const key = metric as (typeof SLICE_METRICS)[number]
  return observations.map(o => ({ epoch: o.epoch, base: o.base[key] ?? NaN, head: o.head[key] ?? NaN }))
}

/**
 * The regression checks of one scenario in the slices and duet designs. Throughput and the latency centre (mean,
 * p50) come from slice pairs, by epoch (stats/slices.ts); every other metric, the latency tail included, from one
 * value per side and epoch (the epoch's slices pooled, their histograms merged), paired by epoch.
 */
export function decideSliceScenario(
  scenario: Scenario,
  base: RunRecord[],
  head: RunRecord[],
  observations: readonly SliceObservation[],
  confidence: number
): { checks: Check[]; decisions: RegressionDecision[] } {
  const b = valid(base)
  const h = valid(head)
  const epochs = b.map(r => r.round).filter(round => h.some(x => x.round === round))
  const byEpoch = (records: RunRecord[]) => epochs.map(e => records.find(r => r.round === e)!.metrics)
  const decisions: RegressionDecision[] = []
  const usable = observations.filter(o => epochs.includes(o.epoch))
  const checks = scenario.regression.map((spec: RegressionCheck) => {
    const baseValues = roundValues(byEpoch(b), spec.metric)
    const headValues = roundValues(byEpoch(h), spec.metric)
    const result = (SLICE_METRICS as readonly string[]).includes(spec.metric)
      ? evaluateSliceRegression(spec, slicePairs(usable, spec.metric), baseValues, headValues, confidence)
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

/** A seeded PRNG for the slice order: seeded by the caller for tests, from the clock otherwise. */
export function planRng(seed?: number): () => number {
  return createRng(seed ?? Date.now() ^ (process.pid << 8))
}
