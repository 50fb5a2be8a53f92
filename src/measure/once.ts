import type { Scenario } from '../config/types.js'
import { runLoad } from '../load/run.js'
import { toMetrics } from '../load/metrics.js'
import { measurementError } from '../compare/validity.js'
import { formatMetric } from '../config/format.js'
import { COUNT_METRICS } from '../config/metrics.js'
import type { MetricValues } from '../model/metrics.js'
import type { RunRecord, ScenarioError } from '../model/run.js'
import type { LoadResult } from '../load/types.js'
import { startResourceSampler } from '../service/sampler.js'
import type { ResourceSummary, ServiceHandle } from '../service/types.js'
import type { ExitInfo } from '../model/samples.js'
import type { Environment } from './environment.js'
import type { EventSink } from './events.js'

/** Resource figures for the measured window only (samples taken during warmup are dropped from CPU). */
export function resourcesInWindow(summary: ResourceSummary, fromSeconds: number): ResourceSummary {
  const window = summary.samples.filter(s => s.t > fromSeconds)
  if (window.length === 0) return summary
  let cpuTimeUs = 0
  let previous = fromSeconds
  for (const s of window) {
    cpuTimeUs += (s.cpu / 100) * (s.t - previous) * 1e6
    previous = s.t
  }
  return {
    cpuMean: window.reduce((n, s) => n + s.cpu, 0) / window.length,
    cpuPeak: Math.max(...window.map(s => s.cpu)),
    cpuTimeUs,
    rssPeakBytes: summary.rssPeakBytes,
    fdsPeak: summary.fdsPeak,
    samples: summary.samples,
    measured: summary.measured
  }
}

const notSampled = {
  stop: (): ResourceSummary => ({
    cpuMean: 0,
    cpuPeak: 0,
    cpuTimeUs: 0,
    rssPeakBytes: 0,
    fdsPeak: 0,
    samples: [],
    measured: false
  })
}

/**
 * An invalid measurement keeps its counts and the generator's own figures (they explain what went wrong, e.g. a
 * generator that fell behind) and nothing about the service that could mislead.
 */
export function countsOnly(metrics: MetricValues): MetricValues {
  return Object.fromEntries(COUNT_METRICS.filter(k => k in metrics).map(k => [k, metrics[k] ?? null]))
}

function describeExit(exit: ExitInfo): string {
  return exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`
}

export interface MeasureOptions {
  side: RunRecord['side']
  round: number
  label: string
  events: EventSink
  extraCaCerts: Environment['extraCaCerts']
}

export interface Measurement {
  load: LoadResult
  resources: ResourceSummary
  metrics: MetricValues
  error?: ScenarioError
}

/** One load run against a running service with its resources sampled; the measurement's validity is judged. */
export async function measureOnce(
  scenario: Scenario,
  service: ServiceHandle,
  options: MeasureOptions
): Promise<Measurement> {
  const { events, label, round } = options
  // a running target is no process of ours: nothing to sample, so no server.* metrics (never 0)
  const sampler = service.external ? notSampled : startResourceSampler(service.pid)
  const abort = new AbortController()
  let serviceExit: ExitInfo | undefined
  void service.exited.then(exit => {
    serviceExit = exit
    abort.abort(`the service exited (${describeExit(exit)})`)
  })
  const load = await runLoad(scenario, {
    signal: abort.signal,
    extraCaCerts: options.extraCaCerts,
    onProgress: progress => events({ type: 'progress', scenario: scenario.name, label, round, progress })
  })
  const resources = resourcesInWindow(sampler.stop(), load.warmupMs / 1000)
  const metrics = toMetrics(load, resources)
  const error = measurementError(scenario, load, {
    serviceExit,
    serviceOutput: serviceExit ? service.outputTail(30) : undefined
  })
  return { load, resources, metrics, ...(error ? { error } : {}) }
}

export function summarizeMeasurement(metrics: MetricValues, error?: ScenarioError): string {
  return error
    ? `errored: ${error.message}`
    : `ok ${formatMetric('throughput.ok_rps', metrics['throughput.ok_rps'])}, p99 ${formatMetric('latency.p99', metrics['latency.p99'])}`
}
