import type { LoadCounts, LoadResult } from '../src/load/types.js'
import type { Scenario } from '../src/config/types.js'
import { emptyCounts } from '../src/load/errors.js'

export function loadResult(counts: Partial<LoadCounts> = {}, extra: Partial<LoadResult> = {}): LoadResult {
  const full: LoadCounts = { ...emptyCounts(), sent: 1000, responses: 1000, status2xx: 1000, ...counts }
  return {
    durationMs: 2000,
    warmupMs: 500,
    counts: full,
    bytes: 100_000,
    histogram: '',
    latency: null,
    timeline: [],
    warmupTimeline: [],
    generatorCpu: 20,
    generatorLagUs: 0,
    ...extra
  }
}

export function scenario(overrides: Partial<Scenario> = {}): Scenario {
  return {
    name: 'list',
    request: { method: 'GET', url: 'http://127.0.0.1:18080/reservations', headers: {} },
    load: { mode: 'closed', connections: 10, durationMs: 2000, warmupMs: 500, timeoutMs: 10_000 },
    thresholds: [],
    regression: [],
    minRequests: 100,
    maxErrorRate: 0.05,
    ...overrides
  }
}
