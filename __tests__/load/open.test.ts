import { afterEach, describe, expect, it } from '@jest/globals'
import type { RateLoad, Scenario } from '../../src/config/types.js'
import { runOpenLoad, scheduledBefore, scheduleOf } from '../../src/load/open.js'
import { measurementError } from '../../src/compare/validity.js'
import { startTestServer, type TestServer } from '../../__fixtures__/servers.js'
import { freePort } from '../../__fixtures__/config.js'

let server: TestServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

function scenario(url: string, load: Partial<RateLoad> = {}): Scenario {
  return {
    name: 'open',
    request: { method: 'GET', url, headers: {} },
    load: {
      mode: 'rate',
      rate: 200,
      connections: 50,
      durationMs: 1500,
      warmupMs: 0,
      timeoutMs: 5000,
      ...load
    },
    thresholds: [],
    regression: [],
    minRequests: 1,
    maxErrorRate: 1
  }
}

describe('runOpenLoad', () => {
  it('sends on schedule at the target rate', async () => {
    server = await startTestServer((_, res) => res.end('ok'))
    const result = await runOpenLoad(scenario(server.url))
    expect(result.counts.sent).toBeGreaterThanOrEqual(270)
    expect(result.counts.sent).toBeLessThanOrEqual(301)
    expect(result.counts.status2xx).toBe(result.counts.sent)
    expect(result.targetRate).toBeCloseTo(200, 6)
    expect(result.achievedRate!).toBeGreaterThan(180)
    expect(result.achievedRate!).toBeLessThanOrEqual(201)
    expect(result.generatorLagUs).toBeGreaterThan(0)
    expect(result.latency!.p50).toBeGreaterThan(0)
  })

  it('shows a stall as every scheduled request saw it (from the intended send time)', async () => {
    // every response that arrives while the server stalls (the first 200 ms of each second) waits for the stall to end
    const started = Date.now()
    server = await startTestServer((_, res) => {
      const phase = (Date.now() - started) % 1000
      if (phase < 200) setTimeout(() => res.end('ok'), 200 - phase)
      else res.end('ok')
    })
    const result = await runOpenLoad(scenario(server.url, { rate: 100, durationMs: 2000 }))
    expect(result.latency!.p99).toBeGreaterThan(150_000)
    expect(result.latency!.p50).toBeLessThan(50_000)
  })

  it('counts queueing when too few connections are allowed', async () => {
    server = await startTestServer((_, res) => setTimeout(() => res.end('ok'), 100))
    const result = await runOpenLoad(
      scenario(server.url, { rate: 60, connections: 2, durationMs: 500, timeoutMs: 10_000 })
    )
    // 2 connections at 100 ms each serve 20/s, not 60/s: scheduled requests wait, and that wait is latency
    expect(result.latency!.max).toBeGreaterThan(500_000)
  })

  it('keeps the warmup seconds apart (t <= 0) for the charts', async () => {
    server = await startTestServer((_, res) => res.end('ok'))
    const result = await runOpenLoad(scenario(server.url, { warmupMs: 2000, durationMs: 1000, rate: 100 }))
    expect(result.warmupTimeline.map(p => p.t)).toEqual([-1, 0])
    expect(result.warmupTimeline.every(p => p.rps > 50)).toBe(true)
    expect(result.timeline.every(p => p.t >= 1)).toBe(true)
  })

  it('splits errors by kind and ramps the rate', async () => {
    server = await startTestServer((_, res) => {
      res.statusCode = 503
      res.end()
    })
    const failing = await runOpenLoad(scenario(server.url, { durationMs: 500 }))
    expect(failing.counts.status5xx).toBe(failing.counts.sent)
    const refused = await runOpenLoad(scenario(`http://127.0.0.1:${await freePort()}/`, { durationMs: 500 }))
    expect(refused.counts.connect).toBeGreaterThan(0)
    const ramp = scheduleOf({
      mode: 'rate',
      rate: 150,
      connections: 10,
      durationMs: 1500,
      warmupMs: 0,
      timeoutMs: 1000,
      ramp: { from: 50, to: 150, overMs: 1500 }
    })
    // 50..150 req/s over 1.5 s: (50 + 150) / 2 * 1.5 = 150 requests
    expect(ramp(150)).toBeCloseTo(1500, 0)
    expect(ramp(75)).toBeLessThan(1000)
  })

  it('stops when aborted', async () => {
    server = await startTestServer((_, res) => res.end('ok'))
    const abort = new AbortController()
    setTimeout(() => abort.abort('the service exited (code 70)'), 200)
    const result = await runOpenLoad(scenario(server.url, { durationMs: 10_000 }), { signal: abort.signal })
    expect(result.abortedReason).toBe('the service exited (code 70)')
  })

  it('a generator held up by its own event loop sends late: lag over the limit, achieved rate under target, errored', async () => {
    server = await startTestServer((_, res) => res.end('ok'))
    const busy = (ms: number) => {
      const until = performance.now() + ms
      while (performance.now() < until);
    }
    // the generator's process is blocked from its first progress report (about 500 ms into a 1 s window, whatever
    // its start-up took) for 700 ms: the requests due then leave late, in a burst, and the last of them about 200 ms
    // after the window (200 requests over about 1.2 s: ~167 req/s)
    let blocked = false
    const s = scenario(server.url, { rate: 200, durationMs: 1000 })
    const result = await runOpenLoad(s, {
      onProgress: () => {
        if (blocked) return
        blocked = true
        busy(700)
      }
    })
    expect(blocked).toBe(true)
    expect(result.targetRate).toBeCloseTo(200, 6)
    expect(result.generatorSaturated).toBe(true)
    expect(result.generatorLagUs).toBeGreaterThan(10_000)
    expect(result.achievedRate!).toBeLessThan(180)
    expect(measurementError(s, result)?.kind).toBe('generator-lag')
  })

  it('counts the requests a schedule puts in a window, ramps included', () => {
    const constant = scheduleOf({
      mode: 'rate',
      rate: 200,
      connections: 1,
      durationMs: 1000,
      warmupMs: 0,
      timeoutMs: 1
    })
    expect(scheduledBefore(constant, 1000)).toBe(200)
    expect(scheduledBefore(constant, 500) - scheduledBefore(constant, 250)).toBe(50)
    const ramp = scheduleOf({
      mode: 'rate',
      rate: 150,
      connections: 1,
      durationMs: 3000,
      warmupMs: 0,
      timeoutMs: 1,
      ramp: { from: 50, to: 150, overMs: 1500 }
    })
    // 150 requests over the ramp, then 150 req/s for 1.5 s
    expect(scheduledBefore(ramp, 1500)).toBe(150)
    expect(scheduledBefore(ramp, 3000)).toBe(375)
  })
})
