import { Pool, type Dispatcher } from 'undici'
import type { RateLoad, Scenario } from '../config/types.js'

export { scheduleOf, scheduledBefore } from './schedule.js'
import { DEFAULTS } from '../config/defaults.js'
import type { LoadOptions } from './closed.js'
import { sendOnSchedule, startSendTicker } from './clock.js'
import { scheduleOf, scheduledBefore } from './schedule.js'
import { classifyError, countResponse, emptyCounts, recordsLatency } from './errors.js'
import { createLatencyHistogram, encodeHistogram, summarize } from './histogram.js'
import { failedCount, Timeline } from './timeline.js'
import { compileScenario } from './request.js'
import { ConnectionGauge, dispatchRequest, poolFor, timeoutError } from './dispatch.js'
import type { LoadResult } from './types.js'

/**
 * One request before the schedule starts, not counted: the first request of a process loads and compiles the
 * client's code paths (tens of milliseconds on a busy runner), which would otherwise delay the first sends and
 * show as generator lag. Failures are left to the measured requests to count.
 */
async function prime(
  pool: Pool,
  template: ReturnType<typeof compileScenario>,
  timeoutMs: number
): Promise<void> {
  const { method, path, headers, body } = template.render()
  const abort = new AbortController()
  const timer = setTimeout(() => abort.abort(), Math.min(timeoutMs, 1000))
  try {
    const response = await pool.request({
      method: method as Dispatcher.HttpMethod,
      path,
      headers,
      body: body ?? null,
      signal: abort.signal
    })
    await response.body.dump()
  } catch {
    // nothing answered (yet): the measured requests will say so
  } finally {
    clearTimeout(timer)
  }
}

/** One request between its due time and its end. */
interface Pending {
  intendedMs: number
  startMs: number
  measured: boolean
  /** undici hands this over when it writes the request; a queued request has none yet */
  abort?: (reason: Error) => void
  /** the request was written to a socket */
  onWire: boolean
  done: boolean
}

/**
 * The open model: requests leave on an even schedule whatever the service does, so a stall shows up as the wait
 * every scheduled request saw (coordinated omission corrected by construction). At most `connections` requests
 * are on the wire (an undici Pool); a due request that finds them all busy waits in the pool's queue, and that wait
 * counts as latency: it is timed from the moment the generator sent it, which the ticker keeps within a fraction
 * of a millisecond of its due time (a request that finds an idle connection is timed from its write). A request
 * times out `timeout` after its intended time, queued or not; a queued one that timed out is never sent. How
 * late the generator itself sent requests is measured separately as generator.lag: a ticker thread wakes the
 * loop at each due time (src/load/clock.ts), so the lag is the event loop's own lateness, not a timer's grain.
 *
 * At the window's end nothing new is sent; requests still out get until their timeout, and whatever is left
 * then (or at once, when the run is aborted) is aborted: counted as a timeout when it was on the wire, taken out
 * of `sent` when it never left the queue. Nothing reaches the service after this function returns.
 */
