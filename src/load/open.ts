import http from 'node:http'
import type { RateLoad, Scenario } from '../config/types.js'
import { DEFAULTS } from '../config/defaults.js'
import type { LoadOptions } from './closed.js'
import { classifyError, countResponse, emptyCounts, recordsLatency } from './errors.js'
import { createLatencyHistogram, encodeHistogram, summarize } from './histogram.js'
import { failedCount, Timeline } from './timeline.js'
import { compileScenario } from './request.js'
import type { LoadResult } from './types.js'

/** Milliseconds from the start at which request `i` is due, for a constant rate or a linear ramp. */
export function scheduleOf(load: RateLoad): (i: number) => number {
  const ramp = load.ramp
  if (!ramp || ramp.overMs <= 0) return i => (i / load.rate) * 1000
  const a = ramp.from
  const slope = (ramp.to - ramp.from) / (ramp.overMs / 1000)
  const rampRequests = ((ramp.from + ramp.to) / 2) * (ramp.overMs / 1000)
  return i => {
    if (i >= rampRequests) return ramp.overMs + ((i - rampRequests) / ramp.to) * 1000
    // solve a t + slope t² / 2 = i for t (seconds)
    const t = slope === 0 ? i / a : (-a + Math.sqrt(a * a + 2 * slope * i)) / slope
    return t * 1000
  }
}

/** How many requests the schedule `due` puts before `ms` (due is increasing, so a binary search finds it). */
export function scheduledBefore(due: (i: number) => number, ms: number): number {
  let hi = 1
  while (due(hi) < ms && hi < 2 ** 40) hi *= 2
  let lo = 0
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2)
    if (due(mid) < ms) lo = mid + 1
    else hi = mid
  }
  return lo
}

/**
 * The open model: requests leave on an even schedule whatever the service does, and latency is measured from
 * each request's intended send time, so a stall shows up as the wait every scheduled request saw (coordinated
 * omission corrected by construction). At most `connections` requests are on the wire; a due request that finds
 * them all busy waits in the generator, and that wait counts as latency too. How late the generator itself sent
 * requests (its event loop being busy) is measured separately as generator.lag.
 */
