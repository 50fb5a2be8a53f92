import http from 'node:http'
import net from 'node:net'
import type { ReadyProbe } from '../config/types.js'

export interface ProbeResult {
  ok: boolean
  /** what the last attempt saw: "ECONNREFUSED", "status 503" */
  detail: string
}

const ATTEMPT_TIMEOUT_MS = 2000

/** One HTTP GET; 200-399 counts as ready. */
export function probeHttp(url: string, timeoutMs = ATTEMPT_TIMEOUT_MS): Promise<ProbeResult> {
  return new Promise(resolve => {
    const req = http.get(url, { timeout: timeoutMs, agent: false }, res => {
      res.resume()
      const status = res.statusCode ?? 0
      resolve({ ok: status >= 200 && status < 400, detail: `status ${status}` })
    })
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })))
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ ok: false, detail: err.code ?? err.message }))
  })
}

export function probeTcp(host: string, port: number, timeoutMs = ATTEMPT_TIMEOUT_MS): Promise<ProbeResult> {
  return new Promise(resolve => {
    const socket = net.connect({ host, port, timeout: timeoutMs })
    const done = (result: ProbeResult) => {
      socket.destroy()
      resolve(result)
    }
    socket.once('connect', () => done({ ok: true, detail: 'connected' }))
    socket.once('timeout', () => done({ ok: false, detail: 'ETIMEDOUT' }))
    socket.once('error', (err: NodeJS.ErrnoException) => done({ ok: false, detail: err.code ?? err.message }))
  })
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
