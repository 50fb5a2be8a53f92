import { createLatencyHistogram, encodeHistogram } from '../src/load/histogram.js'
import type { Report, RunRecord } from '../src/report/types.js'
import { check, report, scenarioReport } from './report.js'

function histogram(scale: number): string {
  const h = createLatencyHistogram()
  for (let i = 1; i <= 2000; i++)
    h.recordValue(Math.round(scale * (500 + (i % 100) * 10 + (i % 997 === 0 ? 20_000 : 0))))
  return encodeHistogram(h)
}

function run(side: 'base' | 'head', round: number, slow: number): RunRecord {
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

/** A compare report with every kind of chart: timelines, distributions, rounds, resources and a sweep. */
export function richReport(): Report {
  const runs = [run('base', 1, 1), run('head', 1, 1.3), run('head', 2, 1.3), run('base', 2, 1)]
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
      })
    ]
  })
}
