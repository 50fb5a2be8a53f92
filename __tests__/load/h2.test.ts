import { afterEach, describe, expect, it } from '@jest/globals'
import http2 from 'node:http2'
import type { Scenario } from '../../src/config/types.js'
import type { LoadCounts } from '../../src/load/types.js'
import { runLoad } from '../../src/load/run-load.js'
import { startSession } from '../../src/load/session.js'
import { measurementError } from '../../src/compare/validity.js'
import { toMetrics } from '../../src/load/metrics.js'
import { startH2Server, type H2TestServer } from '../../__fixtures__/h2.js'

const closers: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const close of closers.splice(0)) await close()
})

async function h2Server(options: Parameters<typeof startH2Server>[0]): Promise<H2TestServer> {
  const server = await startH2Server(options)
  closers.push(server.close)
  return server
}

function scenario(
  url: string,
  load: Partial<Scenario['load']>,
  request: Partial<Scenario['request']> = {}
): Scenario {
  return {
    name: 'h2',
    request: { method: 'GET', url, headers: {}, ...request },
    load: {
      mode: 'closed',
      connections: 2,
      durationMs: 600,
      warmupMs: 0,
      timeoutMs: 2000,
      ...load
    } as Scenario['load'],
    thresholds: [],
    regression: [],
    minRequests: 1,
    maxErrorRate: 1
  }
}

const attempted = (c: LoadCounts) => c.responses + c.connect + c.timeout + c.reset + c.other

describe('HTTP/2 in both load models', () => {
  it.each([
    ['h2', true],
    ['h2c', false]
  ] as const)('%s: closed and open models count every response, in HTTP/2', async (protocol, secure) => {
    const server = await h2Server({ secure })
    const request = { protocol, ...(secure ? { insecure: true } : {}) }
    const closed = await runLoad(
      scenario(server.url, { mode: 'closed', connections: 2, streams: 4 }, request)
    )
    const open = await runLoad(
      scenario(server.url, { mode: 'rate', rate: 200, connections: 2 } as Partial<Scenario['load']>, request)
    )
    for (const result of [closed, open]) {
      expect(result.protocol).toBe(protocol)
      expect(result.counts.status2xx).toBeGreaterThan(50)
      expect(result.counts.status2xx).toBe(result.counts.sent)
      expect(attempted(result.counts)).toBe(result.counts.sent)
      expect(result.latency?.count).toBeGreaterThan(0)
      expect(result.streamErrors).toEqual({ rstStream: {}, goaway: 0, refused: 0, flowControlStalls: 0 })
    }
    // 2 connections in each model (the open model's prime and its load share them), and for h2c the probe that
    // checks the server answers the HTTP/2 preface
    expect(server.sessions()).toBe(secure ? 4 : 6)
    expect(server.seen()).toBeGreaterThanOrEqual(closed.counts.sent + open.counts.sent)
  })

  it('the closed model keeps connections x streams requests in flight, within the server limit', async () => {
    const slow = (stream: http2.ServerHttp2Stream) =>
      setTimeout(() => {
        if (stream.destroyed) return
        stream.respond({ ':status': 200 })
        stream.end('ok')
      }, 30)
    const limited = await h2Server({ secure: false, settings: { maxConcurrentStreams: 3 }, handler: slow })
    await runLoad(scenario(limited.url, { connections: 1, durationMs: 300 }, { protocol: 'h2c' }))
    expect(limited.peakStreams()).toBe(3)
    const asked = await h2Server({ secure: false, handler: slow })
    await runLoad(scenario(asked.url, { connections: 2, streams: 5, durationMs: 300 }, { protocol: 'h2c' }))
    expect(asked.peakStreams()).toBe(10)
    expect(asked.sessions()).toBe(2 + 1) // and the h2c probe's
  })

  it('slice sessions speak HTTP/2 in both models', async () => {
    const server = await h2Server({ secure: true })
    for (const load of [
      { mode: 'closed', connections: 2, streams: 2 },
      { mode: 'rate', rate: 200, connections: 2 }
    ] as Array<Partial<Scenario['load']>>) {
      const session = startSession(scenario(server.url, load, { protocol: 'h2', insecure: true }))
      try {
        await session.warm(100)
        const slice = await session.slice(300)
        expect(slice.counts.status2xx).toBeGreaterThan(10)
        expect(slice.counts.status2xx).toBe(slice.counts.sent)
      } finally {
        await session.close()
      }
    }
  })
})

