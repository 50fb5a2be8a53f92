import { afterEach, describe, expect, it } from '@jest/globals'
import { runGate } from '../../src/gate/run-gate.js'
import { drift, findKnee } from '../../src/measure/suites.js'
import { stopAllServices, liveProcessGroups } from '../../src/service/spawn.js'
import { reportProblems } from '../../src/report/validate.js'
import type { RateLoad, ThresholdCheck } from '../../src/config/types.js'
import { exampleConfig, freePort } from '../../__fixtures__/config.js'

afterEach(async () => {
  await stopAllServices()
})

const short = { mode: 'closed' as const, connections: 2, durationMs: 1000, warmupMs: 0, timeoutMs: 5000 }
// these tests are about stepping and stopping, not the schedule's precision: a GC pause of a busy jest process
// must not error a half-second step as generator lag (the generator's own lag is tested in load/open.test.ts)
const rate = (r: number, durationMs = 500): RateLoad => ({
  mode: 'rate',
  rate: r,
  connections: 20,
  durationMs,
  warmupMs: 0,
  timeoutMs: 5000,
  maxLagMs: 200
})
const threshold = (metric: string, op: ThresholdCheck['op'], value: number): ThresholdCheck => ({
  metric,
  op,
  value,
  expression: `${op} ${value}`,
  severity: 'fail'
})

describe('knee and drift', () => {
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

  it('stops at the first step past the limit, even when a later step falls back under it', () => {
    const points = [
      { connections: 1, rps: 1000, p99: 1000 },
      { connections: 4, rps: 3000, p99: 1500 },
      { connections: 16, rps: 3100, p99: 2600 },
      { connections: 64, rps: 5000, p99: 1900 }
    ]
    expect(findKnee(points, 2)?.connections).toBe(4)
    // an invalid step (no p99) ends the curve too
    expect(findKnee([points[0]!, { connections: 4, rps: 10, p99: null }, points[3]!], 2)?.connections).toBe(1)
  })

  it('soak drift is the least-squares growth over the run, not decided by one window', () => {
    const windows = (rss: number[]) => rss.map((rssBytes, i) => ({ t: i + 1, rssBytes }))
    // a steady leak: the fit is exact, 50 MB -> 90 MB is 80% growth
    expect(drift(windows([50, 60, 70, 80, 90]), 'rssBytes')).toBeCloseTo(0.8, 6)
    // two windows: last / first - 1
    expect(drift(windows([100, 125]), 'rssBytes')).toBeCloseTo(0.25, 6)
    // flat memory with one spike in the middle: no growth
    expect(drift(windows([100, 100, 300, 100, 100]), 'rssBytes')).toBeCloseTo(0, 6)
    // flat memory whose last window is noisy: well below last / first - 1 (50%)
    expect(drift(windows([100, 100, 100, 100, 150]), 'rssBytes')!).toBeLessThan(0.45)
    expect(drift(windows([100]), 'rssBytes')).toBeNull()
  })
})

