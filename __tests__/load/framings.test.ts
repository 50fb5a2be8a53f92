/**
 * Every load model reads every valid HTTP/1.x framing and counts the same responses the same way: the closed model
 * (`run`, autocannon underneath), the open model (undici) and the slice sessions that `compare` drives (undici),
 * against raw `net` servers that answer with a Content-Length, chunked, close-delimited (Connection: close and no
 * length, as PHP's built-in server does) and as HTTP/1.0 without keep-alive.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import type { Scenario } from '../../src/config/types.js'
import { runClosedLoad } from '../../src/load/closed.js'
import { runOpenLoad } from '../../src/load/open.js'
import { startSession } from '../../src/load/session.js'
import type { LoadCounts } from '../../src/load/types.js'
import { FRAMINGS, startFramingServer, type FramingServer } from '../../__fixtures__/framings.js'

let server: FramingServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

function scenario(url: string, load: Partial<Scenario['load']>): Scenario {
  return {
    name: 'framing',
    request: { method: 'GET', url, headers: {} },
    load: { connections: 2, durationMs: 400, warmupMs: 200, timeoutMs: 2000, ...load } as Scenario['load'],
    thresholds: [],
    regression: [],
    minRequests: 1,
    maxErrorRate: 1
  }
}

async function slices(url: string, load: Partial<Scenario['load']>): Promise<LoadCounts> {
  const session = startSession(scenario(url, load))
  try {
    await session.warm(100)
    return (await session.slice(300)).counts
  } finally {
    await session.close()
  }
}

/** What every model must say of a server that answers 200 to every request, whatever its framing. */
function expectAllSucceeded(counts: LoadCounts): void {
  expect(counts.status2xx).toBeGreaterThan(0)
  expect(counts.responses).toBe(counts.status2xx)
  expect({
    reset: counts.reset,
    timeout: counts.timeout,
    connect: counts.connect,
    other: counts.other
  }).toEqual({ reset: 0, timeout: 0, connect: 0, other: 0 })
  expect(counts.sent).toBe(counts.responses)
}

describe.each(FRAMINGS)('a %s response', framing => {
  it('is read by the closed model, the open model and both slice sessions, every request a 2xx', async () => {
    server = await startFramingServer(framing)
    const closed = await runClosedLoad(scenario(server.url, { mode: 'closed' }))
    expectAllSucceeded(closed.counts)
    // the body's bytes are counted, so a close-delimited body was read, not dropped with its connection
    expect(closed.bytes).toBeGreaterThan(closed.counts.responses * 20)
    expect(closed.latency?.count).toBeGreaterThan(0)

    const open = await runOpenLoad(scenario(server.url, { mode: 'rate', rate: 100 }))
    expectAllSucceeded(open.counts)
    expect(open.bytes).toBeGreaterThan(open.counts.responses * 20)
    expect(open.latency?.count).toBe(open.counts.status2xx)

    expectAllSucceeded(await slices(server.url, { mode: 'closed' }))
    expectAllSucceeded(await slices(server.url, { mode: 'rate', rate: 100 }))
    // nothing the server answered went uncounted in a way that shows as more requests than it read
    expect(server.seen()).toBeGreaterThanOrEqual(closed.counts.responses + open.counts.responses)
  })
})
