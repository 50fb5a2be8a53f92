import type { Scenario, SuiteSpec } from '../config/types.js'
import { DEFAULTS } from '../config/defaults.js'
import type { MetricValues } from '../model/metrics.js'
import type { RunRecord, SuiteResult } from '../model/run.js'
import type { ServiceHandle } from '../service/types.js'
import { countsOnly, measureOnce, type MeasureOptions, type Measurement } from './once.js'
import { formatDuration, formatMetric, formatMs, formatPercent, stepText } from '../config/format.js'
import { leastSquares } from '../stats/ci.js'

type Point = Record<string, number | null>

/** What a sweep or stress steps: connections in the closed model, the offered rate in the open model. */
type Axis = 'connections' | 'rate'

function axisOf(scenario: Scenario): Axis {
  return scenario.load.mode === 'rate' ? 'rate' : 'connections'
}

/** The scenario's load at one step; in the open model a ramp gives way to the step's constant rate. */
export function atStep(scenario: Scenario, value: number): Scenario {
  if (scenario.load.mode === 'rate') {
    const { ramp: _ramp, ...load } = scenario.load
    return { ...scenario, load: { ...load, rate: value } }
  }
  return { ...scenario, load: { ...scenario.load, connections: value } }
}

/**
 * One step of a curve. An invalid step keeps its counts and resources but no latency, which would mislead. Its
 * `rps` counts successes (throughput.ok_rps): a step that answers fast errors must not look like more throughput.
 */
function point(axis: Axis, value: number, m: Measurement): Point {
  const valid = !m.error
  const latency = (key: string) => (valid ? (m.metrics[key] ?? null) : null)
  return {
    [axis]: value,
    rps: m.metrics['throughput.ok_rps'] ?? null,
    p50: latency('latency.p50'),
    p95: latency('latency.p95'),
    p99: latency('latency.p99'),
    'p99.9': latency('latency.p99.9'),
    errorRate: m.metrics['errors.rate'] ?? null,
    cpu: m.metrics['server.cpu.mean'] ?? null,
    rssBytes: m.metrics['server.rss.peak'] ?? null,
    ...(axis === 'rate' ? { achievedRate: m.metrics['generator.rate.achieved'] ?? null } : {})
  }
}

/**
 * The knee: the highest throughput among the steps before the first one whose p99 rises past `factor` x the first
 * step's p99 (or that has no p99: an invalid step ends the curve). Steps after that are never considered, even if
 * their p99 falls back under the limit.
 */
export function findKnee(points: Point[], factor: number): Point | undefined {
  const first = points[0]
  if (typeof first?.p99 !== 'number' || typeof first.rps !== 'number') return undefined
  const limit = first.p99 * factor
  let knee: Point | undefined
  for (const p of points) {
    if (typeof p.p99 !== 'number' || typeof p.rps !== 'number' || p.p99 > limit) break
    if (!knee || p.rps > (knee.rps as number)) knee = p
  }
  return knee
}

function record(
  options: MeasureOptions,
  metrics: MetricValues,
  suite: SuiteResult,
  m?: Measurement
): RunRecord {
  return {
    side: options.side,
    round: options.round,
    metrics,
    ...(m && !m.error
      ? {
          histogram: m.load.histogram,
          timeline: m.load.timeline,
          ...(m.load.warmupTimeline.length ? { warmupTimeline: m.load.warmupTimeline } : {}),
          resources: m.resources.samples
        }
      : {}),
    suite
  }
}

function erroredRecord(options: MeasureOptions, m: Measurement, at: string): RunRecord {
  return {
    side: options.side,
    round: options.round,
    metrics: countsOnly(m.metrics),
    error: { ...m.error!, message: `at ${at}: ${m.error!.message}` }
  }
}

