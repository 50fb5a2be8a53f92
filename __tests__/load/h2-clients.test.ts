import { afterEach, describe, expect, it } from '@jest/globals'
import { once } from 'node:events'
import http from 'node:http'
import https from 'node:https'
import http2 from 'node:http2'
import { readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import type { Outcome } from '../../src/load/dispatch.js'
import type { H2Options } from '../../src/load/h2-common.js'
import { H2Transport } from '../../src/load/h2.js'
import { H2WireTransport } from '../../src/load/h2-wire.js'
import type { RenderedRequest } from '../../src/load/request.js'
import type { Transport } from '../../src/load/transport.js'
import { startH2Server, type H2ServerOptions, type H2TestServer } from '../../__fixtures__/h2.js'

/**
 * Both HTTP/2 clients, request by request, against real node:http2 servers on 127.0.0.1: the frame-level one
 * (h2-wire.ts, perfgate's) and the node:http2 one (h2.ts) it replaced, which must behave the same.
 */
const CLIENTS = [
  ['frames (h2-wire)', H2WireTransport],
  ['node:http2 (h2)', H2Transport]
] as const

const closers: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close()
})

async function server(options: H2ServerOptions): Promise<H2TestServer> {
  const started = await startH2Server(options)
  closers.push(started.close)
  return started
}

function send(transport: Transport, request: Partial<RenderedRequest> = {}): Promise<Outcome> {
  return new Promise(resolve =>
    transport.dispatch({ method: 'GET', path: '/', headers: {}, ...request }, { end: resolve })
  )
}

const errorOf = (outcome: Outcome) => outcome.error as (Error & { code?: string }) | undefined