export async function runOpenLoad(scenario: Scenario, options: LoadOptions = {}): Promise<LoadResult> {
  const load = scenario.load as RateLoad
  const url = new URL(scenario.request.url)
  const template = compileScenario(scenario)
  const agent = new http.Agent({ keepAlive: true, maxSockets: load.connections })
  const due = scheduleOf(load)
  const latency = createLatencyHistogram()
  const lag = createLatencyHistogram()
  const counts = emptyCounts()
  const timeline = new Timeline()
  const warmup = new Timeline()
  let warmupNext = 1000
  const totalMs = load.warmupMs + load.durationMs
  let bytes = 0
  let inFlight = 0
  let lastSentAt = 0
  let nextSecond = load.warmupMs + 1000
  let stopped: string | undefined
  const cpuAtStart = process.cpuUsage()
  const t0 = performance.now()
  const now = () => performance.now() - t0
  let settleAll: () => void = () => undefined
  const settled = () => {
    inFlight--
    if (inFlight === 0) settleAll()
  }

  const closeSeconds = (at: number) => {
    while (at >= warmupNext && warmupNext < load.warmupMs) {
      warmup.close((warmupNext - load.warmupMs) / 1000)
      warmupNext += 1000
    }
    if (at >= load.warmupMs && warmupNext <= load.warmupMs + 1000 && warmup.pending) {
      warmup.close(0)
      warmupNext = Infinity
    }
    while (at >= nextSecond && nextSecond <= totalMs + 1000) {
      timeline.close(Math.round((nextSecond - load.warmupMs) / 1000))
      nextSecond += 1000
    }
  }

  const send = (intendedMs: number) => {
    const measured = intendedMs >= load.warmupMs
    const sentAt = now()
    lastSentAt = sentAt
    if (measured) lag.recordValue(Math.max(1, Math.round(Math.abs(sentAt - intendedMs) * 1000)))
    // latency runs from the intended time when the request left late (coordinated omission), from the real send
    // when it left early: a client cannot wait for a response it has not asked for yet
    const startMs = Math.max(intendedMs, sentAt)
    const { method, path, headers, body, expect } = template.render()
    inFlight++
    if (measured) counts.sent++
    const req = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        method,
        path,
        headers,
        timeout: load.timeoutMs
      },
      res => {
        let size = 0
        res.on('data', (chunk: Buffer) => (size += chunk.length))
        res.on('end', () => {
          const finished = now()
          closeSeconds(finished)
          if (!measured && finished < load.warmupMs) {
            const status = res.statusCode ?? 0
            const ok2xx = status >= 200 && status < 300
            warmup.response(ok2xx ? Math.max(1, Math.round((finished - startMs) * 1000)) : undefined)
          }
          if (measured) {
            const status = res.statusCode ?? 0
            const ok = countResponse(counts, status, expect)
            bytes += size
            if (ok && recordsLatency(status, expect)) {
              const us = Math.max(1, Math.round((finished - startMs) * 1000))
              latency.recordValue(us)
              timeline.response(us)
            } else {
              timeline.response()
              if (!ok) timeline.error()
            }
          }
          settled()
        })
        res.on('error', () => undefined)
      }
    )
    req.on('timeout', () => req.destroy(Object.assign(new Error('request timed out'), { code: 'ETIMEDOUT' })))
    req.on('error', err => {
      if (measured) {
        counts[classifyError(err)]++
        timeline.error()
      }
      settled()
    })
    req.end(body)
  }

  const onAbort = () => {
    stopped = String(options.signal?.reason ?? 'aborted')
  }
  if (options.signal?.aborted) onAbort()
  else options.signal?.addEventListener('abort', onAbort, { once: true })
  const progress = setInterval(() => {
    const elapsed = now()
    options.onProgress?.({
      phase: elapsed < load.warmupMs ? 'warmup' : 'measure',
      elapsedMs: Math.min(elapsed, totalMs),
      totalMs,
      responses: counts.responses,
      errors: failedCount(counts),
      currentRps: timeline.currentResponses
    })
  }, 500)

  // Timers fire no finer than ~1 ms: sleep on a timer while the next send is far, yield to I/O (setImmediate)
  // while it is close. This keeps sends within a fraction of a millisecond of their schedule; the price is a
  // busy generator at high rates (npm run bench:open measures both).
  let i = 0
  while (!stopped) {
    const elapsed = now()
    let next = due(i)
    while (next <= elapsed && next < totalMs) {
      send(next)
      next = due(++i)
    }
    if (next >= totalMs) break
    closeSeconds(elapsed)
    const wait = next - now()
    await new Promise(resolve => (wait > 1.5 ? setTimeout(resolve, wait - 1) : setImmediate(resolve)))
  }
  const measureEnd = Math.min(now(), totalMs)
  if (inFlight > 0 && !stopped) {
    await new Promise<void>(resolve => {
      settleAll = resolve
      setTimeout(resolve, load.timeoutMs + 100).unref()
    })
  }
  clearInterval(progress)
  options.signal?.removeEventListener('abort', onAbort)
  agent.destroy()
  closeSeconds(Math.max(now(), nextSecond))
  const durationMs = Math.max(1, measureEnd - load.warmupMs)
  const cpu = process.cpuUsage(cpuAtStart)
  const lagP99 = lag.totalCount ? lag.getValueAtPercentile(99) : 0
  const targetRate =
    (scheduledBefore(due, totalMs) - scheduledBefore(due, load.warmupMs)) / (load.durationMs / 1000)
  // a generator that fell behind sends its last requests after the window's end: the rate it achieved is what it
  // sent over the time it took, never more than the window it had
  const sendingMs = Math.max(stopped ? measureEnd : totalMs, lastSentAt) - load.warmupMs
  return {
    durationMs,
    warmupMs: load.warmupMs,
    counts,
    bytes,
    histogram: encodeHistogram(latency),
    latency: summarize(latency),
    timeline: timeline.points.filter(p => p.t >= 1),
    warmupTimeline: warmup.points,
    generatorCpu: ((cpu.user + cpu.system) / 1000 / now()) * 100,
    generatorLagUs: lagP99,
    targetRate,
    achievedRate: counts.sent / (Math.max(1, sendingMs) / 1000),
    // beyond this lateness of the generator itself, its schedule, not the service, shaped the numbers
    generatorSaturated: lagP99 > (load.maxLagMs ?? DEFAULTS.maxLagMs) * 1000,
    ...(stopped ? { abortedReason: stopped } : {})
  }
}