async function sweep(
  scenario: Scenario,
  spec: Extract<SuiteSpec, { kind: 'sweep' }>,
  service: ServiceHandle,
  options: MeasureOptions
): Promise<RunRecord> {
  const axis = axisOf(scenario)
  const points: Point[] = []
  // the valid steps' measurements, in step order: valid steps come first, an invalid one ends the sweep
  const measured: Measurement[] = []
  for (const value of spec.steps) {
    const m = await measureOnce(atStep(scenario, value), service, options)
    if (m.error && (service.exitInfo() || points.length === 0))
      return erroredRecord(options, m, stepText(axis, value))
    points.push(point(axis, value, m))
    if (m.error) break
    measured.push(m)
  }
  const knee = findKnee(points, spec.kneeFactor)
  const kneeIndex = knee ? points.indexOf(knee) : -1
  const best = knee ? measured[kneeIndex] : undefined
  const maxRps = Math.max(...measured.map(m => m.metrics['throughput.ok_rps'] ?? 0))
  const marker = knee
    ? {
        x: knee[axis] as number,
        label:
          kneeIndex < points.length - 1
            ? `knee at ${stepText(axis, knee[axis] as number)} (${formatMetric('throughput.ok_rps', knee.rps)}, p99 ${formatMetric('latency.p99', knee.p99)})`
            : `no knee: p99 stayed within ${spec.kneeFactor}x the first step's up to the last step`
      }
    : undefined
  const suite: SuiteResult = { kind: 'sweep', x: axis, points, ...(marker ? { marker } : {}) }
  return record(
    options,
    {
      ...(best?.metrics ?? {}),
      [axis === 'rate' ? 'sweep.optimal_rate' : 'sweep.optimal_connections']:
        (knee?.[axis] as number) ?? null,
      'sweep.optimal_rps': knee?.rps ?? null,
      'sweep.max_rps': measured.length ? maxRps : null
    },
    suite,
    best
  )
}

/** Why a stress step broke, or undefined when the service sustained it. */
function breakingReason(
  spec: Extract<SuiteSpec, { kind: 'stress' }>,
  m: Measurement,
  service: ServiceHandle,
  at: string
): string | undefined {
  const errorRate = m.metrics['errors.rate'] ?? 1
  const p99 = m.metrics['latency.p99']
  if (service.exitInfo()) return `the service died at ${at}`
  if (m.error && m.error.kind !== 'error-rate') return `at ${at}: ${m.error.message}`
  if (errorRate > spec.maxErrorRate) return `errors reached ${formatPercent(errorRate)} at ${at}`
  if (spec.p99LimitUs !== undefined && typeof p99 === 'number' && p99 > spec.p99LimitUs)
    return `p99 reached ${formatDuration(p99)} (limit ${formatDuration(spec.p99LimitUs)}) at ${at}`
  return undefined
}

async function stress(
  scenario: Scenario,
  spec: Extract<SuiteSpec, { kind: 'stress' }>,
  service: ServiceHandle,
  options: MeasureOptions
): Promise<RunRecord> {
  const axis = axisOf(scenario)
  const maxTimeMs = spec.maxTimeMs ?? DEFAULTS.stress.maxTimeMs
  const stepMs = scenario.load.warmupMs + scenario.load.durationMs
  const startedAt = Date.now()
  const points: Point[] = []
  let sustainable: { value: number; m: Measurement } | undefined
  let broke: { value: number; reason: string } | undefined
  let stoppedBy = ''
  for (let value = spec.start; value <= spec.max; value += spec.step) {
    // the first step always runs; no later step starts that would end after max-time
    if (points.length > 0 && Date.now() - startedAt + stepMs > maxTimeMs) {
      stoppedBy = `stopped by max-time ${formatMs(maxTimeMs)} before ${stepText(axis, value)}`
      break
    }
    const m = await measureOnce(atStep(scenario, value), service, options)
    points.push(point(axis, value, m))
    if (m.error?.kind === 'generator-lag' && !service.exitInfo()) {
      // the generator, not the service, gave out: this step says nothing about the service's limit
      stoppedBy = `stopped at ${stepText(axis, value)}: ${m.error.message}`
      break
    }
    const reason = breakingReason(spec, m, service, stepText(axis, value))
    if (reason) {
      broke = { value, reason }
      break
    }
    sustainable = { value, m }
  }
  const sustained = sustainable
    ? `max sustainable ${stepText(axis, sustainable.value)}, ${formatMetric('throughput.ok_rps', sustainable.m.metrics['throughput.ok_rps'])}`
    : 'no step was sustainable'
  const lastValue = (points.at(-1)?.[axis] as number | undefined) ?? spec.start
  const marker = broke
    ? { x: broke.value, label: `broke: ${broke.reason}; ${sustained}` }
    : {
        x: lastValue,
        label: `${stoppedBy ? `${stoppedBy}: ` : ''}${
          sustainable
            ? `no breaking point up to ${stepText(axis, sustainable.value)}`
            : 'no step was measured; no breaking point found'
        }`
      }
  const suite: SuiteResult = { kind: 'stress', x: axis, points, marker }
  return record(
    options,
    {
      ...(sustainable?.m.metrics ?? {}),
      [`stress.breaking_point.${axis}`]: sustainable?.value ?? 0,
      'stress.breaking_point.rps': sustainable?.m.metrics['throughput.ok_rps'] ?? 0,
      [`stress.broke_at.${axis}`]: broke?.value ?? null
    },
    suite,
    sustainable?.m
  )
}