describe.each(CLIENTS)('HTTP/2 client: %s', (_name, Client) => {
  function client(url: string, options: Partial<H2Options> = {}): Transport {
    const secure = url.startsWith('https:')
    const transport = new Client(new URL(url), {
      protocol: secure ? 'h2' : 'h2c',
      connections: 1,
      ...(secure ? { tls: { rejectUnauthorized: false } } : {}),
      ...options
    })
    closers.push(() => transport.close())
    return transport
  }

  it.each([true, false])(
    'statuses nghttp2 Huffman-codes (429, 503) and others, sizes counted (TLS: %s)',
    async secure => {
      const target = await server({
        secure,
        handler: (stream, headers) => {
          const status = Number(String(headers[':path']).slice(1))
          stream.respond({ ':status': status, 'retry-after': '7' })
          stream.end(status === 204 ? undefined : 'body!')
        }
      })
      const transport = client(target.url)
      await transport.open()
      for (const status of [200, 204, 404, 429, 503]) {
        const outcome = await send(transport, { path: `/${status}` })
        expect(outcome.status).toBe(status)
        // name + value + 4 for ":status", "retry-after" and the server's "date" (29 characters), then the body
        expect(outcome.size).toBe(7 + 3 + 4 + (11 + 1 + 4) + (4 + 29 + 4) + (status === 204 ? 0 : 5))
        expect(outcome.error).toBeUndefined()
      }
      expect(transport.streamErrors()).toEqual({ rstStream: {}, goaway: 0, refused: 0, flowControlStalls: 0 })
    }
  )

  it('a response larger than the default windows, and a header block in CONTINUATION frames', async () => {
    const body = Buffer.alloc(300_000, 'b')
    const target = await server({
      secure: false,
      handler: (stream, headers) => {
        if (headers[':path'] === '/big-headers')
          stream.respond({ ':status': 200, 'x-big': 'h'.repeat(40_000) })
        else stream.respond({ ':status': 200 })
        stream.end(headers[':path'] === '/big-body' ? body : 'ok')
      }
    })
    const transport = client(target.url)
    await transport.open()
    const big = await send(transport, { path: '/big-body' })
    expect(big.status).toBe(200)
    expect(big.size).toBeGreaterThanOrEqual(body.length)
    const headers = await send(transport, { path: '/big-headers' })
    expect(headers.status).toBe(200)
    expect(headers.size).toBeGreaterThanOrEqual(40_000)
    // the connection is still good
    expect((await send(transport)).status).toBe(200)
  })

  it('a request body larger than the initial window is sent whole under flow control: a stall', async () => {
    const received: number[] = []
    const target = await server({
      secure: false,
      handler: stream => {
        let bytes = 0
        stream.on('data', (chunk: Buffer) => (bytes += chunk.length))
        stream.on('end', () => {
          received.push(bytes)
          stream.respond({ ':status': 200 })
          stream.end(String(bytes))
        })
      }
    })
    const transport = client(target.url)
    await transport.open()
    const small = await send(transport, { method: 'POST', body: 'x'.repeat(1000) })
    const large = await send(transport, { method: 'POST', body: 'y'.repeat(200_000) })
    expect([small.status, large.status]).toEqual([200, 200])
    expect(received).toEqual([1000, 200_000])
    expect(transport.streamErrors()!.flowControlStalls).toBe(1)
  })

  it('a server allowing 2 concurrent streams gets at most 2; the rest wait in the queue', async () => {
    const target = await server({
      secure: false,
      settings: { maxConcurrentStreams: 2 },
      handler: stream =>
        setTimeout(() => {
          stream.respond({ ':status': 200 })
          stream.end('ok')
        }, 20)
    })
    const transport = client(target.url)
    expect(await transport.open()).toBe(2)
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => send(transport)))
    expect(outcomes.map(o => o.status)).toEqual(Array(10).fill(200))
    expect(target.peakStreams()).toBe(2)
    expect(target.sessions()).toBe(1)
  })

  it('a GOAWAY mid-load retires the connection; what it did not process is sent again on a new one', async () => {
    const target = await server({
      secure: false,
      handler: (stream, _headers, n) => {
        // the 5th request's session goes away, saying it processed nothing after that stream
        if (n === 5) stream.session?.goaway(http2.constants.NGHTTP2_NO_ERROR, stream.id)
        setTimeout(() => {
          if (stream.destroyed) return
          stream.respond({ ':status': 200 })
          stream.end('ok')
        }, 5)
      }
    })
    const transport = client(target.url, { streams: 4 })
    await transport.open()
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => send(transport)))
    expect(outcomes.map(o => o.status)).toEqual(Array(20).fill(200))
    // node:http2 counts the GOAWAY frames a closing server session repeats
    expect(transport.streamErrors()!.goaway).toBeGreaterThanOrEqual(1)
    expect(target.sessions()).toBe(2)
  })

  it('RST_STREAM ends a request with its code named and counted; REFUSED_STREAM is retried, then fails', async () => {
    const target = await server({
      secure: false,
      handler: (stream, headers) =>
        stream.close(
          headers[':path'] === '/calm'
            ? http2.constants.NGHTTP2_ENHANCE_YOUR_CALM
            : http2.constants.NGHTTP2_REFUSED_STREAM
        )
    })
    const transport = client(target.url)
    await transport.open()
    const calm = await send(transport, { path: '/calm' })
    expect(calm.status).toBeUndefined()
    expect(errorOf(calm)?.code).toBe('ERR_HTTP2_STREAM_ERROR')
    expect(errorOf(calm)?.message).toContain('RST_STREAM ENHANCE_YOUR_CALM')
    const refused = await send(transport, { path: '/refuse' })
    expect(errorOf(refused)?.message).toContain('RST_STREAM REFUSED_STREAM')
    // sent 4 times in all (MAX_RETRIES = 3 retries), each refusal counted
    expect(target.seen()).toBe(1 + 4)
    expect(transport.streamErrors()).toMatchObject({
      rstStream: { ENHANCE_YOUR_CALM: 1, REFUSED_STREAM: 4 },
      refused: 4
    })
  })

  it('PING and SETTINGS from the server are acknowledged', async () => {
    const pings: number[] = []
    const target = await server({
      secure: true,
      handler: stream => {
        stream.session?.ping((error, duration) => {
          if (!error) pings.push(duration)
          stream.session?.settings({ initialWindowSize: 100_000 }, settingsError => {
            stream.respond({ ':status': settingsError ? 500 : 200 })
            stream.end('ok')
          })
        })
      }
    })
    const transport = client(target.url)
    await transport.open()
    expect((await send(transport)).status).toBe(200)
    expect(pings).toHaveLength(1)
  })

  it('after close() queued requests fail and nothing more reaches the server', async () => {
    const target = await server({
      secure: false,
      handler: stream =>
        setTimeout(() => {
          if (stream.destroyed) return
          stream.respond({ ':status': 200 })
          stream.end('ok')
        }, 50)
    })
    const transport = client(target.url, { streams: 1 })
    await transport.open()
    const outcomes = Array.from({ length: 3 }, () => send(transport))
    await new Promise(resolve => setTimeout(resolve, 10))
    await transport.close()
    const ended = await Promise.all(outcomes)
    expect(ended.every(o => o.status === undefined)).toBe(true)
    expect(ended.map(o => errorOf(o)?.code)).toContain('ECONNABORTED')
    const seen = target.seen()
    await new Promise(resolve => setTimeout(resolve, 100))
    expect(target.seen()).toBe(seen)
    expect(seen).toBe(1)
  })

  it('a server that speaks only HTTP/1.1: a clear error, in TLS (ALPN) and in clear text', async () => {
    const tls = https.createServer(
      { key: readFileSync('__fixtures__/tls/server.key'), cert: readFileSync('__fixtures__/tls/server.crt') },
      (_, res) => res.end('ok')
    )
    const plain = http.createServer((_, res) => res.end('ok'))
    for (const s of [tls, plain]) {
      s.listen(0, '127.0.0.1')
      await once(s, 'listening')
      closers.push(async () => {
        s.closeAllConnections()
        s.close()
      })
    }
    const port = (s: http.Server) => (s.address() as AddressInfo).port
    const overTls = client(`https://127.0.0.1:${port(tls)}/`)
    const failed = await send(overTls)
    expect(failed.status).toBeUndefined()
    expect(errorOf(failed)?.message).toMatch(/does not speak HTTP\/2 over TLS|ALPN|protocol/)
    const inClear = client(`http://127.0.0.1:${port(plain)}/`)
    const refused = await send(inClear)
    expect(refused.status).toBeUndefined()
    expect(refused.error).toBeDefined()
  })
})

describe('HTTP/2 frame-level client only', () => {
  it('when a connection runs out of stream ids it is retired and the next request opens a new one', async () => {
    const target = await server({ secure: false })
    const transport = new H2WireTransport(new URL(target.url), { protocol: 'h2c', connections: 1 })
    closers.push(() => transport.close())
    await transport.open()
    // three ids left below 2^31: 2^31 - 5, 2^31 - 3, 2^31 - 1
    const [connection] = (transport as unknown as { connections: Array<{ nextId: number }> }).connections
    connection!.nextId = 2 ** 31 - 5
    for (let i = 0; i < 5; i++) expect((await send(transport)).status).toBe(200)
    expect(target.seen()).toBe(5)
    expect(target.sessions()).toBe(2)
    expect(transport.streamErrors()).toEqual({ rstStream: {}, goaway: 0, refused: 0, flowControlStalls: 0 })
  })
})
