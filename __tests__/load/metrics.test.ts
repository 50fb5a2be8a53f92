import { afterEach, describe, expect, it } from '@jest/globals'
import { runClosedLoad } from '../../src/load/closed.js'
import { toMetrics } from '../../src/load/metrics.js'
import { loadResult, scenario } from '../../__fixtures__/load.js'
import { startTestServer, type TestServer } from '../../__fixtures__/servers.js'

describe('throughput.ok_rps', () => {
  it('counts successes only: a head that fails 5% fast has the same rps as an all-200 base but a lower ok_rps', () => {
    const base = toMetrics(loadResult({ responses: 1000, status2xx: 1000 }))
    const head = toMetrics(loadResult({ responses: 1000, status2xx: 950, status5xx: 50 }))
    expect(head['throughput.rps']).toBe(base['throughput.rps'])
    expect(base['throughput.ok_rps']).toBe(500)
    expect(head['throughput.ok_rps']).toBe(475)
    expect(head['throughput.ok_rps']!).toBeLessThan(base['throughput.ok_rps']!)
  })

  it('follows expect: an expected 404 succeeds, an unexpected 200 does not', () => {
    // 800 expected 200s, 150 expected 404s, 40 200s that expected 201, 10 unexpected 404s; over 2 s
    const metrics = toMetrics(
      loadResult({ responses: 1000, status2xx: 840, status4xx: 160, expectedErrors: 150, unexpected: 40 })
    )
    expect(metrics['throughput.rps']).toBe(500)
    expect(metrics['throughput.ok_rps']).toBe(475)
    expect(metrics['errors.total']).toBe(50)
  })

  it('is 0 when nothing answered', () => {
    const metrics = toMetrics(loadResult({ responses: 0, status2xx: 0, connect: 10 }))
    expect(metrics['throughput.ok_rps']).toBe(0)
  })
})

describe('throughput.ok_rps against a real server', () => {
  let server: TestServer | undefined
  afterEach(async () => {
    await server?.close()
    server = undefined
  })

  it('leaves out fast 500s that throughput.rps counts', async () => {
    server = await startTestServer((_, res, n) => {
      res.statusCode = n % 20 === 0 ? 500 : 200
      res.end('x')
    })
    const load = { mode: 'closed' as const, connections: 2, durationMs: 600, warmupMs: 200, timeoutMs: 5000 }
    const result = await runClosedLoad(
      scenario({ request: { method: 'GET', url: server.url, headers: {} }, load, maxErrorRate: 1 })
    )
    const metrics = toMetrics(result)
    const { responses, status5xx } = result.counts
    expect(status5xx).toBeGreaterThan(0)
    const ratio = metrics['throughput.ok_rps']! / metrics['throughput.rps']!
    expect(ratio).toBeCloseTo((responses - status5xx) / responses, 10)
    expect(ratio).toBeLessThan(1)
  })
})
