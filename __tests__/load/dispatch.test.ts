import { afterEach, describe, expect, it } from '@jest/globals'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { once } from 'node:events'
import { Pool } from 'undici'
import { ConnectionGauge, dispatchRequest, poolFor, type Outcome } from '../../src/load/dispatch.js'
import type { Scenario } from '../../src/config/types.js'
import { startTestServer, type TestServer } from '../../__fixtures__/servers.js'

let server: TestServer | undefined
let pool: Pool | undefined
afterEach(async () => {
  await pool?.destroy()
  await server?.close()
  pool = server = undefined
})

/** Sends one GET; resolves with whether the request was timed from its write, and how it ended. */
function send(p: Pool, gauge: ConnectionGauge): Promise<{ fromWrite: boolean; outcome: Outcome }> {
  return new Promise(resolve => {
    let fromWrite = false
    dispatchRequest(
      p,
      { method: 'GET', path: '/', headers: {} },
      { onWrite: () => (fromWrite = true), end: outcome => resolve({ fromWrite, outcome }) },
      gauge
    )
  })
}

describe('ConnectionGauge: where a request is timed from', () => {
  it('times from the write only a request that found an idle open connection', async () => {
    const held: Array<() => void> = []
    server = await startTestServer((_req, res) => held.push(() => res.end('ok')))
    pool = new Pool(server.url, { connections: 1, pipelining: 1 })
    const gauge = new ConnectionGauge(pool)

    // no connection is open yet: the connect is part of its wait
    const first = send(pool, gauge)
    await new Promise(resolve => setTimeout(resolve, 100))
    held.shift()!()
    expect(await first).toEqual({ fromWrite: false, outcome: { status: 200, size: expect.any(Number) } })

    // the connection is open and idle
    const second = send(pool, gauge)
    // the only connection is busy with the second: the third waits in the pool's queue, and that wait counts
    const third = send(pool, gauge)
    await new Promise(resolve => setTimeout(resolve, 100))
    held.shift()!()
    await new Promise(resolve => setTimeout(resolve, 100))
    held.shift()!()
    expect((await second).fromWrite).toBe(true)
    expect((await third).fromWrite).toBe(false)
  })

  it('frees its count when a request fails, so a dead connection is never counted as idle', async () => {
    server = await startTestServer((req, res) => {
      if (req.url === '/') req.socket.destroy()
      else res.end('ok')
    })
    pool = new Pool(server.url, { connections: 1, pipelining: 1 })
    const gauge = new ConnectionGauge(pool)
    const failed = await send(pool, gauge)
    expect(failed.outcome.error).toBeDefined()
    // the server dropped the connection: the next request opens a new one and is timed from its dispatch
    await new Promise(resolve => setTimeout(resolve, 50))
    expect(gauge.take()).toBe(false)
  })
})

describe('poolFor: keep-alive', () => {
  it('keeps a connection open across requests when the server states a keep-alive timeout under a second', async () => {
    // Node states 50 ms as `Keep-Alive: timeout=0`
    const node = http.createServer((_req, res) => res.end('ok'))
    node.keepAliveTimeout = 50
    let connections = 0
    node.on('connection', () => connections++)
    node.listen(0, '127.0.0.1')
    await once(node, 'listening')
    try {
      const { port } = node.address() as AddressInfo
      pool = poolFor({
        name: 'keep-alive',
        request: { method: 'GET', url: `http://127.0.0.1:${port}/`, headers: {} },
        load: { mode: 'closed', connections: 1, warmupMs: 0, durationMs: 1000, timeoutMs: 1000 }
      } as unknown as Scenario)
      const gauge = new ConnectionGauge(pool)
      for (let i = 0; i < 10; i++) {
        const { outcome } = await send(pool, gauge)
        expect(outcome.status).toBe(200)
        await new Promise(resolve => setTimeout(resolve, 5))
      }
      expect(connections).toBe(1)
    } finally {
      await pool?.destroy()
      pool = undefined
      node.closeAllConnections()
      node.close()
    }
  })
})
