import { afterEach, describe, expect, it } from '@jest/globals'
import { runGate } from '../../src/engine/run.js'
import { findKnee } from '../../src/engine/suites.js'
import { stopAllServices, liveProcessGroups } from '../../src/service/spawn.js'
import { reportProblems } from '../../src/report/validate.js'
import { exampleConfig, freePort } from '../../__fixtures__/config.js'

afterEach(async () => {
  await stopAllServices()
})

const short = { mode: 'closed' as const, connections: 2, durationMs: 1000, warmupMs: 0, timeoutMs: 5000 }

describe('suites', () => {
  it('finds the knee: the highest throughput before p99 rises past the factor', () => {
    const points = [
      { connections: 1, rps: 1000, p99: 1000 },
      { connections: 4, rps: 3000, p99: 1500 },
      { connections: 16, rps: 3200, p99: 2500 },
      { connections: 64, rps: 3300, p99: 9000 }
    ]
    expect(findKnee(points, 2)?.connections).toBe(4)
    expect(findKnee(points, 3)?.connections).toBe(16)
    expect(findKnee([], 2)).toBeUndefined()
  })

  it('a sweep measures each step and reports the optimal connections as a metric with thresholds', async () => {
    const port = await freePort()
    const config = exampleConfig(port, [
      {
        load: short,
        suite: { kind: 'sweep', steps: [1, 4], kneeFactor: 100 },
        thresholds: [
          { metric: 'sweep.optimal_connections', op: '>=', value: 1, expression: '>= 1', severity: 'fail' }
        ]
      }
    ])
    const report = await runGate(config)
    expect(reportProblems(report)).toEqual([])
    const [scenario] = report.scenarios
    expect(scenario!.suite?.points.map(p => p.connections)).toEqual([1, 4])
    expect(scenario!.metrics['sweep.optimal_connections']).toBeGreaterThanOrEqual(1)
    expect(scenario!.checks[0]!.verdict).toBe('pass')
  })

  it('a stress ramp stops at the breaking point and restarts the service afterwards', async () => {
    const port = await freePort()
    const config = exampleConfig(port, [
      {
        name: 'stress',
        load: short,
        suite: { kind: 'stress', start: 1, step: 1, max: 3, maxErrorRate: 0.05 }
      },
      { name: 'after', load: short }
    ])
    config.service.env.ERROR_RATE = '0.2'
    const report = await runGate(config)
    const [stress, after] = report.scenarios
    expect(stress!.suite?.marker?.label).toMatch(/^errors reached [\d.]+% at 1 connections$/)
    expect(stress!.metrics['stress.breaking_point.connections']).toBe(0)
    expect(after!.error?.kind).toBe('error-rate')
    expect(liveProcessGroups()).toEqual([])
  })

  it('a soak splits one long run into windows and measures memory drift', async () => {
    const port = await freePort()
    const config = exampleConfig(port, [
      { load: { ...short, durationMs: 3000 }, suite: { kind: 'soak', windowMs: 1000 } }
    ])
    config.service.env.LEAK_KB = '64'
    const report = await runGate(config)
    const [scenario] = report.scenarios
    expect(scenario!.suite?.points).toHaveLength(3)
    expect(scenario!.metrics['soak.drift']).toBeGreaterThan(0.05)
  })
})
