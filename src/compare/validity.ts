import type { Scenario } from '../config/types.js'
import type { LoadResult } from '../load/types.js'
import { failedCount } from '../load/timeline.js'
import type { ScenarioError } from '../model/run.js'
import type { ExitInfo } from '../model/samples.js'
import { formatMetric, formatPercent } from '../config/format.js'

export interface RunContext {
  /** set when the service's main process exited during the load */
  serviceExit?: ExitInfo
  serviceOutput?: string[]
}

function describeExit(exit: ExitInfo): string {
  return exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`
}

function errorBreakdown(load: LoadResult): string {
  const c = load.counts
  const parts: Array<[string, number]> = [
    ['5xx', c.status5xx],
    ['4xx', c.status4xx],
    ['unexpected status', c.unexpected],
    ['timeout', c.timeout],
    ['reset', c.reset],
    ['connect', c.connect],
    ['other', c.other]
  ]
  const h2 = load.streamErrors
  if (h2) {
    for (const [code, n] of Object.entries(h2.rstStream)) parts.push([`RST_STREAM ${code}`, n])
    parts.push(
      ['GOAWAY', h2.goaway],
      ['refused streams', h2.refused],
      ['flow-control stalls', h2.flowControlStalls]
    )
  }
  return parts
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${kind}: ${n}`)
    .join(', ')
}

export function failedRequests(load: LoadResult): number {
  return failedCount(load.counts)
}

export function attemptedRequests(load: LoadResult): number {
  const c = load.counts
  return c.responses + c.connect + c.timeout + c.reset + c.other
}

/**
 * Decides whether a load run is a valid measurement of the service. An invalid one is `errored`: it fails the
 * job, shows no percentiles and never becomes a baseline.
 */
export function measurementError(
  scenario: Scenario,
  load: LoadResult,
  context: RunContext = {}
): ScenarioError | undefined {
  const host = hostOf(scenario.request.url)
  if (context.serviceExit) {
    return {
      kind: 'crashed',
      message: `the service crashed during load (${describeExit(context.serviceExit)}) after ${load.counts.responses} responses`,
      outputTail: context.serviceOutput
    }
  }
  if (load.tlsProblem) return { kind: 'tls', message: load.tlsProblem }
  if (load.protocolProblem) return { kind: 'protocol', message: load.protocolProblem }
  if (load.abortedReason) {
    return {
      kind: 'crashed',
      message: `the load run was cut short: ${load.abortedReason}`,
      outputTail: context.serviceOutput
    }
  }
  if (load.generatorSaturated) {
    const rates =
      load.achievedRate !== undefined && load.targetRate !== undefined
        ? `; it sent ${formatMetric('generator.rate.achieved', load.achievedRate)} of the ${formatMetric('generator.rate.target', load.targetRate)} asked for`
        : ''
    return {
      kind: 'generator-lag',
      message: `the load generator fell behind its schedule (p99 ${Math.round(load.generatorLagUs / 1000)} ms late${rates}): the numbers would describe the generator, not the service; lower the rate or use a bigger runner`
    }
  }
  const attempted = attemptedRequests(load)
  if (load.counts.status2xx === 0) {
    const breakdown = errorBreakdown(load)
    const hint =
      load.counts.connect > 0 && load.counts.responses === 0
        ? `; nothing answered on ${host}: check the service's bind address and port`
        : ''
    return {
      kind: 'nothing-answered',
      message: `no request succeeded (${attempted} attempted${breakdown ? `; ${breakdown}` : ''})${hint}`,
      outputTail: context.serviceOutput
    }
  }
  const errorRate = attempted === 0 ? 0 : failedRequests(load) / attempted
  if (errorRate > scenario.maxErrorRate) {
    return {
      kind: 'error-rate',
      message: `${formatPercent(errorRate)} of requests failed (${errorBreakdown(load)}), over the ${formatPercent(
        scenario.maxErrorRate
      )} that still makes a valid measurement (max-error-rate)`,
      outputTail: context.serviceOutput
    }
  }
  if (load.counts.responses < scenario.minRequests) {
    return {
      kind: 'too-few-requests',
      message: `only ${load.counts.responses} responses in ${Math.round(load.durationMs / 100) / 10} s, fewer than min-requests ${scenario.minRequests}: lengthen the duration or check the service`
    }
  }
  return undefined
}

function hostOf(url: string): string {
  try {
    return new URL(url).host
  } catch {
    return url
  }
}
