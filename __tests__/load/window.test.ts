import { afterEach, describe, expect, it } from '@jest/globals'
import https from 'node:https'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import type { Scenario } from '../../src/config/types.js'
import { runOpenLoad } from '../../src/load/open.js'
import { runClosedLoad } from '../../src/load/closed.js'
import { runLoad } from '../../src/load/run-load.js'
import { trustedContext } from '../../src/load/tls.js'
import { measurementError } from '../../src/compare/validity.js'
import { startTestServer, type TestServer } from '../../__fixtures__/servers.js'
import { REPO } from '../../__fixtures__/config.js'

let server: TestServer | undefined
const closers: Array<() => Promise<void>> = []
afterEach(async () => {
  await server?.close()
  server = undefined
  for (const close of closers.splice(0)) await close()
})

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

function scenario(
  url: string,
  load: Partial<Scenario['load']>,
  request: Partial<Scenario['request']> = {}
): Scenario {
  return {
    name: 'window',
    request: { method: 'GET', url, headers: {}, ...request },
    load: { durationMs: 1000, warmupMs: 0, timeoutMs: 5000, ...load } as Scenario['load'],
    thresholds: [],
    regression: [],
    minRequests: 1,
    maxErrorRate: 1
  }
}

const attempted = (c: {
  responses: number
  connect: number
  timeout: number
  reset: number
  other: number
}) => c.responses + c.connect + c.timeout + c.reset + c.other

describe('clean windows: nothing reaches the service after a run returns', () => {
  it('open model: requests queued behind busy connections are aborted and counted, never sent later', async () => {
    // 2 connections to a 100 ms handler hold 20 req/s; 100 req/s queues most requests in the generator
    server = await startTestServer((_, res) => setTimeout(() => res.end('ok'), 100))
    const result = await runOpenLoad(
      scenario(server.url, { mode: 'rate', rate: 100, connections: 2, timeoutMs: 300 } as Partial<
        Scenario['load']
      >)
    )
    const seenAtReturn = server.seen()
    await sleep(500)
    expect(server.seen()).toBe(seenAtReturn)
    // every request the run sent ended as a response or a counted error; queued ones that timed out never left
    expect(result.counts.timeout).toBeGreaterThan(0)
    expect(attempted(result.counts)).toBe(result.counts.sent)
  })

  it('open model: an aborted run aborts what is queued and in flight at once', async () => {
    server = await startTestServer((_, res) => setTimeout(() => res.end('ok'), 200))
    const abort = new AbortController()
    setTimeout(() => abort.abort('stop now'), 400)
    const result = await runOpenLoad(
      scenario(server.url, { mode: 'rate', rate: 100, connections: 2, durationMs: 3000 } as Partial<
        Scenario['load']
      >),
      { signal: abort.signal }
    )
    const seenAtReturn = server.seen()
    await sleep(500)
    expect(server.seen()).toBe(seenAtReturn)
    expect(result.abortedReason).toBe('stop now')
    expect(attempted(result.counts)).toBe(result.counts.sent)
  })

  it('closed model: no request arrives after the run returns', async () => {
    server = await startTestServer((_, res) => setTimeout(() => res.end('ok'), 20))
    const result = await runClosedLoad(
      scenario(server.url, { mode: 'closed', connections: 8 } as Partial<Scenario['load']>)
    )
    const seenAtReturn = server.seen()
    await sleep(500)
    expect(server.seen()).toBe(seenAtReturn)
    expect(result.counts.responses).toBeGreaterThan(0)
  })

  it('closed model: requests still out at the window end get until their timeout, then count as timed out', async () => {
    // answers its first 40 requests, then holds every later one: at the window's end each connection has one out
    server = await startTestServer((_, res, n) => {
      if (n <= 40) res.end('ok')
    })
    const result = await runClosedLoad(
      scenario(server.url, { mode: 'closed', connections: 4, durationMs: 500, timeoutMs: 300 } as Partial<
        Scenario['load']
      >)
    )
    const seenAtReturn = server.seen()
    await sleep(300)
    expect(server.seen()).toBe(seenAtReturn)
    expect(result.counts.responses).toBe(40)
    expect(result.counts.timeout).toBe(4)
    expect(attempted(result.counts)).toBe(result.counts.sent)
  })
})

describe('https:// targets', () => {
  const fixtures = path.join(REPO, '__fixtures__', 'tls')
  async function startHttps(): Promise<string> {
    const secure = https.createServer(
      {
        key: readFileSync(path.join(fixtures, 'server.key')),
        cert: readFileSync(path.join(fixtures, 'server.crt'))
      },
      (_, res) => res.end('ok')
    )
    secure.listen(0, '127.0.0.1')
    await once(secure, 'listening')
    closers.push(async () => {
      secure.closeAllConnections()
      secure.close()
    })
    return `https://127.0.0.1:${(secure.address() as AddressInfo).port}/`
  }

  it('both load models speak TLS to a test certificate when the request says insecure', async () => {
    const url = await startHttps()
    const open = await runLoad(
      scenario(url, { mode: 'rate', rate: 100, connections: 4 } as Partial<Scenario['load']>, {
        insecure: true
      })
    )
    const closed = await runLoad(
      scenario(url, { mode: 'closed', connections: 2 } as Partial<Scenario['load']>, { insecure: true })
    )
    expect(open.counts.status2xx).toBe(open.counts.sent)
    expect(open.counts.status2xx).toBeGreaterThan(50)
    expect(closed.counts.status2xx).toBeGreaterThan(50)
  })

  it('an untrusted certificate is errored before any load, saying what to do', async () => {
    const url = await startHttps()
    for (const mode of ['rate', 'closed'] as const) {
      const load = await runLoad(
        scenario(url, { mode, rate: 50, connections: 2 } as Partial<Scenario['load']>)
      )
      expect(load.counts.sent).toBe(0)
      const error = measurementError(scenario(url, { mode } as Partial<Scenario['load']>), load)
      expect(error?.kind).toBe('tls')
      expect(error?.message).toContain('not trusted')
      expect(error?.message).toContain('NODE_EXTRA_CA_CERTS')
      expect(error?.message).toContain('insecure: true')
    }
  })

  it('NODE_EXTRA_CA_CERTS is trusted besides the bundled and system roots', async () => {
    const url = await startHttps()
    const context = trustedContext(path.join(fixtures, 'ca.crt'))
    const ok = await new Promise<boolean>(resolve => {
      const options: https.RequestOptions & { secureContext: typeof context } = {
        secureContext: context,
        rejectUnauthorized: true,
        agent: false
      }
      const req = https.get(url, options, res => {
        res.resume()
        resolve(res.statusCode === 200)
      })
      req.on('error', () => resolve(false))
    })
    expect(ok).toBe(true)
    // the doors pass the file down (nothing below them reads the environment): the load trusts it too
    for (const mode of ['rate', 'closed'] as const) {
      const load = await runLoad(
        scenario(url, { mode, rate: 50, connections: 2 } as Partial<Scenario['load']>),
        { extraCaCerts: path.join(fixtures, 'ca.crt') }
      )
      expect(load.tlsProblem).toBeUndefined()
      expect(load.counts.status2xx).toBeGreaterThan(0)
    }
  })
})
