import type { Scenario, SuiteSpec } from '../config/types.js'
import type { MetricValues, RunRecord, SuiteResult } from '../report/types.js'
import type { ServiceHandle } from '../service/types.js'
import { countsOnly, measureOnce, type MeasureOptions, type Measurement } from './measure.js'
import { formatDuration, formatPercent } from '../report/format.js'

type Point = Record<string, number | null>

function withConnections(scenario: Scenario, connections: number): Scenario {
  return { ...scenario, load: { ...scenario.load, connections } }
}

function point(connections: number, m: Measurement): Point {
  return {
    connections,
    rps: m.metrics['throughput.rps'] ?? null,
    p50: m.metrics['latency.p50'] ?? null,
    p99: m.metrics['latency.p99'] ?? null,
    errorRate: m.metrics['errors.rate'] ?? null,
    cpu: m.metrics['server.cpu.mean'] ?? null
  }
}

/** The knee: the highest throughput among steps whose p99 stays within `factor` x the first step's p99. */
export function findKnee(points: Point[], factor: number): Point | undefined {
  const first = points.find(p => typeof p.p99 === 'number')
  if (!first) return undefined
  const limit = (first.p99 as number) * factor
  const within = points.filter(
    p => typeof p.p99 === 'number' && typeof p.rps === 'number' && (p.p99 as number) <= limit
  )
  return within.reduce<Point | undefined>(
    (best, p) => (!best || (p.rps as number) > (best.rps as number) ? p : best),
    undefined
  )
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

async function sweep(
  scenario: Scenario,
  spec: Extract<SuiteSpec, { kind: 'sweep' }>,
  service: ServiceHandle,
  options: MeasureOptions
): Promise<RunRecord> {
  const points: Point[] = []
  const measured = new Map<number, Measurement>()
  for (const connections of spec.steps) {
    const m = await measureOnce(withConnections(scenario, connections), service, options)
    if (m.error) {
      if (service.exitInfo() || points.length === 0) {
        return {
          side: options.side,
          round: options.round,
          metrics: countsOnly(m.metrics),
          error: { ...m.error, message: `at ${connections} connections: ${m.error.message}` }
        }
      }
      points.push({ ...point(connections, m), p99: null })
      break
    }
    measured.set(connections, m)
    points.push(point(connections, m))
  }
  const knee = findKnee(points, spec.kneeFactor)
  const best = knee ? measured.get(knee.connections as number) : undefined
  const suite: SuiteResult = {
    kind: 'sweep',
    x: 'connections',
    points,
    ...(knee
      ? { marker: { label: `knee at ${knee.connections} connections`, x: knee.connections as number } }
      : {})
  }
  return record(
    options,
    { ...(best?.metrics ?? {}), 'sweep.optimal_connections': (knee?.connections as number) ?? null },
    suite,
    best
  )
}

async function stress(
  scenario: Scenario,
  spec: Extract<SuiteSpec, { kind: 'stress' }>,
  service: ServiceHandle,
  options: MeasureOptions
): Promise<RunRecord> {
  const points: Point[] = []
  let sustainable: { connections: number; m: Measurement } | undefined
  let breaking = ''
  for (let connections = spec.start; connections <= spec.max; connections += spec.step) {
    const m = await measureOnce(withConnections(scenario, connections), service, options)
    points.push(point(connections, m))
    const errorRate = m.metrics['errors.rate'] ?? 1
    const p99 = m.metrics['latency.p99']
    if (service.exitInfo()) breaking = `the service died at ${connections} connections`
    else if (m.error && m.error.kind !== 'error-rate')
      breaking = `at ${connections} connections: ${m.error.message}`
    else if (errorRate > spec.maxErrorRate)
      breaking = `errors reached ${formatPercent(errorRate)} at ${connections} connections`
    else if (spec.p99LimitUs !== undefined && typeof p99 === 'number' && p99 > spec.p99LimitUs) {
      breaking = `p99 reached ${formatDuration(p99)} at ${connections} connections`
    }
    if (breaking) break
    sustainable = { connections, m }
  }
  const suite: SuiteResult = {
    kind: 'stress',
    x: 'connections',
    points,
    marker: {
      label: breaking || `no breaking point up to ${spec.max} connections`,
      x: sustainable?.connections ?? spec.start
    }
  }
  return record(
    options,
    {
      ...(sustainable?.m.metrics ?? {}),
      'stress.breaking_point.connections': sustainable?.connections ?? 0,
      'stress.breaking_point.rps': sustainable?.m.metrics['throughput.rps'] ?? 0
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

function drift(points: Point[], field: string): number | null {
  const first = points[0]?.[field]
  const last = points[points.length - 1]?.[field]
  if (typeof first !== 'number' || typeof last !== 'number' || first <= 0 || points.length < 2) return null
  return last / first - 1
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