const avg = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null)

/** Soak windows from the per-second timeline and the resource samples of one long run. */
export function soakWindows(m: Measurement, windowMs: number): Point[] {
  const windowS = windowMs / 1000
  const warmupS = m.load.warmupMs / 1000
  const count = Math.max(1, Math.round(m.load.durationMs / windowMs))
  return Array.from({ length: count }, (_, i) => {
    const from = i * windowS
    const to = from + windowS
    const seconds = m.load.timeline.filter(p => p.t > from && p.t <= to)
    const samples = m.resources.samples.filter(s => s.t - warmupS > from && s.t - warmupS <= to)
    return {
      t: to,
      rps: avg(seconds.map(p => p.rps)),
      p99: avg(seconds.map(p => p.p99).filter((v): v is number => v !== null)),
      rssBytes: avg(samples.map(s => s.rssBytes)),
      cpu: avg(samples.map(s => s.cpu))
    }
  })
}

/**
 * Relative growth of `field` over the soak: a least-squares line through the windows, its rise over the run
 * (slope x span) divided by the line's value at the first window (or by the mean, if the line starts at or below
 * zero). With two windows this is last / first - 1; with more, one noisy window cannot decide it alone.
 */
export function drift(points: Point[], field: string): number | null {
  const xy = points
    .map(p => [p.t, p[field]] as const)
    .filter(
      (pair): pair is readonly [number, number] => typeof pair[0] === 'number' && typeof pair[1] === 'number'
    )
  const line = xy.length < 2 ? undefined : leastSquares(xy)
  if (!line) return null
  const { slope, meanX, meanY } = line
  const firstX = xy[0]![0]
  const span = xy[xy.length - 1]![0] - firstX
  const start = meanY + slope * (firstX - meanX)
  const base = start > 0 ? start : meanY
  return base > 0 ? (slope * span) / base : null
}

async function soak(
  scenario: Scenario,
  spec: Extract<SuiteSpec, { kind: 'soak' }>,
  service: ServiceHandle,
  options: MeasureOptions
): Promise<RunRecord> {
  const m = await measureOnce(scenario, service, options)
  if (m.error)
    return { side: options.side, round: options.round, metrics: countsOnly(m.metrics), error: m.error }
  const points = soakWindows(m, spec.windowMs)
  const rssDrift = drift(points, 'rssBytes')
  const p99Drift = drift(points, 'p99')
  const suite: SuiteResult = { kind: 'soak', x: 't', points }
  return record(options, { ...m.metrics, 'soak.drift': rssDrift, 'soak.p99_drift': p99Drift }, suite, m)
}

/** Runs a suite (sweep, stress or soak) and returns one record whose metrics carry the suite's results. */
export async function measureSuite(
  scenario: Scenario,
  spec: SuiteSpec,
  service: ServiceHandle,
  options: MeasureOptions
): Promise<RunRecord> {
  switch (spec.kind) {
    case 'sweep':
      return sweep(scenario, spec, service, options)
    case 'stress':
      return stress(scenario, spec, service, options)
    case 'soak':
      return soak(scenario, spec, service, options)
    default:
      throw new Error(`measureSuite cannot run a ${spec.kind} scenario`)
  }
}
