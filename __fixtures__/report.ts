import type { Check } from '../src/model/check.js'
import type { Report } from '../src/model/report.js'
import type { ScenarioReport } from '../src/model/scenario.js'

export function check(overrides: Partial<Check> = {}): Check {
  return {
    kind: 'threshold',
    metric: 'latency.p95',
    expression: '< 50ms',
    severity: 'fail',
    verdict: 'pass',
    message: 'latency.p95 12.3 ms < 50 ms',
    actual: 12_300,
    limit: 50_000,
    ...overrides
  }
}

/** A passing regression check of throughput.ok_rps at -5%; `overrides` set its change, interval and rounds. */
export function regressionCheck(overrides: Partial<Check> = {}): Check {
  return check({
    kind: 'regression',
    metric: 'throughput.ok_rps',
    expression: '-5%',
    verdict: 'pass',
    message: 'throughput.ok_rps did not change',
    base: 100,
    head: 100,
    change: 0,
    interval: [-0.01, 0.01],
    detectable: 0.01,
    rounds: 4,
    ...overrides
  })
}

export function scenarioReport(overrides: Partial<ScenarioReport> = {}): ScenarioReport {
  return {
    name: 'list-reservations',
    verdict: 'pass',
    load: { mode: 'closed', connections: 10, durationMs: 3000, warmupMs: 1000, timeoutMs: 10_000 },
    metrics: {
      'throughput.rps': 4210,
      'throughput.ok_rps': 4200,
      'latency.p50': 1800,
      'latency.p90': 2900,
      'latency.p99': 3100,
      'latency.max': 9000,
      'errors.rate': 0,
      'server.cpu.mean': 97,
      'server.rss.peak': 71_000_000
    },
    checks: [check()],
    runs: [],
    notes: [],
    ...overrides
  }
}

export function report(overrides: Partial<Report> = {}): Report {
  return {
    schemaVersion: 1,
    tool: { name: 'perfgate', version: '0.1.0' },
    createdAt: '2026-11-24T12:00:00.000Z',
    mode: 'run',
    verdict: 'pass',
    headline: 'perfgate passed: 1 scenario, 1 check',
    config: { file: 'perfgate.yml', hash: 'abc123' },
    runner: { cpuModel: 'AMD EPYC', cores: 2, memoryBytes: 24e9, os: 'linux 6.1 x64', node: 'v24.0.0' },
    durationMs: 5200,
    scenarios: [scenarioReport()],
    notes: [],
    ...overrides
  }
}
