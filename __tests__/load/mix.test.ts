import { afterEach, describe, expect, it } from '@jest/globals'
import type { Scenario } from '../../src/config/types.js'
import { runClosedLoad } from '../../src/load/closed.js'
import { runOpenLoad } from '../../src/load/open.js'
import { compileScenario } from '../../src/load/request.js'
import { countResponse, emptyCounts, recordsLatency } from '../../src/load/errors.js'
import { failedCount } from '../../src/load/timeline.js'
import { toMetrics } from '../../src/load/metrics.js'
import { startTestServer, type TestServer } from '../../__fixtures__/servers.js'

let server: TestServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

function mixScenario(url: string, load: Scenario['load']): Scenario {
  const get = { method: 'GET', url: `${url}/items/{{seq}}`, headers: {}, weight: 3 }
  const post = {
    method: 'POST',
    url: `${url}/orders`,
    headers: { 'content-type': 'application/json' },
    body: '{"guest":"{{guest}}"}',
    weight: 1
  }
  return {
    name: 'mix',
    request: get,
    mix: [get, post],
    values: { guest: ['ann', 'bob'] },
    load,
    thresholds: [],
    regression: [],
    minRequests: 1,
    maxErrorRate: 1
  }
}

/** A server that tallies what it receives (startTestServer has read the body before the handler runs). */
async function tallyServer() {
  const seen = { get: 0, post: 0, other: 0 }
  const started = await startTestServer((req, res) => {
    if (req.method === 'GET' && /^\/items\/\d+$/.test(req.url ?? '')) seen.get++
    else if (req.method === 'POST' && req.url === '/orders') seen.post++
    else seen.other++
    res.end('ok')
  })
  const guests = () => new Set(started.bodies.map(b => (JSON.parse(b) as { guest: string }).guest))
  return { server: started, seen, guests }
}

describe('a weighted mix of requests', () => {
  it('picks requests by weight and fills values in turn', () => {
    const template = compileScenario(
      mixScenario('http://127.0.0.1:1', {
        mode: 'closed',
        connections: 1,
        durationMs: 1,
        warmupMs: 0,
        timeoutMs: 1
      })
    )
    const rendered = Array.from({ length: 4000 }, () => template.render())
    const posts = rendered.filter(r => r.method === 'POST')
    expect(template.dynamic).toBe(true)
    expect(posts.length / rendered.length).toBeGreaterThan(0.2)
    expect(posts.length / rendered.length).toBeLessThan(0.3)
    expect(new Set(posts.map(p => p.body))).toEqual(new Set(['{"guest":"ann"}', '{"guest":"bob"}']))
    expect(rendered.find(r => r.method === 'GET')!.path).toMatch(/^\/items\/\d+$/)
  })

  it('closed model: sends both kinds with their method, path, headers and body', async () => {
    const tally = await tallyServer()
    server = tally.server
    const result = await runClosedLoad(
      mixScenario(server.url, {
        mode: 'closed',
        connections: 2,
        durationMs: 700,
        warmupMs: 0,
        timeoutMs: 5000
      })
    )
    expect(result.counts.status2xx).toBeGreaterThan(20)
    expect(tally.seen.other).toBe(0)
    expect(tally.seen.get).toBeGreaterThan(tally.seen.post)
    expect(tally.seen.post).toBeGreaterThan(0)
    expect(tally.guests()).toEqual(new Set(['ann', 'bob']))
  })

  it('open model: the same mix on its schedule', async () => {
    const tally = await tallyServer()
    server = tally.server
    const result = await runOpenLoad(
      mixScenario(server.url, {
        mode: 'rate',
        rate: 200,
        connections: 20,
        durationMs: 1000,
        warmupMs: 0,
        timeoutMs: 5000
      })
    )
    expect(result.counts.status2xx).toBe(result.counts.sent)
    expect(tally.seen.other).toBe(0)
    expect(tally.seen.post).toBeGreaterThan(10)
    expect(tally.seen.get).toBeGreaterThan(tally.seen.post)
  })
})

describe('per-request status expectations', () => {
  it('counts a response by what its request expects', () => {
    const counts = emptyCounts()
    expect(countResponse(counts, 404, [200, 404])).toBe(true)
    expect(countResponse(counts, 200, [201])).toBe(false)
    expect(countResponse(counts, 500)).toBe(false)
    expect(countResponse(counts, 302)).toBe(true)
    expect(counts).toMatchObject({
      responses: 4,
      status4xx: 1,
      status5xx: 1,
      expectedErrors: 1,
      unexpected: 1
    })
    expect(failedCount(counts)).toBe(2)
    expect(recordsLatency(404, [404])).toBe(true)
    expect(recordsLatency(302)).toBe(false)
  })

  it('closed model: expected 404s pass, a 201 where 200 was expected fails, each request by its own list', async () => {
    server = await startTestServer((req, res) => {
      res.statusCode = req.method === 'POST' ? 201 : 404
      res.end('x')
    })
    const scenario = mixScenario(server.url, {
      mode: 'closed',
      connections: 2,
      durationMs: 700,
      warmupMs: 0,
      timeoutMs: 5000
    })
    scenario.mix = scenario.mix!.map(r => ({ ...r, expect: r.method === 'POST' ? [200] : [404] }))
    const result = await runClosedLoad(scenario)
    const c = result.counts
    expect(c.status4xx).toBeGreaterThan(0)
    expect(c.expectedErrors).toBe(c.status4xx)
    expect(c.unexpected).toBe(c.status2xx)
    expect(c.unexpected).toBeGreaterThan(0)
    expect(failedCount(c)).toBe(c.unexpected)
    expect(result.latency!.count).toBeGreaterThan(0)
    const metrics = toMetrics(result)
    expect(metrics['status.unexpected']).toBe(c.unexpected)
  })

  it('open model: a single request with expect: [404] has no failures and full latency', async () => {
    server = await startTestServer((_, res) => {
      res.statusCode = 404
      res.end('x')
    })
    const scenario = mixScenario(server.url, {
      mode: 'rate',
      rate: 100,
      connections: 10,
      durationMs: 800,
      warmupMs: 0,
      timeoutMs: 5000
    })
    delete scenario.mix
    scenario.request = { ...scenario.request, url: `${server.url}/items/1`, expect: [404] }
    const result = await runOpenLoad(scenario)
    expect(failedCount(result.counts)).toBe(0)
    expect(result.latency!.count).toBe(result.counts.sent)
  })
})
