import { createLatencyHistogram, encodeHistogram } from '../src/load/histogram.js'
import type { Report } from '../src/model/report.js'
import type { RunRecord } from '../src/model/run.js'
import { check, report, scenarioReport } from './report.js'

function histogram(scale: number): string {
  const h = createLatencyHistogram()
  for (let i = 1; i <= 2000; i++)
    h.recordValue(Math.round(scale * (500 + (i % 100) * 10 + (i % 997 === 0 ? 20_000 : 0))))
  return encodeHistogram(h)
}

export function run(side: 'base' | 'head', round: number, slow: number): RunRecord {
  return {
    side,
    round,
    metrics: { 'throughput.rps': 4000 / slow + round, 'latency.p99': 3000 * slow + round },
    histogram: histogram(slow),
    timeline: [1, 2, 3].map(t => ({
      t,
      rps: 4000 / slow + t,
      errors: 0,
      p50: 900 * slow,
      p99: 3000 * slow + t
    })),
    warmupTimeline: [{ t: 0, rps: 3000 / slow, errors: 0, p50: 1200 * slow, p99: 5000 * slow }],
    resources: [0.5, 1, 1.5, 2, 2.5, 3].map(t => ({
      t,
      cpu: 80 + t,
      rssBytes: 50e6 + t * 1e5,
      fds: 20,
      processes: 1
    }))
  }
}

/**
 * Steps of a stress ramp as src/gate/suites.ts records them (fields the charts do not draw included): the last
 * step broke (errors).
 */
const stressPoints = [10, 20, 30, 40].map(connections => ({
  connections,
  rps: 900 * Math.min(connections, 30),
  p50: 40 * connections,
  p95: 90 * connections,
  p99: 120 * connections * (connections > 30 ? 8 : 1),
  'p99.9': 200 * connections * (connections > 30 ? 8 : 1),
  errorRate: connections > 30 ? 0.12 : 0,
  cpu: Math.min(99, 3 * connections),
  rssBytes: 60e6 + connections * 1e5
}))

/** Soak windows as soakWindows() makes them: window end t, mean rps, p99, RSS climbing (a leak) and CPU. */
const soakPoints = [1, 2, 3].map(t => ({
  t,
  rps: 4000 - 10 * t,
  p99: 3000 + 100 * t,
  rssBytes: 50e6 + t * 4e6,
  cpu: [70, 85, 78][t - 1]!
}))

/**
 * A compare report with every kind of chart: timelines, distributions, rounds with intervals, resources, and a
 * sweep, a stress ramp and a soak.
 */
export function richReport(): Report {
  const runs = [run('base', 1, 1), run('head', 1, 1.3), run('head', 2, 1.3), run('base', 2, 1)]
  const stress = {
    kind: 'stress' as const,
    x: 'connections',
    points: stressPoints,
    marker: { label: 'errors reached 12.0% at 40 connections', x: 30 }
  }
  const soak = { kind: 'soak' as const, x: 't', points: soakPoints }
  return report({
    mode: 'compare',
    verdict: 'fail',
    headline: 'perfgate failed: list: throughput.rps fell 23%',
    scenarios: [
      scenarioReport({
        name: 'list',
        verdict: 'fail',
        metrics: { 'throughput.rps': 3077, 'latency.p99': 3900 },
        baseMetrics: { 'throughput.rps': 4001, 'latency.p99': 3001 },
        checks: [
          check({
            kind: 'regression',
            metric: 'throughput.rps',
            verdict: 'fail',
            base: 4001,
            head: 3077,
            change: -0.23,
            interval: [-0.25, -0.21],
            rounds: 2
          }),
          check({
            kind: 'threshold',
            metric: 'latency.p99',
            verdict: 'pass',
            actual: 3900,
            message: 'p99 within'
          }),
          check({
            kind: 'regression',
            metric: 'latency.p99',
            expression: '+50%',
            verdict: 'pass',
            base: 3001.5,
            head: 3901.5,
            change: 0.3,
            interval: [0.1, 0.5],
            rounds: 2,
            message: 'latency.p99 rose 30%, within +50%'
          })
        ],
        runs
      }),
      scenarioReport({
        name: 'sweep',
        verdict: 'pass',
        runs: [run('head', 1, 1)],
        suite: {
          kind: 'sweep',
          x: 'connections',
          points: [1, 10, 50, 100].map(c => ({ connections: c, rps: 1000 * Math.min(c, 40), p99: 500 * c })),
          marker: { label: 'knee at 50 connections', x: 50 }
        }
      }),
      scenarioReport({
        name: 'stress',
        verdict: 'pass',
        checks: [],
        runs: [{ ...run('head', 1, 1), suite: stress }],
        suite: stress
      }),
      scenarioReport({
        name: 'soak',
        verdict: 'pass',
        checks: [],
        runs: [{ ...run('head', 1, 1), suite: soak }],
        suite: soak
      })
    ]
  })
}
