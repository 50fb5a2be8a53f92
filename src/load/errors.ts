import { httpClassOf } from '../config/grpc-status.js'
import type { LoadCounts } from './types.js'

type ErrorKind = 'connect' | 'timeout' | 'reset' | 'other'

const CONNECT = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EADDRNOTAVAIL',
  'EAI_AGAIN'
])
const RESET = new Set([
  'ECONNRESET',
  'EPIPE',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'ERR_STREAM_PREMATURE_CLOSE',
  // HTTP/2: RST_STREAM from the server, a request past a GOAWAY, the connection's own failure
  'ERR_HTTP2_STREAM_ERROR',
  'ERR_HTTP2_GOAWAY_SESSION',
  'ERR_HTTP2_SESSION_ERROR',
  'ERR_HTTP2_INVALID_SESSION',
  'ERR_HTTP2_STREAM_CANCEL'
])

/** Which kind of transport failure an error is, from its code or, failing that, its message. */
export function classifyError(error: unknown): ErrorKind {
  const err = error as { code?: string; message?: string } | undefined
  const code = err?.code ?? ''
  const message = (err?.message ?? '').toLowerCase()
  if (CONNECT.has(code)) return 'connect'
  if (
    code === 'ETIMEDOUT' ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    message.includes('timed out') ||
    message.includes('timeout')
  )
    return 'timeout'
  if (
    RESET.has(code) ||
    message.includes('socket hang up') ||
    message.includes('premature close') ||
    message.includes('reset')
  )
    return 'reset'
  return 'other'
}

export function emptyCounts(): LoadCounts {
  return {
    sent: 0,
    responses: 0,
    status2xx: 0,
    status3xx: 0,
    status4xx: 0,
    status5xx: 0,
    connect: 0,
    timeout: 0,
    reset: 0,
    other: 0,
    unexpected: 0,
    expectedErrors: 0
  }
}

/** Counts a response in its status class (a gRPC code in the class gRPC maps it to: config/grpc-status.ts). */
export function countStatus(counts: LoadCounts, raw: number): void {
  const status = httpClassOf(raw)
  counts.responses++
  if (status < 300) counts.status2xx++
  else if (status < 400) counts.status3xx++
  else if (status < 500) counts.status4xx++
  else counts.status5xx++
}

/**
 * Counts one response and says whether it succeeded: its status is one its request expects (`expect:`), or,
 * without expectations, below 400. Latency is recorded for successes only (2xx without expectations).
 */
export function countResponse(counts: LoadCounts, status: number, expect?: readonly number[]): boolean {
  countStatus(counts, status)
  const klass = httpClassOf(status)
  if (!expect?.length) return klass < 400
  const ok = expect.includes(status)
  if (ok && klass >= 400) counts.expectedErrors++
  if (!ok && klass < 400) counts.unexpected++
  return ok
}

/** Whether a successful response's latency is recorded: 2xx, or any status its request expects. */
export function recordsLatency(status: number, expect?: readonly number[]): boolean {
  const klass = httpClassOf(status)
  return expect?.length ? expect.includes(status) : klass >= 200 && klass < 300
}
