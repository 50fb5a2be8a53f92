/**
 * The slices and duet designs' measurement: base and head up at once, each on its own port ({{service.port}}), the
 * load alternating between them in short slices (or, in duet, measuring both at the same time), one epoch (a fresh
 * process pair) at a time. See docs/statistics.md, section 11.
 */
import { serviceOf, type Config } from '../config/types.js'
import { DEFAULTS } from '../config/defaults.js'
import { freePorts, withServicePort } from '../config/port.js'
import { measurementError } from '../compare/validity.js'
import { toMetrics } from '../load/metrics.js'
import { okResponses } from '../load/timeline.js'
import { poolSlices, startSession, type LoadSession, type SliceResult } from '../load/session.js'
import type { ScenarioError, Side } from '../model/run.js'
import { encodeHistogram } from '../load/histogram.js'
import { availableParallelism } from 'node:os'
import type { SliceCpu, SliceObservation, SliceValues } from '../model/slices.js'
import { readCpu, sliceCpu } from '../service/cpu-probe.js'
import { startResourceSampler } from '../service/sampler.js'
import type { ServiceHandle } from '../service/types.js'
import { slicePlan } from '../stats/slices.js'
import type { EventSink } from './events.js'
import { countsOnly, summarizeMeasurement } from './once.js'
import { startForMeasurement, stopQuietly } from './service.js'
import type { EpochResult } from './measurer.js'
import { serviceCwd, type SidesOptions } from './sides.js'
import { pinnedCommand } from './affinity.js'

/** How an epoch is measured: in duet (both sides at once, each pinned to its CPUs) or in alternating slices. */
export interface SlicesPlan {
  duet: boolean
  /** duet: the CPUs each side's service is pinned to (empty: not pinned) */
  cpus?: Record<Side, number[]>
  /** the seeded order of the slices */
  rng: () => number
}

export interface EpochContext {
  config: Config
  plan: SlicesPlan
  options: SidesOptions
  events: EventSink
}

/** One step of a slices plan: a pair of adjacent slices in this order, or a duet slice (both sides at once). */
export type PlanStep =
  { kind: 'pair'; order: [Side, Side]; sliceMs: number } | { kind: 'duet'; sliceMs: number }

/** Starts watching a side's CPU accounting for one slice; the returned function ends it (undefined: unknown). */
export type CpuWatch = (side: Side) => () => SliceCpu | undefined

/** What one plan step measured: each side's slice, and its CPU accounting when watched. */
export type StepResult = Record<Side, SliceResult> & { cpu?: Record<Side, SliceCpu> }

/** Measures one plan step on the two sides' sessions: what each side's slice measured (and its CPU, if watched). */
export async function measureStep(
  step: PlanStep,
  sessions: Record<Side, LoadSession>,
  watch?: CpuWatch
): Promise<StepResult> {
  const cpu: Partial<Record<Side, SliceCpu>> = {}
  const watched = async (side: Side) => {
    const end = watch?.(side)
    const result = await sessions[side].slice(step.sliceMs)
    const used = end?.()
    if (used) cpu[side] = used
    return result
  }
  const out: Partial<Record<Side, SliceResult>> = {}
  if (step.kind === 'duet') [out.base, out.head] = await Promise.all([watched('base'), watched('head')])
  else for (const side of step.order) out[side] = await watched(side)
  return {
    ...(out as Record<Side, SliceResult>),
    ...(cpu.base && cpu.head ? { cpu: { base: cpu.base, head: cpu.head } } : {})
  }
}

/** A slice's values: throughput per second, the latency centre (mean, p50) and, when watched, CPU per request. */
export function sliceValues(s: SliceResult, cpu?: SliceCpu): SliceValues {
  const seconds = s.durationMs / 1000
  const h = s.histogram
  return {
    ...(cpu && s.counts.responses > 0 ? { 'server.cpu.per_request': cpu.runUs / s.counts.responses } : {}),
    'throughput.rps': s.counts.responses / seconds,
    'throughput.ok_rps': okResponses(s.counts) / seconds,
    'throughput.bytes': s.bytes / seconds,
    ...(h.totalCount ? { 'latency.mean': h.mean, 'latency.p50': h.getValueAtPercentile(50) } : {})
  }
}

/** The CPUs a side's service runs on (empty: not pinned). */
const cpusOf = (side: Side, ctx: EpochContext): number[] =>
  ctx.plan.cpus?.[side] ?? ctx.options.cpus?.service ?? []

/** Watches each side's service and the CPUs it runs on around its slices (service/cpu-probe.ts). */
function cpuWatch(services: Record<Side, ServiceHandle>, ctx: EpochContext): CpuWatch {
  return side => {
    const pid = services[side].pid
    const cpus = cpusOf(side, ctx)
    const before = readCpu(pid, cpus)
    return () => {
      const after = before && readCpu(pid, cpus)
      return after ? sliceCpu(before!, after, cpus.length || availableParallelism()) : undefined
    }
  }
}

