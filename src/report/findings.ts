import type { ScenarioReport, RunRecord } from './types.js'
import { formatBytes } from './format.js'

/** A bottleneck finding: what the evidence shows, and what to do about it. Never a tip without evidence. */
export interface Finding {
  kind:
    | 'server-cpu-saturated'
    | 'generator-saturated'
    | 'memory-growing'
    | 'error-burst'
    | 'latency-knee'
    | 'tail-outliers'
  evidence: string
  action: string
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length

/** Least-squares slope of y over x. */
function slope(points: Array<[number, number]>): number {
  const mx = mean(points.map(p => p[0]))
  const my = mean(points.map(p => p[1]))
  const num = points.reduce((n, [x, y]) => n + (x - mx) * (y - my), 0)
  const den = points.reduce((n, [x]) => n + (x - mx) ** 2, 0)
  return den === 0 ? 0 : num / den
}

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

function generator(s: ScenarioReport): Finding | undefined {
  const cpu = s.metrics['generator.cpu']
  if (typeof cpu !== 'number' || cpu < 80) return undefined
  return {
    kind: 'generator-saturated',
    evidence: `the load generator itself used ${cpu.toFixed(0)}% of a core`,
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
  const perSecond = slope(samples.map(x => [x.t, x.rssBytes]))
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

function knee(s: ScenarioReport): Finding | undefined {
  if (s.suite?.kind !== 'sweep' || !s.suite.marker) return undefined
  return {
    kind: 'latency-knee',
    evidence: `throughput stops growing while p99 climbs beyond ${s.suite.marker.label}`,
    action: `run the service at or below ${s.suite.marker.x} concurrent connections, or remove the bottleneck that sets the knee`
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