describe('HTTP/2 errors by kind', () => {
  it('RST_STREAM is counted with its code; a refused request is sent again, and fails only when refused again', async () => {
    const server = await h2Server({
      secure: false,
      handler: (stream, _headers, n) => {
        if (n % 3 === 0) return stream.close(http2.constants.NGHTTP2_REFUSED_STREAM)
        if (n % 7 === 0) return stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR)
        stream.respond({ ':status': 200 })
        stream.end('ok')
      }
    })
    const result = await runLoad(
      scenario(server.url, { connections: 1, streams: 1, durationMs: 400 }, { protocol: 'h2c' })
    )
    const errors = result.streamErrors!
    expect(errors.rstStream.REFUSED_STREAM).toBeGreaterThan(10)
    expect(errors.rstStream.INTERNAL_ERROR).toBeGreaterThan(2)
    expect(errors.refused).toBe(errors.rstStream.REFUSED_STREAM)
    // the refused ones were answered when sent again: only the INTERNAL_ERROR resets failed
    expect(result.counts.reset).toBe(errors.rstStream.INTERNAL_ERROR)
    expect(result.counts.status2xx + result.counts.reset).toBe(result.counts.sent)
    const error = measurementError({ ...scenario(server.url, {}), maxErrorRate: 0.01 }, result)
    expect(error?.kind).toBe('error-rate')
    expect(error?.message).toContain('RST_STREAM INTERNAL_ERROR')
    expect(error?.message).toContain('RST_STREAM REFUSED_STREAM')
    // a server that refuses everything: each request is tried 4 times, then counted as a reset
    const refusing = await h2Server({
      secure: false,
      handler: stream => stream.close(http2.constants.NGHTTP2_REFUSED_STREAM)
    })
    const refused = await runLoad(
      scenario(refusing.url, { connections: 1, streams: 1, durationMs: 200 }, { protocol: 'h2c' })
    )
    expect(refused.counts.reset).toBe(refused.counts.sent)
    expect(refused.streamErrors!.refused).toBeGreaterThanOrEqual(4 * refused.counts.sent)
  })

  it('a GOAWAY retires its connection: counted, and the load goes on over a new one', async () => {
    const server = await h2Server({
      secure: false,
      handler: (stream, _headers, n) => {
        stream.respond({ ':status': 200 })
        stream.end('ok')
        if (n % 50 === 0) stream.session?.goaway(http2.constants.NGHTTP2_NO_ERROR)
      }
    })
    const result = await runLoad(
      scenario(server.url, { connections: 1, streams: 10, durationMs: 400 }, { protocol: 'h2c' })
    )
    expect(result.streamErrors!.goaway).toBeGreaterThan(1)
    expect(server.sessions()).toBeGreaterThan(2)
    expect(result.counts.status2xx).toBeGreaterThan(100)
    // requests past the GOAWAY were sent again on the next connection: none failed
    expect(result.counts.status2xx).toBe(result.counts.sent)
  })

  it('each kind is a counted metric: RST_STREAM in all and by code, GOAWAY, refused', async () => {
    const server = await h2Server({
      secure: false,
      handler: (stream, _headers, n) => {
        if (n % 4 === 0) return stream.close(http2.constants.NGHTTP2_ENHANCE_YOUR_CALM)
        if (n % 5 === 0) return stream.close(http2.constants.NGHTTP2_STREAM_CLOSED)
        if (n % 7 === 0) return stream.close(http2.constants.NGHTTP2_REFUSED_STREAM)
        stream.respond({ ':status': 200 })
        stream.end('ok')
        if (n % 31 === 0) stream.session?.goaway(http2.constants.NGHTTP2_NO_ERROR)
      }
    })
    const result = await runLoad(
      scenario(server.url, { connections: 1, streams: 4, durationMs: 400 }, { protocol: 'h2c' })
    )
    const metrics = toMetrics(result)
    const errors = result.streamErrors!
    expect(metrics['h2.rst_stream.enhance_your_calm']).toBeGreaterThan(5)
    expect(metrics['h2.rst_stream.stream_closed']).toBeGreaterThan(5)
    expect(metrics['h2.rst_stream.refused_stream']).toBeGreaterThan(0)
    expect(metrics['h2.rst_stream.internal_error']).toBe(0)
    expect(metrics['h2.rst_stream']).toBe(
      metrics['h2.rst_stream.enhance_your_calm']! +
        metrics['h2.rst_stream.stream_closed']! +
        metrics['h2.rst_stream.refused_stream']!
    )
    expect(metrics['h2.goaway']).toBe(errors.goaway)
    expect(metrics['h2.goaway']).toBeGreaterThan(0)
    expect(metrics['h2.refused']).toBe(errors.refused)
    expect(metrics['h2.refused']).toBeGreaterThanOrEqual(metrics['h2.rst_stream.refused_stream']!)
    expect(metrics['h2.flow_control_stalls']).toBe(0)
    // the codes the server ended requests with are failures of their own kind: resets
    expect(result.counts.reset).toBeGreaterThanOrEqual(
      metrics['h2.rst_stream.enhance_your_calm']! + metrics['h2.rst_stream.stream_closed']!
    )
  })

  it('a request body larger than the window it finds is a flow-control stall', async () => {
    const server = await h2Server({
      secure: false,
      handler: stream => {
        stream.resume()
        stream.on('end', () => {
          stream.respond({ ':status': 200 })
          stream.end('ok')
        })
      }
    })
    const result = await runLoad(
      scenario(
        server.url,
        { connections: 1, streams: 1, durationMs: 300 },
        { protocol: 'h2c', method: 'POST', body: 'x'.repeat(100_000) }
      )
    )
    expect(result.counts.status2xx).toBeGreaterThan(5)
    expect(result.streamErrors!.flowControlStalls).toBeGreaterThan(0)
    expect(toMetrics(result)['h2.flow_control_stalls']).toBe(result.streamErrors!.flowControlStalls)
  })
})

