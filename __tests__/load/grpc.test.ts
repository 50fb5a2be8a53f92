import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { GrpcTransport } from '../../src/load/grpc.js'
import type { Outcome } from '../../src/load/dispatch.js'
import { compileScenario } from '../../src/load/request.js'
import { statusName } from '../../src/config/grpc-status.js'
import { runLoad } from '../../src/load/run-load.js'
import { startSession } from '../../src/load/session.js'
import { measurementError } from '../../src/compare/validity.js'
import { grpcScenario, startGrpcServer, type GrpcTestServer } from '../../__fixtures__/grpc.js'

const CLOSED = { mode: 'closed', connections: 2, durationMs: 500, warmupMs: 100, timeoutMs: 2000 } as const

/** Sends `n` calls one after another through a transport; their outcomes. */
async function call(scenario: ReturnType<typeof grpcScenario>, n = 1): Promise<Outcome[]> {
  const transport = new GrpcTransport(scenario)
  const template = compileScenario(scenario)
  await transport.open()
  const out: Outcome[] = []
  for (let i = 0; i < n; i++)
    out.push(await new Promise<Outcome>(resolve => transport.dispatch(template.render(), { end: resolve })))
  await transport.close()
  return out
}

describe('the gRPC client', () => {
  let plain: GrpcTestServer
  let secure: GrpcTestServer
  beforeAll(async () => {
    ;[plain, secure] = await Promise.all([startGrpcServer(), startGrpcServer({ tls: true })])
  })
  afterAll(async () => {
    await Promise.all([plain?.stop(), secure?.stop()])
  })

  it('makes unary calls whose gRPC code is the status, over plaintext and TLS', async () => {
    const ok = await call(grpcScenario(plain.url, CLOSED), 3)
    expect(ok.map(o => statusName(o.status!))).toEqual(['OK', 'OK', 'OK'])
    expect(ok[0]!.size).toBeGreaterThan(0)
    const missing = await call(grpcScenario(plain.url, CLOSED, 'Get', { id: 1, missing: true }))
    expect(statusName(missing[0]!.status!)).toBe('NOT_FOUND')
    const tls = await call(grpcScenario(secure.url, CLOSED), 2)
    expect(tls.map(o => statusName(o.status!))).toEqual(['OK', 'OK'])
  })

  it("ends a server stream's call at its first message", async () => {
    const [first] = await call(grpcScenario(plain.url, CLOSED, 'List'))
    expect(statusName(first!.status!)).toBe('OK')
    expect(first!.size).toBeGreaterThan(0)
  })

  it('a server that is not there is a connect error, not a status', async () => {
    const gone = await startGrpcServer()
    await gone.stop()
    const [refused] = await call(grpcScenario(gone.url, { ...CLOSED, timeoutMs: 500 }))
    expect(refused!.status).toBeUndefined()
    expect((refused!.error as { code?: string }).code).toBe('ECONNREFUSED')
  })

  it("the closed model: every call counted, OK as success, and the count is the server's own", async () => {
    const server = await startGrpcServer()
    try {
      const scenario = grpcScenario(server.url, CLOSED)
      const result = await runLoad(scenario)
      expect(result.protocol).toBe('grpc')
      expect(measurementError(scenario, result)).toBeUndefined()
      const { counts } = result
      expect(counts.responses).toBeGreaterThan(10)
      expect(counts.status2xx).toBe(counts.responses)
      expect(counts.sent).toBe(counts.responses)
      expect(result.latency?.count).toBeGreaterThan(0)
      // the warm-up's calls and the measured ones are all the server answered
      const answered = await server.stop()
      expect(answered).toBeGreaterThanOrEqual(counts.responses)
    } finally {
      await server.stop().catch(() => undefined)
    }
  })

  it('the open model: calls on schedule, latency from each intended send, NOT_FOUND failed unless expected', async () => {
    const open = {
      mode: 'rate',
      rate: 100,
      connections: 4,
      durationMs: 1000,
      warmupMs: 200,
      timeoutMs: 1000
    } as const
    const result = await runLoad(grpcScenario(plain.url, open))
    expect(result.counts.sent).toBeGreaterThanOrEqual(95)
    expect(result.counts.status2xx).toBe(result.counts.sent)
    expect(result.targetRate).toBeCloseTo(100, 0)
    expect(result.latency!.count).toBe(result.counts.status2xx)
    const missing = grpcScenario(plain.url, open, 'Get', { id: 1, missing: true })
    const failed = await runLoad(missing)
    expect(failed.counts.status4xx).toBe(failed.counts.sent)
    expect(failed.counts.expectedErrors).toBe(0)
    const expected = await runLoad({ ...missing, request: { ...missing.request, expect: [1000, 1005] } })
    expect(expected.counts.expectedErrors).toBe(expected.counts.sent)
    expect(expected.latency!.count).toBe(expected.counts.sent)
  })

  it('the slices design: a session keeps its channels across slices, over TLS too, and a server stream ends at its first message', async () => {
    for (const [url, method] of [
      [secure.url, 'Get'],
      [plain.url, 'List']
    ] as const) {
      const session = startSession(grpcScenario(url, CLOSED, method))
      try {
        await session.warm(100)
        const slices = [await session.slice(200), await session.slice(200)]
        for (const slice of slices) {
          expect(slice.counts.responses).toBeGreaterThan(5)
          expect(slice.counts.status2xx).toBe(slice.counts.responses)
        }
      } finally {
        await session.close()
      }
    }
  })
})
