import { afterEach, describe, expect, it } from '@jest/globals'
import type { Scenario } from '../../src/config/types.js'
import { runClosedLoad } from '../../src/load/closed.js'
import {
  decodeHistogram,
  encodeHistogram,
  createLatencyHistogram,
  mergeHistograms,
  summarize
} from '../../src/load/histogram.js'
import { startTestServer, type TestServer } from '../../__fixtures__/servers.js'
import { freePort } from '../../__fixtures__/config.js'

let server: TestServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

function scenario(
  url: string,
  overrides: Partial<Scenario['load']> = {},
  request: Partial<Scenario['request']> = {}
): Scenario {
  return {
    name: 't',
    request: { method: 'GET', url, headers: {}, ...request },
    load: {
      mode: 'closed',
      connections: 4,
      // counting facts need no more than a few hundred milliseconds
      durationMs: 400,
      warmupMs: 1000,
      timeoutMs: 10_000,
      ...overrides
    } as Scenario['load'],
    thresholds: [],
    regression: [],
    minRequests: 1,
    maxErrorRate: 1
  }
}

describe('runClosedLoad', () => {
  it('records 2xx latency in microseconds, leaves out warmup and each connection’s first response', async () => {
    server = await startTestServer((_, res) => setTimeout(() => res.end('ok'), 5))
    // a second of warm-up and of measurement: the warm-up's timeline is one whole second
    const result = await runClosedLoad(scenario(`${server.url}/x`, { durationMs: 1000 }))
    const { latency, counts } = result
    expect(counts.responses).toBeGreaterThan(20)
    expect(counts.status2xx).toBe(counts.responses)
    expect(server.seen()).toBeGreaterThan(counts.responses)
    expect(latency!.count).toBeLessThanOrEqual(counts.status2xx)
    expect(latency!.min).toBeGreaterThanOrEqual(4000)
    expect(latency!.p50).toBeLessThan(1_000_000)
    expect(latency!.p50).toBeLessThanOrEqual(latency!.p99)
    expect(latency!.p99).toBeLessThanOrEqual(latency!.max)
    expect(result.timeline.reduce((n, p) => n + p.rps, 0)).toBe(counts.responses)
    expect(result.generatorCpu).toBeGreaterThan(0)
    // the warmup's second is kept apart, for charts only, and ends where the measured window begins
    expect(result.warmupTimeline.map(p => p.t)).toEqual([0])
    expect(result.warmupTimeline[0]!.rps).toBeGreaterThan(0)
    expect(server.seen()).toBeGreaterThanOrEqual(counts.responses + result.warmupTimeline[0]!.rps)
  })

  it('leaves each connection’s first response out of latency when there is no warmup', async () => {
    server = await startTestServer((_, res) => res.end('ok'))
    const result = await runClosedLoad(scenario(`${server.url}/`, { warmupMs: 0, connections: 3 }))
    expect(result.latency!.count).toBe(result.counts.status2xx - 3)
  })

  it('counts a service answering 500 as errors and records no latency', async () => {
    server = await startTestServer((_, res) => {
      res.statusCode = 500
      res.end('no')
    })
    const result = await runClosedLoad(scenario(server.url, { warmupMs: 0 }))
    expect(result.counts.status5xx).toBe(result.counts.responses)
    expect(result.counts.responses).toBeGreaterThan(0)
    expect(result.latency).toBeNull()
  })

  it('counts 404s as 4xx', async () => {
    server = await startTestServer((_, res) => {
      res.statusCode = 404
      res.end()
    })
    const result = await runClosedLoad(scenario(server.url, { warmupMs: 0 }))
    expect(result.counts.status4xx).toBe(result.counts.responses)
  })

  it('counts timeouts from a hanging service', async () => {
    server = await startTestServer(() => undefined)
    const result = await runClosedLoad(
      scenario(server.url, { warmupMs: 0, durationMs: 600, timeoutMs: 300, connections: 2 })
    )
    expect(result.counts.timeout).toBeGreaterThan(0)
    expect(result.counts.responses).toBe(0)
    expect(result.latency).toBeNull()
  })

  it('counts resets from a service that destroys connections', async () => {
    server = await startTestServer(req => req.socket.destroy())
    const result = await runClosedLoad(scenario(server.url, { warmupMs: 0 }))
    expect(result.counts.reset).toBeGreaterThan(0)
    expect(result.counts.responses).toBe(0)
  })

  it('sends the next request on a new connection after a Connection: close response, losing none', async () => {
    const sockets = new Set<object>()
    server = await startTestServer((req, res) => {
      sockets.add(req.socket)
      res.setHeader('Connection', 'close')
      res.end('ok')
    })
    const result = await runClosedLoad(scenario(server.url, { warmupMs: 0, connections: 2 }))
    expect(result.counts.responses).toBeGreaterThan(10)
    expect(result.counts.status2xx).toBe(result.counts.responses)
    expect(result.counts.reset).toBe(0)
    expect(result.counts.other).toBe(0)
    // every request the server saw came on a connection of its own
    expect(sockets.size).toBe(server.seen())
  })

  it('counts the bytes of 1 MB responses whose bodies it does not keep', async () => {
    const body = Buffer.alloc(1024 * 1024, 'x')
    server = await startTestServer((_, res) => res.end(body))
    const result = await runClosedLoad(scenario(server.url, { warmupMs: 0, connections: 2 }))
    expect(result.counts.responses).toBeGreaterThan(0)
    expect(result.counts.status2xx).toBe(result.counts.responses)
    expect(result.bytes).toBeGreaterThanOrEqual(result.counts.responses * body.length)
  })

  it('counts connect errors when nothing listens, and still ends', async () => {
    const port = await freePort()
    const result = await runClosedLoad(scenario(`http://127.0.0.1:${port}/`, { warmupMs: 0, connections: 2 }))
    expect(result.counts.connect).toBeGreaterThan(0)
    expect(result.counts.responses).toBe(0)
  })

  it('stops promptly when aborted and says why', async () => {
    server = await startTestServer((_, res) => res.end('ok'))
    const abort = new AbortController()
    setTimeout(() => abort.abort('the service exited (code 70)'), 300)
    const result = await runClosedLoad(scenario(server.url, { warmupMs: 0, durationMs: 10_000 }), {
      signal: abort.signal
    })
    expect(result.abortedReason).toBe('the service exited (code 70)')
    expect(result.durationMs).toBeLessThan(5000)
  })

  it('fills {{seq}} per request in bodies', async () => {
    server = await startTestServer((_, res) => res.end('ok'))
    await runClosedLoad(
      scenario(
        `${server.url}/r`,
        { warmupMs: 0, connections: 2 },
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"guest":"g-{{seq}}"}' }
      )
    )
    const guests = server.bodies.map(b => JSON.parse(b).guest as string)
    expect(guests.length).toBeGreaterThan(10)
    expect(new Set(guests).size).toBe(guests.length)
    expect(guests.every(g => /^g-\d+$/.test(g))).toBe(true)
  })

  it('reports progress while it runs', async () => {
    server = await startTestServer((_, res) => res.end('ok'))
    const phases = new Set<string>()
    await runClosedLoad(scenario(server.url, { warmupMs: 1000, durationMs: 1000 }), {
      onProgress: p => phases.add(p.phase)
    })
    expect([...phases].sort()).toEqual(['measure', 'warmup'])
  })
})

describe('latency histograms', () => {
  it('round-trip through the compressed encoding and merge', () => {
    const h = createLatencyHistogram()
    for (let i = 1; i <= 1000; i++) h.recordValue(i * 10)
    const back = decodeHistogram(encodeHistogram(h))
    expect(summarize(back)!.p99).toBe(summarize(h)!.p99)
    expect(mergeHistograms([encodeHistogram(h), encodeHistogram(h)]).totalCount).toBe(2000)
    expect(summarize(createLatencyHistogram())).toBeNull()
  })
})