describe('a protocol the server does not speak', () => {
  it('h2 against an HTTP/1.1-only server over TLS: an error naming what ALPN chose and the fix', async () => {
    const https = await import('node:https')
    const { readFileSync } = await import('node:fs')
    const server = https.createServer(
      { key: readFileSync('__fixtures__/tls/server.key'), cert: readFileSync('__fixtures__/tls/server.crt') },
      (_, res) => res.end('ok')
    )
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    closers.push(async () => {
      server.closeAllConnections()
      server.close()
    })
    const url = `https://127.0.0.1:${(server.address() as { port: number }).port}/`
    const h2 = scenario(url, {}, { protocol: 'h2', insecure: true })
    const result = await runLoad(h2)
    expect(result.counts.sent).toBe(0)
    const error = measurementError(h2, result)
    expect(error?.kind).toBe('protocol')
    expect(error?.message).toContain('ALPN negotiated "http/1.1"')
    expect(error?.message).toContain('protocol: http1')
    // auto follows ALPN: HTTP/1.1 here
    const auto = await runLoad(scenario(url, {}, { protocol: 'auto', insecure: true }))
    expect(auto.protocol).toBeUndefined()
    expect(auto.counts.status2xx).toBeGreaterThan(10)
    // and a session says the same when it starts
    const session = startSession(h2)
    await expect(session.warm(100)).rejects.toThrow('ALPN negotiated "http/1.1"')
    await session.close()
  })

  it('auto over TLS speaks h2 to a server that chooses it', async () => {
    const server = await h2Server({ secure: true })
    const auto = await runLoad(scenario(server.url, {}, { protocol: 'auto', insecure: true }))
    expect(auto.protocol).toBe('h2')
    expect(auto.counts.status2xx).toBe(auto.counts.sent)
  })

  it('h2c against an HTTP/1.1 server: a clear error', async () => {
    const http = await import('node:http')
    const server = http.createServer((_, res) => res.end('ok'))
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    closers.push(async () => {
      server.closeAllConnections()
      server.close()
    })
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`
    const h2c = scenario(url, {}, { protocol: 'h2c' })
    const result = await runLoad(h2c)
    expect(result.counts.sent).toBe(0)
    const error = measurementError(h2c, result)
    expect(error?.kind).toBe('protocol')
    expect(error?.message).toContain('does not speak HTTP/2 in clear text')
    expect(error?.message).toContain('HTTP/1.1 400')
    expect(error?.message).toContain('protocol: http1')
  })
})