describe('suites against the example service', () => {
  it('an open-model scenario reports the target and achieved rate, gated by thresholds', async () => {
    const port = await freePort()
    const config = exampleConfig(port, [
      {
        load: { ...rate(200, 1000), warmupMs: 300, maxLagMs: 10 },
        thresholds: [threshold('generator.rate.achieved', '>', 150), threshold('generator.lag', '<', 10_000)]
      }
    ])
    const report = await runGate(config)
    expect(reportProblems(report)).toEqual([])
    const [scenario] = report.scenarios
    const m = scenario!.metrics
    expect(m['generator.rate.target']).toBeCloseTo(200, 6)
    if (scenario!.error) {
      // a busy machine can stall the generator's event loop: then the run must say so and keep the figures that
      // show it, never pass the numbers off as the service's
      expect(scenario!.error.kind).toBe('generator-lag')
      expect(m['generator.lag']).toBeGreaterThan(10_000)
      expect(m['latency.p99']).toBeUndefined()
      return
    }
    expect(scenario!.verdict).toBe('pass')
    expect(m['generator.rate.achieved']).toBeGreaterThan(180)
    expect(m['generator.rate.achieved']).toBeLessThanOrEqual(201)
    expect(scenario!.checks.filter(c => c.kind === 'threshold').map(c => c.verdict)).toEqual(['pass', 'pass'])
  })

  it('a sweep finds a real knee before its last step, with the curve and the throughput metrics', async () => {
    const port = await freePort()
    const config = exampleConfig(port, [
      {
        // a whole second per step: the first step's p99 sets the knee's limit, and a shorter window lets one
        // scheduler hiccup of a busy machine raise it past the last step
        load: { ...short, durationMs: 1000 },
        suite: { kind: 'sweep', steps: [1, 2, 32], kneeFactor: 4 },
        thresholds: [threshold('sweep.optimal_connections', '>=', 1), threshold('sweep.optimal_rps', '>', 0)]
      }
    ])
    // 2 ms of CPU per request on one core: throughput is flat past 1-2 connections while p99 grows with the queue
    config.service!.env.CPU_US = '2000'
    const report = await runGate(config)
    expect(reportProblems(report)).toEqual([])
    const [scenario] = report.scenarios
    const points = scenario!.suite!.points
    expect(scenario!.suite!.x).toBe('connections')
    expect(points.map(p => p.connections)).toEqual([1, 2, 32])
    for (const p of points) {
      for (const key of ['rps', 'p50', 'p95', 'p99', 'p99.9', 'errorRate', 'cpu', 'rssBytes'])
        expect(typeof p[key]).toBe('number')
    }
    const knee = scenario!.metrics['sweep.optimal_connections']
    expect([1, 2]).toContain(knee)
    const kneePoint = points.find(p => p.connections === knee)!
    expect(scenario!.metrics['sweep.optimal_rps']).toBe(kneePoint.rps)
    expect(scenario!.metrics['sweep.max_rps']).toBe(Math.max(...points.map(p => p.rps as number)))
    expect(scenario!.suite!.marker!.label).toMatch(new RegExp(`^knee at ${knee} connections? \\(`))
    expect(scenario!.checks.filter(c => c.kind === 'threshold').map(c => c.verdict)).toEqual(['pass', 'pass'])
    // the finding needs evidence: the step after the knee has a higher p99 and less than 10% more throughput.
    // On a busy machine the next step can lose that evidence to noise, and then there must be no finding.
    const finding = scenario!.findings?.find(f => f.kind === 'latency-knee')
    const next = points[points.indexOf(kneePoint) + 1]!
    const evidenced =
      (next.p99 as number) > (kneePoint.p99 as number) &&
      (next.rps as number) <= 1.1 * (kneePoint.rps as number)
    if (evidenced)
      expect(finding?.evidence).toMatch(
        /^p99 rose from [\d.]+ ms at \d+ connections to [\d.]+ ms at \d+ connections/
      )
    else expect(finding).toBeUndefined()
  })

  it('with load mode rate a sweep steps the rate', async () => {
    const port = await freePort()
    const config = exampleConfig(port, [
      { load: rate(100), suite: { kind: 'sweep', steps: [100, 200], kneeFactor: 100 } }
    ])
    const report = await runGate(config)
    expect(reportProblems(report)).toEqual([])
    const [scenario] = report.scenarios
    expect(scenario!.error).toBeUndefined()
    expect(scenario!.suite!.x).toBe('rate')
    expect(scenario!.suite!.points.map(p => p.rate)).toEqual([100, 200])
    expect(scenario!.suite!.points[1]!.achievedRate).toBeGreaterThan(150)
    expect(scenario!.metrics['sweep.optimal_rate']).toBe(200)
    expect(scenario!.metrics['sweep.optimal_connections']).toBeUndefined()
    expect(scenario!.suite!.marker!.label).toMatch(/^no knee/)
    expect(scenario!.findings?.some(f => f.kind === 'latency-knee') ?? false).toBe(false)
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
    config.service!.env.ERROR_RATE = '0.2'
    const report = await runGate(config)
    const [stress, after] = report.scenarios
    expect(stress!.suite?.marker?.label).toMatch(
      /^broke: errors reached [\d.]+% at 1 connection; no step was sustainable$/
    )
    expect(stress!.metrics['stress.breaking_point.connections']).toBe(0)
    expect(stress!.metrics['stress.broke_at.connections']).toBe(1)
    expect(after!.error?.kind).toBe('error-rate')
    expect(liveProcessGroups()).toEqual([])
  })

  it('a stress ramp breaks where p99 passes its limit, and reports the last sustainable step', async () => {
    const port = await freePort()
    const config = exampleConfig(port, [
      {
        load: { ...short, durationMs: 500 },
        suite: { kind: 'stress', start: 1, step: 64, max: 129, maxErrorRate: 0.05, p99LimitUs: 40_000 }
      }
    ])
    // 2 ms of CPU per request: ~2 ms p99 at 1 connection (under 40 ms even when a CPU hog shares the service's
    // core), ~130 ms at 65 (they queue on one core)
    config.service!.env.CPU_US = '2000'
    const report = await runGate(config)
    const [scenario] = report.scenarios
    expect(scenario!.error).toBeUndefined()
    expect(scenario!.suite!.points.map(p => p.connections)).toEqual([1, 65])
    expect(scenario!.suite!.marker).toMatchObject({ x: 65 })
    expect(scenario!.suite!.marker!.label).toMatch(
      /^broke: p99 reached [\d.]+ ms \(limit 40 ms\) at 65 connections; max sustainable 1 connection, [\d,.]+ req\/s$/
    )
    expect(scenario!.metrics['stress.breaking_point.connections']).toBe(1)
    expect(scenario!.metrics['stress.broke_at.connections']).toBe(65)
    expect(scenario!.metrics['stress.breaking_point.rps']).toBe(scenario!.suite!.points[0]!.rps)
  })

  it('with load mode rate a stress ramp steps the rate and stops when the service dies', async () => {
    const port = await freePort()
    const config = exampleConfig(port, [
      {
        name: 'stress',
        // a busy runner can delay a few sends by tens of ms; this test is about the service dying, not the generator
        load: { ...rate(60), maxLagMs: 500 },
        suite: { kind: 'stress', start: 60, step: 60, max: 240, maxErrorRate: 0.05 }
      },
      { name: 'after', load: { ...rate(50), maxLagMs: 500 } }
    ])
    // 30 requests at 60 req/s pass; the process exits during the 60 requests at 120 req/s
    config.service!.env.CRASH_AFTER = '45'
    const report = await runGate(config)
    expect(reportProblems(report)).toEqual([])
    const [stress, after] = report.scenarios
    expect(stress!.suite!.x).toBe('rate')
    expect(stress!.suite!.points.map(p => p.rate)).toEqual([60, 120])
    expect(stress!.suite!.marker!.label).toMatch(
      /^broke: the service died at 120 req\/s; max sustainable 60 req\/s, [\d.]+ req\/s$/
    )
    expect(stress!.metrics['stress.breaking_point.rate']).toBe(60)
    expect(stress!.metrics['stress.broke_at.rate']).toBe(120)
    expect(stress!.metrics['stress.breaking_point.rps']).toBeGreaterThan(45)
    // the next scenario ran against a fresh process
    expect(after!.error).toBeUndefined()
    expect(report.notes.join(' ')).not.toContain('restarted before after')
    expect(liveProcessGroups()).toEqual([])
  })

  it('a generator that falls behind stops a rate-mode stress ramp without blaming the service', async () => {
    const port = await freePort()
    const config = exampleConfig(port, [
      {
        // no lateness at all is allowed: every real schedule is some microseconds late, so the first step lags
        load: { ...rate(60), maxLagMs: 0 },
        suite: { kind: 'stress', start: 60, step: 60, max: 240, maxErrorRate: 0.05 }
      }
    ])
    const report = await runGate(config)
    const [stress] = report.scenarios
    expect(stress!.suite!.points.map(p => p.rate)).toEqual([60])
    expect(stress!.suite!.marker!.label).toMatch(
      /^stopped at 60 req\/s: the load generator fell behind its schedule .*: no step was measured; no breaking point found$/
    )
    expect(stress!.metrics['stress.broke_at.rate']).toBeNull()
    expect(stress!.metrics['stress.breaking_point.rate']).toBe(0)
    expect(liveProcessGroups()).toEqual([])
  })

  it('a stress ramp is bounded by max-time', async () => {
    const port = await freePort()
    const config = exampleConfig(port, [
      {
        load: { ...short, durationMs: 500 },
        suite: { kind: 'stress', start: 1, step: 1, max: 100, maxErrorRate: 0.05, maxTimeMs: 800 }
      }
    ])
    const report = await runGate(config)
    const [scenario] = report.scenarios
    expect(scenario!.suite!.points).toHaveLength(1)
    expect(scenario!.suite!.marker!.label).toBe(
      'stopped by max-time 800 ms before 2 connections: no breaking point up to 1 connection'
    )
    expect(scenario!.metrics['stress.breaking_point.connections']).toBe(1)
    expect(scenario!.metrics['stress.broke_at.connections']).toBeNull()
  })

  it('a soak splits one long run into windows, and a soak.drift threshold fails on a leak only', async () => {
    // an open-model rate, so the leak (LEAK_KB per request) is the same on a quiet and on a busy machine
    const soakScenario = {
      load: rate(400, 2000),
      suite: { kind: 'soak' as const, windowMs: 500 },
      thresholds: [threshold('soak.drift', '<', 0.1)]
    }
    const leaking = exampleConfig(await freePort(), [soakScenario])
    leaking.service!.env.LEAK_KB = '64'
    const leak = (await runGate(leaking)).scenarios[0]!
    expect(leak.suite!.points.length).toBeGreaterThanOrEqual(4)
    expect(leak.metrics['soak.drift']).toBeGreaterThan(0.1)
    expect(leak.checks[0]!.verdict).toBe('fail')

    const steady = (await runGate(exampleConfig(await freePort(), [soakScenario]))).scenarios[0]!
    expect(steady.metrics['soak.drift']).toBeLessThan(0.1)
    expect(steady.checks[0]!.verdict).toBe('pass')
  })
})