/** Starts one side's service on its port (pinned to its CPUs in duet). */
async function startSide(
  side: Side,
  bound: Config,
  ctx: EpochContext
): Promise<{ service: ServiceHandle } | { error: ScenarioError }> {
  const cpus = cpusOf(side, ctx)
  const service = serviceOf(bound)
  const spec = { ...service, command: pinnedCommand(service.command, cpus) }
  return startForMeasurement(spec, {
    label: side,
    cwd: serviceCwd(ctx.config, side, ctx.options),
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
  result: EpochResult,
  ctx: EpochContext
): Promise<void> {
  const { config, events } = ctx
  const scenario = config.scenarios[index]!
  const sliceMs = config.compare.sliceMs ?? DEFAULTS.compare.sliceMs
  const sessions = {
    base: startSession(bound.base.scenarios[index]!, ctx.options),
    head: startSession(bound.head.scenarios[index]!, ctx.options)
  }
  const slices: Record<Side, SliceResult[]> = { base: [], head: [] }
  const observations: SliceObservation[] = []
  let exited: Side | undefined
  events({
    type: 'measure-start',
    scenario: scenario.name,
    label: 'base and head',
    round: epoch,
    unit: 'epoch'
  })
  const samplers = {
    base: startResourceSampler(services.base.pid),
    head: startResourceSampler(services.head.pid)
  }
  try {
    const warmupMs = scenario.load.warmupMs
    if (ctx.plan.duet) await Promise.all([sessions.base.warm(warmupMs), sessions.head.warm(warmupMs)])
    else for (const side of slicePlan(1, ctx.plan.rng)[0]!) await sessions[side].warm(warmupMs)
    const count = Math.max(2, Math.ceil(scenario.load.durationMs / sliceMs))
    const steps: PlanStep[] = ctx.plan.duet
      ? Array.from({ length: count }, () => ({ kind: 'duet', sliceMs }))
      : slicePlan(count, ctx.plan.rng).map(order => ({ kind: 'pair', order, sliceMs }))
    const watch = cpuWatch(services, ctx)
    for (const step of steps) {
      const measured = await measureStep(step, sessions, watch)
      exited = (['base', 'head'] as const).find(side => services[side].exitInfo())
      if (exited) break
      slices.base.push(measured.base)
      slices.head.push(measured.head)
      observations.push({
        epoch,
        base: sliceValues(measured.base, measured.cpu?.base),
        head: sliceValues(measured.head, measured.cpu?.head),
        histograms: {
          base: encodeHistogram(measured.base.histogram),
          head: encodeHistogram(measured.head.histogram)
        },
        ...(measured.cpu ? { cpu: measured.cpu } : {})
      })
      const done = slices.base.length
      events({
        type: 'progress',
        scenario: scenario.name,
        label: 'base and head',
        round: epoch,
        unit: 'epoch',
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
    result.records[side].set(scenario.name, {
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
      unit: 'epoch',
      summary: `${side}: ${summarizeMeasurement(metrics, error)}`
    })
  }
  result.observations.set(scenario.name, exited ? [] : observations)
}

/**
 * One epoch: base and head started on fresh ports (in random order), every scenario measured in slices against
 * both, both stopped. A start failure, or a service that cannot be stopped, is the result's startError.
 */
export async function measureEpoch(epoch: number, ctx: EpochContext): Promise<EpochResult> {
  const result: EpochResult = { records: { base: new Map(), head: new Map() }, observations: new Map() }
  const [basePort, headPort] = await freePorts(2)
  const bound: Record<Side, Config> = {
    base: withServicePort(ctx.config, basePort!),
    head: withServicePort(ctx.config, headPort!)
  }
  const services: Partial<Record<Side, ServiceHandle>> = {}
  try {
    for (const side of slicePlan(1, ctx.plan.rng)[0]!) {
      const started = await startSide(side, bound[side], ctx)
      if ('error' in started) {
        result.startError = {
          ...started.error,
          message:
            started.error.kind === 'port-held'
              ? started.error.message
              : `the ${side} service could not be started: ${started.error.message}`
        }
        return result
      }
      services[side] = started.service
    }
    for (let i = 0; i < ctx.config.scenarios.length; i++) {
      await measureScenarioSlices(i, bound, services as Record<Side, ServiceHandle>, epoch, result, ctx)
      if (services.base!.exitInfo() || services.head!.exitInfo()) break
    }
  } finally {
    for (const side of ['base', 'head'] as const) {
      const error = await stopQuietly(services[side], side, ctx.events)
      if (error) result.startError ??= error
    }
  }
  return result
}