export async function runOpenLoad(scenario: Scenario, options: LoadOptions = {}): Promise<LoadResult> {
  const load = scenario.load as RateLoad
  const template = compileScenario(scenario)
  const pool = poolFor(scenario, options.extraCaCerts)
  const gauge = new ConnectionGauge(pool)
  const [ticker] = await Promise.all([startSendTicker(), prime(pool, template, load.timeoutMs)])
  const now = ticker.now
  const due = scheduleOf(load)
  const latency = createLatencyHistogram()
  const lag = createLatencyHistogram()
  const counts = emptyCounts()
  const timeline = new Timeline()
  const warmup = new Timeline()
  let warmupNext = 1000
  const totalMs = load.warmupMs + load.durationMs
  let bytes = 0
  let lastSentAt = 0
  let nextSecond = load.warmupMs + 1000
  let stopped: string | undefined
  /** requests not yet ended, in the order they were due (a Map iterates in insertion order) */
  const pending = new Map<number, Pending>()
  let nextId = 0
  let onEmpty: (() => void) | undefined

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

  const end = (id: number, entry: Pending) => {
    entry.done = true
    pending.delete(id)
    if (pending.size === 0) onEmpty?.()
  }

  const failed = (id: number, entry: Pending, err: unknown) => {
    if (entry.done) return
    end(id, entry)
    if (entry.measured) {
      counts[classifyError(err)]++
      timeline.error()
    }
  }

  const answered = (id: number, entry: Pending, status: number, size: number, expect?: number[]) => {
    if (entry.done) return
    end(id, entry)
    const finished = now()
    closeSeconds(finished)
    if (!entry.measured) {
      if (finished < load.warmupMs) {
        const ok2xx = status >= 200 && status < 300
        warmup.response(ok2xx ? Math.max(1, Math.round((finished - entry.startMs) * 1000)) : undefined)
      }
      return
    }
    const ok = countResponse(counts, status, expect)
    bytes += size
    if (ok && recordsLatency(status, expect)) {
      const us = Math.max(1, Math.round((finished - entry.startMs) * 1000))
      latency.recordValue(us)
      timeline.response(us)
    } else {
      timeline.response()
      if (!ok) timeline.error()
    }
  }

  /** Times out what has waited `timeout` since it was due: requests are due in order, so the oldest come first. */
  const expire = (at: number) => {
    for (const [id, entry] of pending) {
      if (entry.intendedMs + load.timeoutMs > at) break
      failed(id, entry, timeoutError())
      entry.abort?.(timeoutError())
    }
  }

  const send = (intendedMs: number) => {
    const measured = intendedMs >= load.warmupMs
    const sentAt = now()
    lastSentAt = sentAt
    if (measured) lag.recordValue(Math.max(1, Math.round(Math.abs(sentAt - intendedMs) * 1000)))
    // latency runs from the real send, early or late: the generator's own lateness is generator.lag, and a wait for
    // a busy connection counts from here (coordinated omission); see ConnectionGauge for the write
    const entry: Pending = {
      intendedMs,
      startMs: sentAt,
      measured,
      onWire: false,
      done: false
    }
    const id = nextId++
    pending.set(id, entry)
    if (measured) counts.sent++
    const request = template.render()
    dispatchRequest(
      pool,
      request,
      {
        onConnect: abort => {
          if (entry.done) abort(timeoutError())
          else entry.abort = abort
        },
        onWrite: () => {
          entry.startMs = now()
        },
        onRequestSent: () => {
          entry.onWire = true
        },
        end: ({ status, size, error }) =>
          status === undefined ? failed(id, entry, error) : answered(id, entry, status, size, request.expect)
      },
      gauge
    )
  }

  const onAbort = () => {
    stopped = String(options.signal?.reason ?? 'aborted')
    ticker.interrupt()
    onEmpty?.()
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

  const cpuAtStart = process.cpuUsage()
  try {
    await sendOnSchedule(ticker, 0, due, totalMs, send, {
      stopped: () => stopped !== undefined,
      between: elapsed => {
        closeSeconds(elapsed)
        expire(elapsed)
      }
    })
    const measureEnd = Math.min(now(), totalMs)
    // the drain: what is still out gets until its own timeout
    while (!stopped && pending.size > 0) {
      expire(now())
      if (pending.size === 0) break
      const oldest = pending.values().next().value!
      let timer: NodeJS.Timeout | undefined
      await new Promise<void>(resolve => {
        onEmpty = resolve
        timer = setTimeout(resolve, Math.min(oldest.intendedMs + load.timeoutMs - now(), 50))
      })
      clearTimeout(timer)
      onEmpty = undefined
    }
    // an aborted run: what is left is aborted, on the wire a timeout, never sent not sent at all
    for (const [id, entry] of pending) {
      if (entry.onWire) failed(id, entry, timeoutError())
      else {
        end(id, entry)
        if (entry.measured) counts.sent--
      }
      entry.abort?.(timeoutError())
    }
    const cpu = process.cpuUsage(cpuAtStart)
    const cpuMs = (cpu.user + cpu.system) / 1000
    const elapsedMs = now()
    closeSeconds(Math.max(elapsedMs, nextSecond))
    const durationMs = Math.max(1, measureEnd - load.warmupMs)
    const lagP99 = lag.totalCount ? lag.getValueAtPercentile(99) : 0
    const targetRate =
      (scheduledBefore(due, totalMs) - scheduledBefore(due, load.warmupMs)) / (load.durationMs / 1000)
    // a generator that fell behind sends its last requests after the window's end: the rate it achieved is what
    // it sent over the time it took, never more than the window it had
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
      generatorCpu: (cpuMs / elapsedMs) * 100,
      generatorLagUs: lagP99,
      targetRate,
      achievedRate: counts.sent / (Math.max(1, sendingMs) / 1000),
      // beyond this lateness of the generator itself, its schedule, not the service, shaped the numbers
      generatorSaturated: lagP99 > (load.maxLagMs ?? DEFAULTS.maxLagMs) * 1000,
      ...(stopped ? { abortedReason: stopped } : {})
    }
  } finally {
    clearInterval(progress)
    options.signal?.removeEventListener('abort', onAbort)
    await pool.destroy().catch(() => undefined)
    await ticker.close()
  }
}
