import net from 'node:net'
import tls from 'node:tls'
import type { RequestSpec } from '../config/types.js'
import { GrpcTransport } from './grpc.js'
import { alpnProblem, type H2Options } from './h2-common.js'
import { H2WireTransport } from './h2-wire.js'
import { tlsOptionsFor } from './tls.js'
import type { Scenario } from '../config/types.js'
import { Http1Transport, type LoadEnvironment, type Transport, type WireProtocol } from './transport.js'

/** The protocol a load will speak, or why it cannot start. */
export type Negotiated =
  { protocol: WireProtocol; problem?: undefined } | { problem: string; protocol?: undefined }

/** The HTTP/2 connection preface and an empty SETTINGS frame (RFC 9113 §3.4). */
const PREFACE = Buffer.concat([
  Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'),
  Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0])
])

/**
 * Settles the request's protocol against the target before any load: `auto` follows ALPN on https:// (h2 when
 * the server chooses it, HTTP/1.1 otherwise) and is HTTP/1.1 on http://; `h2` must be chosen by ALPN; `h2c` must
 * be answered with an HTTP/2 SETTINGS frame. A target that cannot be reached is left to the load to count.
 */
export async function negotiateProtocol(
  request: Pick<RequestSpec, 'url' | 'protocol' | 'insecure' | 'grpc'>,
  environment: LoadEnvironment = {},
  timeoutMs = 5000
): Promise<Negotiated> {
  // gRPC is HTTP/2 by definition: its client (grpc.ts) negotiates it
  if (request.grpc) return { protocol: 'grpc' }
  const url = new URL(request.url)
  const asked = request.protocol ?? 'http1'
  if (asked === 'http1' || (asked === 'auto' && url.protocol !== 'https:')) return { protocol: 'http1' }
  if (asked === 'h2c') return probeH2c(url, timeoutMs)
  const alpn = await alpnOf(url, environment, timeoutMs)
  if (alpn === undefined) return { protocol: asked === 'auto' ? 'http1' : 'h2' }
  if (alpn === 'h2') return { protocol: 'h2' }
  return asked === 'auto' ? { protocol: 'http1' } : { problem: alpnProblem(url.origin, alpn) }
}

/** The protocol the server chooses by ALPN among h2 and http/1.1 ('' for none); undefined when unreachable. */
function alpnOf(url: URL, environment: LoadEnvironment, timeoutMs: number): Promise<string | undefined> {
  // the certificate is checked on its own, before (tls.ts certificateProblem)
  const options = tlsOptionsFor(url, true, environment.extraCaCerts)!
  return new Promise(resolve => {
    const socket = tls.connect({
      ...options,
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: Number(url.port || 443),
      ALPNProtocols: ['h2', 'http/1.1'],
      timeout: timeoutMs
    })
    const done = (alpn: string | undefined) => {
      socket.destroy()
      resolve(alpn)
    }
    socket.once('secureConnect', () => done(socket.alpnProtocol || ''))
    socket.once('timeout', () => done(undefined))
    socket.once('error', () => done(undefined))
  })
}

/**
 * Sends the HTTP/2 preface in clear and reads the first bytes back: an HTTP/2 server answers with a SETTINGS frame
 * (type 4 in the fifth byte), an HTTP/1.x server with a status line (`HTTP/1.1 400`) or by closing.
 */
function probeH2c(url: URL, timeoutMs: number): Promise<Negotiated> {
  return new Promise(resolve => {
    const socket = net.connect({
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: Number(url.port || 80),
      timeout: timeoutMs
    })
    let received = Buffer.alloc(0)
    const done = (result: Negotiated) => {
      socket.destroy()
      resolve(result)
    }
    const refuse = (what: string) =>
      done({
        problem:
          `${url.host} does not speak HTTP/2 in clear text (h2c with prior knowledge): ${what}; set ` +
          '`protocol: http1` on the request (or `h2` if it serves HTTP/2 over TLS at an https:// URL)'
      })
    socket.once('connect', () => socket.write(PREFACE))
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk])
      if (received.length < 9 && !received.toString('latin1').startsWith('HTTP/')) return
      const text = received.toString('latin1')
      if (text.startsWith('HTTP/')) refuse(`it answered the preface with "${text.split('\r\n')[0]}"`)
      else if (received[3] === 4) done({ protocol: 'h2c' })
      else refuse(`it answered the preface with bytes that are no HTTP/2 SETTINGS frame`)
    })
    socket.once('end', () => refuse('it closed the connection when it got the HTTP/2 preface'))
    socket.once('timeout', () => refuse(`it did not answer the HTTP/2 preface within ${timeoutMs} ms`))
    // unreachable: the load counts the connect errors
    socket.once('error', () => done({ protocol: 'h2c' }))
  })
}

/** The transport of a scenario's load in the protocol settled by negotiateProtocol. */
export function transportFor(
  scenario: Scenario,
  protocol: WireProtocol,
  environment: LoadEnvironment = {}
): Transport {
  if (protocol === 'http1') return new Http1Transport(scenario, environment)
  if (protocol === 'grpc') return new GrpcTransport(scenario, environment)
  return new H2WireTransport(new URL(scenario.request.url), h2OptionsFor(scenario, protocol, environment))
}

/** An HTTP/2 client's options for a scenario's load (h2-wire.ts's, or h2.ts's, which bench:h2 measures beside it). */
export function h2OptionsFor(
  scenario: Scenario,
  protocol: 'h2' | 'h2c',
  environment: LoadEnvironment = {}
): H2Options {
  const url = new URL(scenario.request.url)
  return {
    protocol,
    connections: scenario.load.connections,
    ...(scenario.load.streams ? { streams: scenario.load.streams } : {}),
    ...(protocol === 'h2'
      ? { tls: tlsOptionsFor(url, scenario.request.insecure, environment.extraCaCerts) }
      : {})
  }
}
