import type { Finding } from '../model/finding.js'
import type { RunRecord } from '../model/run.js'
import type { ScenarioReport } from '../model/scenario.js'
import { formatBytes, formatMetric, stepText } from '../config/format.js'
import { leastSquares } from '../stats/ci.js'

function serverCpu(s: ScenarioReport, cores: number): Finding | undefined {
  const cpu = s.metrics['server.cpu.mean']
  const processes = Math.max(1, ...s.runs.flatMap(r => r.resources?.map(x => x.processes) ?? [1]))
  if (typeof cpu !== 'number') return undefined
  const ceiling = Math.min(processes, cores) * 100
  if (cpu < 0.9 * ceiling) return undefined
  return {
    kind: 'server-cpu-saturated',
    evidence: `the service used ${cpu.toFixed(0)}% CPU on average (${processes} process${processes === 1 ? '' : 'es'}, ceiling ~${ceiling}%)`,
    action:
      processes === 1
        ? 'the service is CPU-bound on one core: profile the handler (node --cpu-prof) or run more workers (cluster)'
        : 'the service is CPU-bound: profile the hot path before adding load'
  }
}

/** The generator's CPU (% of a core) at which a report says the figures describe the generator as much as the service. */
export const GENERATOR_SATURATED_CPU = 80

function generator(s: ScenarioReport): Finding | undefined {
  const cpu = s.metrics['generator.cpu']
  const target = s.metrics['generator.rate.target']
  const achieved = s.metrics['generator.rate.achieved']
  const busy = typeof cpu === 'number' && cpu >= GENERATOR_SATURATED_CPU
  const short = typeof target === 'number' && typeof achieved === 'number' && achieved < 0.95 * target
  if (!busy && !short) return undefined
  const evidence = [
    ...(busy ? [`the load generator itself used ${cpu.toFixed(0)}% of a core`] : []),
    ...(short
      ? [
          `it sent ${formatMetric('generator.rate.achieved', achieved)} of the ${formatMetric('generator.rate.target', target)} asked for`
        ]
      : [])
  ]
  return {
    kind: 'generator-saturated',
    evidence: evidence.join('; '),
    action:
      'the figures describe the generator as much as the service: lower connections or rate, or use a faster runner'
  }
}

function memory(runs: RunRecord[]): Finding | undefined {
  for (const run of runs) {
    const finding = memoryInRun(run.resources ?? [])
    if (finding) return finding
  }
  return undefined
}

function memoryInRun(samples: NonNullable<RunRecord['resources']>): Finding | undefined {
  if (samples.length < 8) return undefined
  const first = samples[0]!
  const last = samples[samples.length - 1]!
  const seconds = last.t - first.t
  if (seconds < 2) return undefined
  const perSecond = leastSquares(samples.map(x => [x.t, x.rssBytes] as const))?.slope ?? 0
  const growth = perSecond * seconds
  if (growth < 0.2 * first.rssBytes || growth < 20e6) return undefined
  return {
    kind: 'memory-growing',
    evidence: `RSS grew ${formatBytes(growth)} over ${seconds.toFixed(0)} s (${formatBytes(perSecond)}/s) and did not level off`,
    action:
      'look for a leak: take two heap snapshots under load (node --heapsnapshot-signal) and compare retained objects'
  }
}

function errorBurst(runs: RunRecord[]): Finding | undefined {
  const points = runs.flatMap(r => r.timeline ?? [])
  const total = points.reduce((n, p) => n + p.errors, 0)
  if (total < 10 || points.length < 3) return undefined
  const worst = points.reduce((a, b) => (b.errors > a.errors ? b : a))
  if (worst.errors < 0.5 * total) return undefined
  return {
    kind: 'error-burst',
    evidence: `${worst.errors} of ${total} errors came within one second (at ${worst.t} s)`,
    action:
      'errors arrive in a burst, not evenly: check the service log at that moment (a restart, a GC pause, a pool exhausted)'
  }
}

function tail(s: ScenarioReport): Finding | undefined {
  const p50 = s.metrics['latency.p50']
  const p999 = s.metrics['latency.p99.9']
  if (typeof p50 !== 'number' || typeof p999 !== 'number' || p50 <= 0) return undefined
  if (p999 < 20 * p50) return undefined
  return {
    kind: 'tail-outliers',
    evidence: `p99.9 is ${(p999 / p50).toFixed(0)}× p50`,
    action:
      'a few requests are far slower than the rest: look for blocking work, lock waits or GC on those paths'
  }
}

/**
 * The sweep's knee, only with evidence: the step after it failed, or its p99 rose while throughput grew by less
 * than 10%. A knee at the last step, or throughput still rising past it, proves nothing.
 */
function knee(s: ScenarioReport): Finding | undefined {
  const suite = s.suite
  if (suite?.kind !== 'sweep' || !suite.marker) return undefined
  const axis = suite.x
  const i = suite.points.findIndex(p => p[axis] === suite.marker!.x)
  const at = suite.points[i]
  const next = suite.points[i + 1]
  if (!at || !next) return undefined
  const { rps, p99 } = at
  const x = at[axis]
  const nextX = next[axis]
  if (
    typeof rps !== 'number' ||
    typeof p99 !== 'number' ||
    typeof x !== 'number' ||
    typeof nextX !== 'number'
  )
    return undefined
  const nextP99 = next.p99
  // a valid next step is evidence only if its p99 rose while throughput stalled
  if (
    typeof nextP99 === 'number' &&
    (nextP99 <= p99 || (typeof next.rps === 'number' && next.rps > 1.1 * rps))
  )
    return undefined
  const latency =
    typeof nextP99 === 'number'
      ? `p99 rose from ${formatMetric('latency.p99', p99)} at ${stepText(axis, x)} to ${formatMetric('latency.p99', nextP99)} at ${stepText(axis, nextX)}`
      : `the step at ${stepText(axis, nextX)} was not a valid measurement (errors ${formatMetric('errors.rate', next.errorRate)})`
  const throughput =
    typeof next.rps === 'number'
      ? `throughput went from ${formatMetric('throughput.ok_rps', rps)} to ${formatMetric('throughput.ok_rps', next.rps)}`
      : `throughput at the knee was ${formatMetric('throughput.ok_rps', rps)}`
  return {
    kind: 'latency-knee',
    evidence: `${latency} while ${throughput}`,
    action:
      axis === 'rate'
        ? `keep the offered load at or below ${x} req/s, or remove the bottleneck that sets the knee`
        : `run the service at or below ${x} concurrent connections (${formatMetric('throughput.ok_rps', rps)}), or remove the bottleneck that sets the knee`
  }
}

export function findingsFor(scenario: ScenarioReport, cores: number): Finding[] {
  if (scenario.error) return []
  const head = scenario.runs.filter(r => r.side === 'head' && !r.error)
  return [
    serverCpu(scenario, cores),
    generator(scenario),
    memory(head),
    errorBurst(head),
    tail(scenario),
    knee(scenario)
  ].filter((f): f is Finding => f !== undefined)
}
