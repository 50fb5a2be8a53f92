import { afterEach, describe, expect, it } from '@jest/globals'
import { runClosedLoad } from '../../src/load/closed.js'
import { h2Metrics, toMetrics } from '../../src/load/metrics.js'
import { H2_ERROR_CODES, metricInfo } from '../../src/config/metrics.js'
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

describe("HTTP/2's errors by kind", () => {
  it('are counted metrics of the catalogue: RST_STREAM in all and by code, GOAWAY, refused, stalls', () => {
    const metrics = h2Metrics({
      rstStream: { REFUSED_STREAM: 4, INTERNAL_ERROR: 2, 'code 42': 1 },
      goaway: 3,
      refused: 5,
      flowControlStalls: 6
    })
    expect(metrics).toMatchObject({
      'h2.rst_stream': 7,
      'h2.rst_stream.refused_stream': 4,
      'h2.rst_stream.internal_error': 2,
      'h2.rst_stream.cancel': 0,
      'h2.goaway': 3,
      'h2.refused': 5,
      'h2.flow_control_stalls': 6
    })
    // every code of RFC 9113 has its metric; a code outside it counts in the total only
    for (const code of H2_ERROR_CODES) expect(metrics).toHaveProperty([`h2.rst_stream.${code}`])
    for (const name of Object.keys(metrics))
      expect([name, metricInfo(name)]).toEqual([
        name,
        expect.objectContaining({ kind: 'count', count: true })
      ])
  })

  it('appear with an HTTP/2 load and not with an HTTP/1.1 one', () => {
    const streamErrors = { rstStream: { CANCEL: 1 }, goaway: 0, refused: 0, flowControlStalls: 0 }
    const h2 = toMetrics({ ...loadResult({ responses: 10, status2xx: 10 }), protocol: 'h2', streamErrors })
    expect(h2['h2.rst_stream.cancel']).toBe(1)
    const http1 = toMetrics(loadResult({ responses: 10, status2xx: 10 }))
    expect(Object.keys(http1).filter(name => name.startsWith('h2.'))).toEqual([])
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
