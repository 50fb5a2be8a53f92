import { Pool, type Dispatcher } from 'undici'
import type { Scenario } from '../config/types.js'
import type { RenderedRequest } from './request.js'
import { tlsOptionsFor } from './tls.js'

export function timeoutError(): Error {
  return Object.assign(new Error('request timed out'), { code: 'ETIMEDOUT' })
}

/** The connections of a load: at most `connections` sockets, one request on each at a time. */
export function poolFor(scenario: Scenario, extraCaCerts?: string): Pool {
  const url = new URL(scenario.request.url)
  const tls = tlsOptionsFor(url, scenario.request.insecure, extraCaCerts)
  return new Pool(url.origin, {
    connections: scenario.load.connections,
    pipelining: 1,
    // Node's http server states its keep-alive timeout in whole seconds rounded down (`Keep-Alive: timeout=0` for
    // 50 ms, timeout=2 for 2.9 s), and undici keeps a connection for that hint less this threshold (2 s by
    // default): below 3 s it closed every connection after one response, so each request paid a connect (the zoo's
    // 50-ms server read 2.2x a keep-alive client's p50). perfgate keeps a connection while the server does, and
    // closes it itself after the hint plus 1 s idle.
    keepAliveTimeoutThreshold: -1000,
    // perfgate times requests out itself; undici's own timeouts are a backstop
    headersTimeout: scenario.load.timeoutMs + 1000,
    bodyTimeout: scenario.load.timeoutMs + 1000,
    connect: { autoSelectFamily: true, ...(tls ?? {}) }
  })
}

/** How a request ended: its status and the bytes received (headers and body), or the transport error. */
export interface Outcome {
  status?: number
  size: number
  error?: unknown
}

/**
 * Tells whether a request dispatched now finds an open connection idle. undici holds a request for an idle
 * keep-alive connection back one event-loop turn before it writes it (it first reads anything the server sent
 * unasked, GHSA-35p6-xmwp-9g52): about 0.1 ms of the client's own time on this machine kind, not the service's.
 * Such a request is timed from its write. One that found every connection busy (or none open) waited for the
 * service or for a connect, and is timed from its dispatch, so that wait counts (coordinated omission).
 */
export class ConnectionGauge {
  private connected = 0
  private inUse = 0

  constructor(pool: Pool) {
    pool.on('connect', () => this.connected++)
    pool.on('disconnect', () => {
      this.connected = Math.max(0, this.connected - 1)
    })
  }

  /** a request is dispatched: whether it finds an idle open connection */
  take(): boolean {
    const idle = this.inUse < this.connected
    this.inUse++
    return idle
  }

  /** a request ended (answered, failed or aborted) */
  release(): void {
    this.inUse = Math.max(0, this.inUse - 1)
  }
}

export interface RequestHooks {
  /** undici is about to write the request; `abort` abandons it (and its connection) */
  onConnect?: (abort: (reason: Error) => void) => void
  /**
   * undici is about to write a request that found an idle connection at dispatch (see ConnectionGauge): its
   * latency starts now
   */
  onWrite?: () => void
  /** the request was written to its socket */
  onRequestSent?: () => void
  /** called once, with the response or the error */
  end: (outcome: Outcome) => void
}

/** Sends one request through the pool with undici's low-level dispatch API (no streams, no promises). */
export function dispatchRequest(
  pool: Pool,
  request: RenderedRequest,
  hooks: RequestHooks,
  gauge?: ConnectionGauge
): void {
  let status = 0
  let size = 0
  const idle = gauge?.take() ?? false
  // onRequestSent is called by undici (lib/core/request.js) but missing from its handler type
  const handler: Dispatcher.DispatchHandlers & { onRequestSent(): void } = {
    onConnect: abort => {
      if (idle) hooks.onWrite?.()
      hooks.onConnect?.(abort)
    },
    onRequestSent: () => hooks.onRequestSent?.(),
    onHeaders: (statusCode, rawHeaders) => {
      status = statusCode
      for (const part of rawHeaders ?? []) size += part.length + 2
      return true
    },
    onData: chunk => {
      size += chunk.length
      return true
    },
    onComplete: () => {
      gauge?.release()
      hooks.end({ status, size })
    },
    onError: err => {
      gauge?.release()
      hooks.end({ size, error: err })
    }
  }
  pool.dispatch(
    {
      method: request.method as Dispatcher.HttpMethod,
      path: request.path,
      headers: request.headers,
      body: request.body ?? null
    },
    handler
  )
}
