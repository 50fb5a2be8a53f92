import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { GrpcTransport } from '../../src/load/grpc.js'
import type { Outcome } from '../../src/load/dispatch.js'
import { compileScenario } from '../../src/load/request.js'
import { statusName } from '../../src/config/grpc-status.js'
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
})
