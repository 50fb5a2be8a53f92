import { lookup } from 'node:dns/promises'
import http from 'node:http'
import https from 'node:https'
import net from 'node:net'
import type { ReadyProbe } from '../config/types.js'

export interface ProbeResult {
  ok: boolean
  /** what the last attempt saw: "ECONNREFUSED", "status 503" */
  detail: string
}

const ATTEMPT_TIMEOUT_MS = 2000

/*
 * A host name such as localhost is probed as written, not rewritten to 127.0.0.1: the load connects to the
 * scenarios' URLs as written too, and a service may listen on ::1 only. Connections try every address the name
 * resolves to (autoSelectFamily, Node's default since 20), as the load's connections do.
 */

/** How a host name is resolved; Node's own by default (tests give one that answers ::1 first, as Node >= 17 may). */
export type Lookup = net.LookupFunction

/** One HTTP(S) GET; 200-399 counts as ready. Every address the name resolves to is tried (autoSelectFamily). */
export function probeHttp(
  url: string,
  timeoutMs = ATTEMPT_TIMEOUT_MS,
  lookup?: Lookup
): Promise<ProbeResult> {
  return new Promise(resolve => {
    const options = {
      timeout: timeoutMs,
      agent: false,
      autoSelectFamily: true,
      ...(lookup ? { lookup } : {})
    }
    // https: a running target (a staging deployment); its certificate is checked
    const req = (url.startsWith('https:') ? https : http).get(url, options, res => {
      res.resume()
      const status = res.statusCode ?? 0
      resolve({ ok: status >= 200 && status < 400, detail: `status ${status}` })
    })
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })))
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ ok: false, detail: err.code ?? err.message }))
  })
}

export function probeTcp(
  host: string,
  port: number,
  timeoutMs = ATTEMPT_TIMEOUT_MS,
  lookup?: Lookup
): Promise<ProbeResult> {
  return new Promise(resolve => {
    const socket = net.connect({
      host,
      port,
      timeout: timeoutMs,
      autoSelectFamily: true,
      ...(lookup ? { lookup } : {})
    })
    const done = (result: ProbeResult) => {
      socket.destroy()
      resolve(result)
    }
    socket.once('connect', () => done({ ok: true, detail: 'connected' }))
    socket.once('timeout', () => done({ ok: false, detail: 'ETIMEDOUT' }))
    socket.once('error', (err: NodeJS.ErrnoException) => done({ ok: false, detail: err.code ?? err.message }))
  })
}

function probeHost(probe: ReadyProbe): string | undefined {
  if (probe.kind === 'tcp') return probe.host
  if (probe.kind === 'http') return new URL(probe.url).hostname
  return undefined
}

/**
 * For a probe of `localhost` that never succeeded: which addresses the name resolves to here, and the advice to
 * name the address the service listens on, since IPv4-only and IPv6-only listeners are the usual cause.
 */
export async function localhostHint(probe: ReadyProbe): Promise<string> {
  if (probeHost(probe)?.toLowerCase() !== 'localhost') return ''
  let addresses: string
  try {
    const found = await lookup('localhost', { all: true })
    addresses = found.map(a => `${a.address} (IPv${a.family})`).join(' and ')
  } catch (err) {
    addresses = `nothing (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`
  }
  return (
    ` localhost resolves to ${addresses} on this machine: a service listening on IPv4 only (127.0.0.1) or IPv6 only (::1)` +
    ' is not reached through the other address. Name the address the service listens on (127.0.0.1 or [::1]) in' +
    " ready.url and the scenarios' URLs."
  )
}

export function describeProbe(probe: ReadyProbe): string {
  switch (probe.kind) {
    case 'http':
      return `GET ${probe.url}`
    case 'tcp':
      return `TCP ${probe.host}:${probe.port}`
    case 'log':
      return `a log line matching /${probe.pattern}/`
  }
}

/**
 * Polls an http or tcp probe until two consecutive successes (a service that accepts and then crashes is not
 * ready), backing off from `intervalMs` to 1 s. Resolves false when `deadline` passes or `stopped()` turns true.
 */
export async function pollReady(
  probe: Extract<ReadyProbe, { kind: 'http' | 'tcp' }>,
  deadline: number,
  stopped: () => boolean
): Promise<{ ready: boolean; attempts: number; last: string }> {
  let attempts = 0
  let streak = 0
  let last = 'no attempt'
  let wait = probe.intervalMs
  while (Date.now() < deadline && !stopped()) {
    attempts++
    const result = probe.kind === 'http' ? await probeHttp(probe.url) : await probeTcp(probe.host, probe.port)
    last = result.detail
    streak = result.ok ? streak + 1 : 0
    if (streak >= 2) return { ready: true, attempts, last }
    if (stopped()) break
    await new Promise(r => setTimeout(r, result.ok ? 20 : Math.min(wait, Math.max(0, deadline - Date.now()))))
    wait = Math.min(1000, Math.round(wait * 1.5))
  }
  return { ready: false, attempts, last }
}
