import type { RateLoad, Scenario } from '../config/types.js'

export { scheduleOf, scheduledBefore } from './schedule.js'
import { DEFAULTS } from '../config/defaults.js'
import type { LoadOptions } from './closed.js'
import { sendOnSchedule, startSendTicker, type SendTicker } from './clock.js'
import { scheduleOf, scheduledBefore } from './schedule.js'
import { classifyError, countResponse, emptyCounts, recordsLatency } from './errors.js'
import { createLatencyHistogram, encodeHistogram, summarize } from './histogram.js'
import { failedCount, Timeline } from './timeline.js'
import { compileScenario } from './request.js'
import { timeoutError } from './dispatch.js'
import { transportFor } from './protocol.js'
import type { Transport } from './transport.js'
import type { LoadResult } from './types.js'

/**
 * One request before the schedule starts, not counted: the first request of a process loads and compiles the
 * client's code paths (tens of milliseconds on a busy runner), which would otherwise delay the first sends and
 * show as generator lag. Failures are left to the measured requests to count.
 */
function prime(
  transport: Transport,
  template: ReturnType<typeof compileScenario>,
  timeoutMs: number
): Promise<void> {
  return new Promise(resolve => {
    let abort: ((reason: Error) => void) | undefined
    const timer = setTimeout(
      () => {
        abort?.(timeoutError())
        resolve()
      },
      Math.min(timeoutMs, 1000)
    )
    // nothing answered (yet): the measured requests will say so
    transport.dispatch(template.render(), {
      onConnect: a => (abort = a),
      end: () => {
        clearTimeout(timer)
        resolve()
      }
    })
  })
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
export async function runOpenLoad(
  scenario: Scenario,
  options: LoadOptions = {},
  transport: Transport = transportFor(scenario, 'http1', options)
): Promise<LoadResult> {
  const load = scenario.load as RateLoad
  const template = compileScenario(scenario)
  await transport.open()
  const [ticker] = await Promise.all([startSendTicker(), prime(transport, template, load.timeoutMs)])
  const run = new OpenRun(load, template, transport, ticker)
  const stopWatching = run.watch(options)
  const cpuAtStart = process.cpuUsage()
  try {
    await run.sendOnSchedule()
    const measureEnd = Math.min(ticker.now(), run.totalMs)
    await run.drain()
    run.abortWhatIsLeft()
    return run.result(measureEnd, process.cpuUsage(cpuAtStart))
  } finally {
    stopWatching()
    await transport.close()
    await ticker.close()
  }
}

/** One open-model run's state and its steps: send on schedule, answer, time out, drain, and the result. */
class OpenRun {
  readonly totalMs: number
  private readonly now: () => number
  private readonly due: (i: number) => number
  private readonly latency = createLatencyHistogram()
  private readonly lag = createLatencyHistogram()
  private readonly counts = emptyCounts()
  private readonly timeline = new Timeline()
  private readonly warmup = new Timeline()
  private warmupNext = 1000
  private bytes = 0
  private lastSentAt = 0
  private nextSecond: number
  private stopped: string | undefined
  /** requests not yet ended, in the order they were due (a Map iterates in insertion order) */
  private readonly pending = new Map<number, Pending>()
  private nextId = 0
  private onEmpty: (() => void) | undefined

  constructor(
    private readonly load: RateLoad,
    private readonly template: ReturnType<typeof compileScenario>,
    private readonly transport: Transport,
    private readonly ticker: SendTicker
  ) {
    this.now = ticker.now
    this.due = scheduleOf(load)
    this.totalMs = load.warmupMs + load.durationMs
    this.nextSecond = load.warmupMs + 1000
  }

  /** Follows the abort signal and reports progress every 500 ms; returns what stops both. */
  watch(options: LoadOptions): () => void {
    const onAbort = () => {
      this.stopped = String(options.signal?.reason ?? 'aborted')
      this.ticker.interrupt()
      this.onEmpty?.()
    }
    if (options.signal?.aborted) onAbort()
    else options.signal?.addEventListener('abort', onAbort, { once: true })
    const progress = setInterval(() => {
      const elapsed = this.now()
      options.onProgress?.({
        phase: elapsed < this.load.warmupMs ? 'warmup' : 'measure',
        elapsedMs: Math.min(elapsed, this.totalMs),
        totalMs: this.totalMs,
        responses: this.counts.responses,
        errors: failedCount(this.counts),
        currentRps: this.timeline.currentResponses
      })
    }, 500)
    return () => {
      clearInterval(progress)
      options.signal?.removeEventListener('abort', onAbort)
    }
  }

  /** Sends every request at its due time, closing seconds and timing out requests between sends. */
  async sendOnSchedule(): Promise<void> {
    await sendOnSchedule(this.ticker, 0, this.due, this.totalMs, this.send, {
      stopped: () => this.stopped !== undefined,
      idle: () => this.pending.size === 0,
      between: elapsed => {
        this.closeSeconds(elapsed)
        this.expire(elapsed)
      }
    })
  }

  /** The drain: what is still out gets until its own timeout. */
  async drain(): Promise<void> {
    while (!this.stopped && this.pending.size > 0) {
      this.expire(this.now())
      if (this.pending.size === 0) break
      const oldest = this.pending.values().next().value!
      let timer: NodeJS.Timeout | undefined
      await new Promise<void>(resolve => {
        this.onEmpty = resolve
        timer = setTimeout(resolve, Math.min(oldest.intendedMs + this.load.timeoutMs - this.now(), 50))
      })
      clearTimeout(timer)
      this.onEmpty = undefined
    }
  }

  /** An aborted run: what is left is aborted, on the wire a timeout, never sent not sent at all. */
  abortWhatIsLeft(): void {
    for (const [id, entry] of this.pending) {
      if (entry.onWire) this.failed(id, entry, timeoutError())
      else {
        this.end(id, entry)
        if (entry.measured) this.counts.sent--
      }
      entry.abort?.(timeoutError())
    }
  }

  /** The run's result: counts, latency, timelines, and the generator's own CPU, lag and rates. */
  result(measureEnd: number, cpu: NodeJS.CpuUsage): LoadResult {
    const { load, counts, lag, latency } = this
    const cpuMs = (cpu.user + cpu.system) / 1000
    const elapsedMs = this.now()
    this.closeSeconds(Math.max(elapsedMs, this.nextSecond))
    const durationMs = Math.max(1, measureEnd - load.warmupMs)
    const lagP99 = lag.totalCount ? lag.getValueAtPercentile(99) : 0
    const targetRate =
      (scheduledBefore(this.due, this.totalMs) - scheduledBefore(this.due, load.warmupMs)) /
      (load.durationMs / 1000)
    // a generator that fell behind sends its last requests after the window's end: the rate it achieved is what
    // it sent over the time it took, never more than the window it had
    const sendingMs = Math.max(this.stopped ? measureEnd : this.totalMs, this.lastSentAt) - load.warmupMs
    const streamErrors = this.transport.streamErrors()
    return {
      durationMs,
      warmupMs: load.warmupMs,
      counts,
      bytes: this.bytes,
      histogram: encodeHistogram(latency),
      latency: summarize(latency),
      timeline: this.timeline.points.filter(p => p.t >= 1),
      warmupTimeline: this.warmup.points,
      generatorCpu: (cpuMs / elapsedMs) * 100,
      generatorLagUs: lagP99,
      targetRate,
      achievedRate: counts.sent / (Math.max(1, sendingMs) / 1000),
      // beyond this lateness of the generator itself, its schedule, not the service, shaped the numbers
      generatorSaturated: lagP99 > (load.maxLagMs ?? DEFAULTS.maxLagMs) * 1000,
      ...(this.transport.protocol !== 'http1' ? { protocol: this.transport.protocol } : {}),
      ...(streamErrors ? { streamErrors } : {}),
      ...(this.stopped ? { abortedReason: this.stopped } : {})
    }
  }

  private closeSeconds(at: number): void {
    const { load } = this
    while (at >= this.warmupNext && this.warmupNext < load.warmupMs) {
      this.warmup.close((this.warmupNext - load.warmupMs) / 1000)
      this.warmupNext += 1000
    }
    if (at >= load.warmupMs && this.warmupNext <= load.warmupMs + 1000 && this.warmup.pending) {
      this.warmup.close(0)
      this.warmupNext = Infinity
    }
    while (at >= this.nextSecond && this.nextSecond <= this.totalMs + 1000) {
      this.timeline.close(Math.round((this.nextSecond - load.warmupMs) / 1000))
      this.nextSecond += 1000
    }
  }

  private end(id: number, entry: Pending): void {
    entry.done = true
    this.pending.delete(id)
    if (this.pending.size === 0) this.onEmpty?.()
  }

  private failed(id: number, entry: Pending, err: unknown): void {
    if (entry.done) return
    this.end(id, entry)
    if (entry.measured) {
      this.counts[classifyError(err)]++
      this.timeline.error()
    }
  }

  private answered(id: number, entry: Pending, status: number, size: number, expect?: number[]): void {
    if (entry.done) return
    this.end(id, entry)
    const finished = this.now()
    this.closeSeconds(finished)
    if (!entry.measured) {
      if (finished < this.load.warmupMs) {
        const ok2xx = recordsLatency(status)
        this.warmup.response(ok2xx ? Math.max(1, Math.round((finished - entry.startMs) * 1000)) : undefined)
      }
      return
    }
    const ok = countResponse(this.counts, status, expect)
    this.bytes += size
    if (ok && recordsLatency(status, expect)) {
      const us = Math.max(1, Math.round((finished - entry.startMs) * 1000))
      this.latency.recordValue(us)
      this.timeline.response(us)
    } else {
      this.timeline.response()
      if (!ok) this.timeline.error()
    }
  }

  /** Times out what has waited `timeout` since it was due: requests are due in order, so the oldest come first. */
  private expire(at: number): void {
    for (const [id, entry] of this.pending) {
      if (entry.intendedMs + this.load.timeoutMs > at) break
      this.failed(id, entry, timeoutError())
      entry.abort?.(timeoutError())
    }
  }

  private readonly send = (intendedMs: number): void => {
    const measured = intendedMs >= this.load.warmupMs
    const sentAt = this.now()
    this.lastSentAt = sentAt
    if (measured) this.lag.recordValue(Math.max(1, Math.round(Math.abs(sentAt - intendedMs) * 1000)))
    // latency runs from the real send, early or late: the generator's own lateness is generator.lag, and a wait for
    // a busy connection counts from here (coordinated omission); see ConnectionGauge for the write
    const entry: Pending = {
      intendedMs,
      startMs: sentAt,
      measured,
      onWire: false,
      done: false
    }
    const id = this.nextId++
    this.pending.set(id, entry)
    if (measured) this.counts.sent++
    const request = this.template.render()
    this.transport.dispatch(request, {
      onConnect: abort => {
        if (entry.done) abort(timeoutError())
        else entry.abort = abort
      },
      onWrite: () => {
        entry.startMs = this.now()
      },
      onRequestSent: () => {
        entry.onWire = true
      },
      end: ({ status, size, error }) =>
        status === undefined
          ? this.failed(id, entry, error)
          : this.answered(id, entry, status, size, request.expect)
    })
  }
}
