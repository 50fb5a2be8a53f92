import autocannon from 'autocannon'
import { ClientWindow, tuneClient } from './autocannon-client.js'
import type { ClosedLoad, Scenario } from '../config/types.js'
import { classifyError, countResponse, emptyCounts, recordsLatency } from './errors.js'
import { createLatencyHistogram, encodeHistogram, summarize } from './histogram.js'
import { failedCount, Timeline } from './timeline.js'
import { compileScenario } from './request.js'
import type { LoadProgress, LoadResult } from './types.js'

export interface LoadOptions {
  /** abort = stop now; the result carries the signal's reason in abortedReason */
  signal?: AbortSignal
  onProgress?: (progress: LoadProgress) => void
  /** a CA file trusted besides the system's roots (the doors pass NODE_EXTRA_CA_CERTS) */
  extraCaCerts?: string
}

const PROGRESS_MS = 500

/**
 * The closed model: `connections` connections, each sending its next request when the previous one answered.
 * autocannon drives the sockets (single-threaded, never `workers`); perfgate records every 2xx latency itself in
 * microseconds. One autocannon instance covers warmup and measurement, so connections opened during warmup are
 * kept, and each connection's first response (which includes the connect wait) is left out of latency.
 */
export async function runClosedLoad(scenario: Scenario, options: LoadOptions = {}): Promise<LoadResult> {
  const run = new ClosedRun(scenario)
  const instance = autocannon(run.autocannonOptions(), () => undefined)
  run.count(instance)
  const stopClocks = run.startClocks(options)
  const stopWatching = run.watchAbort(instance, options)
  const closeWindow = run.closeWindowAtEnd(instance)
  await new Promise<void>(resolve => instance.once('done', () => resolve()))
  clearTimeout(closeWindow)
  stopClocks()
  stopWatching()
  return run.result()
}

/** One closed-model run's state and its steps: autocannon's options, counting, the clocks, the window, the result. */
class ClosedRun {
  private readonly load: ClosedLoad
  private readonly template: ReturnType<typeof compileScenario>
  private readonly latency = createLatencyHistogram()
  private readonly counts = emptyCounts()
  private readonly timeline = new Timeline()
  private readonly warmup = new Timeline()
  private warmupNext = 1000
  private readonly seen = new WeakSet<object>()
  private bytes = 0
  private recentResponses = 0
  private measuring = false
  private measureStart = 0
  private cpuAtStart = process.cpuUsage()
  private readonly totalMs: number
  private readonly window = new ClientWindow()
  private readonly started = performance.now()
  /**
   * the expected statuses of the response being counted: static for one request; for a mix, carried from
   * setupRequest through the connection's context to onResponse, which autocannon calls right before 'response'
   */
  private pendingExpect: number[] | undefined
  private abortedReason: string | undefined
  private windowEnd: number | undefined

  constructor(private readonly scenario: Scenario) {
    this.load = scenario.load as ClosedLoad
    this.template = compileScenario(scenario)
    this.totalMs = this.load.warmupMs + this.load.durationMs
    this.pendingExpect = scenario.request.expect
  }

  /** autocannon's options: the request (or a mix rendered per request), the connections, the backstops. */
  autocannonOptions(): autocannon.Options {
    const { scenario, template, load } = this
    const url = new URL(scenario.request.url)
    const mixExpects = template.dynamic && (scenario.mix ?? []).some(r => r.expect)
    const requests = template.dynamic
      ? [
          {
            method: scenario.request.method as autocannon.Request['method'],
            ...(mixExpects
              ? {
                  onResponse: (_status: number, _body: string, context: { expect?: number[] }) => {
                    this.pendingExpect = context.expect
                  }
                }
              : {}),
            setupRequest: (req: autocannon.Request, context: { expect?: number[] }) => {
              const rendered = template.render()
              context.expect = rendered.expect
              return {
                ...req,
                method: rendered.method as autocannon.Request['method'],
                path: rendered.path,
                headers: rendered.headers,
                ...(rendered.body !== undefined ? { body: rendered.body } : {})
              }
            }
          }
        ]
      : undefined
    return {
      url: url.origin + url.pathname + url.search,
      method: scenario.request.method as autocannon.Request['method'],
      headers: scenario.request.headers,
      ...(scenario.request.body !== undefined && !template.dynamic ? { body: scenario.request.body } : {}),
      ...(requests ? { requests } : {}),
      connections: load.connections,
      // the window is ended by closeWindowAtEnd; autocannon's own duration (checked once a second) is a backstop
      // that leaves room for the drain
      duration: Math.ceil((this.totalMs + load.timeoutMs) / 1000) + 2,
      timeout: Math.max(1, Math.ceil(load.timeoutMs / 1000)),
      // autocannon acts on stop() at its next sample tick (once a second by default): a short tick lets the run
      // return right after the drain instead of up to a second later (perfgate keeps no autocannon samples)
      sampleInt: 50,
      excludeErrorStats: true,
      skipAggregateResult: true,
      setupClient: tuneClient(() => {
        if (this.measuring) {
          this.counts.reset++
          this.timeline.error()
        }
      }, this.window)
    }
  }

  /** Counts every response and request error: warmup apart, each connection's first response without latency. */
  count(instance: autocannon.Instance): void {
    const { load, counts, timeline } = this
    instance.on(
      'response',
      (client: object, statusCode: number, resBytes: number, responseTimeMs: number) => {
        this.recentResponses++
        const first = !this.seen.has(client)
        if (first) this.seen.add(client)
        if (!this.measuring) {
          if (performance.now() - this.started < load.warmupMs) {
            const ok2xx = statusCode >= 200 && statusCode < 300 && !first
            this.warmup.response(ok2xx ? Math.max(1, Math.round(responseTimeMs * 1000)) : undefined)
            return
          }
          this.startMeasuring()
        }
        const ok = countResponse(counts, statusCode, this.pendingExpect)
        this.bytes += resBytes
        if (ok && recordsLatency(statusCode, this.pendingExpect)) {
          if (first) timeline.response()
          else {
            const us = Math.max(1, Math.round(responseTimeMs * 1000))
            this.latency.recordValue(us)
            timeline.response(us)
          }
        } else {
          timeline.response()
          if (!ok) timeline.error()
        }
      }
    )
    instance.on('reqError', (error: unknown) => {
      if (!this.measuring) {
        if (performance.now() - this.started < load.warmupMs) return
        this.startMeasuring()
      }
      counts[classifyError(error)]++
      timeline.error()
    })
  }

  /** The seconds of the timelines (every 50 ms) and the progress (every 500 ms); returns what stops both. */
  startClocks(options: LoadOptions): () => void {
    const { load } = this
    let nextSecond = 1000
    const ticker = setInterval(() => {
      const elapsed = performance.now() - this.started
      while (!this.measuring && elapsed >= this.warmupNext && this.warmupNext < load.warmupMs) {
        this.warmup.close((this.warmupNext - load.warmupMs) / 1000)
        this.warmupNext += 1000
      }
      if (!this.measuring && elapsed >= load.warmupMs) this.startMeasuring()
      if (this.measuring && performance.now() - this.measureStart >= nextSecond) {
        this.closeSecond()
        nextSecond += 1000
      }
    }, 50)
    const progress = setInterval(() => {
      const elapsed = performance.now() - this.started
      options.onProgress?.({
        phase: this.measuring ? 'measure' : 'warmup',
        elapsedMs: Math.min(elapsed, this.totalMs),
        totalMs: this.totalMs,
        responses: this.counts.responses,
        errors: failedCount(this.counts),
        currentRps: (this.recentResponses * 1000) / PROGRESS_MS
      })
      this.recentResponses = 0
    }, PROGRESS_MS)
    return () => {
      clearInterval(ticker)
      clearInterval(progress)
    }
  }

  /** Stops autocannon when the signal aborts the run; returns what stops listening. */
  watchAbort(instance: autocannon.Instance, options: LoadOptions): () => void {
    const onAbort = () => {
      this.abortedReason = String(options.signal?.reason ?? 'aborted')
      instance.stop()
    }
    if (options.signal?.aborted) onAbort()
    else options.signal?.addEventListener('abort', onAbort, { once: true })
    return () => options.signal?.removeEventListener('abort', onAbort)
  }

  /**
   * At the window's end no connection starts a request; those still out get until their timeout, then autocannon
   * stops, and what is still unanswered counts as timed out: nothing reaches the service after the run returns.
   */
  closeWindowAtEnd(instance: autocannon.Instance): NodeJS.Timeout {
    return setTimeout(() => {
      this.window.close()
      const deadline = performance.now() + this.load.timeoutMs
      const drain = setInterval(() => {
        if (this.window.inFlight() > 0 && performance.now() < deadline && !this.abortedReason) return
        clearInterval(drain)
        this.windowEnd = performance.now()
        const cut = this.window.inFlight()
        if (this.measuring && cut > 0 && !this.abortedReason) {
          this.counts.timeout += cut
          for (let i = 0; i < cut; i++) this.timeline.error()
        }
        instance.stop()
      }, 2)
    }, this.totalMs)
  }

  /** The run's result: counts, latency, timelines and the generator's own CPU. */
  result(): LoadResult {
    const { counts, timeline } = this
    if (!this.measuring) this.startMeasuring()
    const durationMs = Math.max(1, (this.windowEnd ?? performance.now()) - this.measureStart)
    const cpu = process.cpuUsage(this.cpuAtStart)
    if (timeline.pending) this.closeSecond()
    counts.sent = counts.responses + counts.connect + counts.timeout + counts.reset + counts.other
    return {
      durationMs,
      warmupMs: this.load.warmupMs,
      counts,
      bytes: this.bytes,
      histogram: encodeHistogram(this.latency),
      latency: summarize(this.latency),
      timeline: timeline.points,
      warmupTimeline: this.warmup.points,
      generatorCpu: ((cpu.user + cpu.system) / 1000 / durationMs) * 100,
      generatorLagUs: 0,
      ...(this.abortedReason ? { abortedReason: this.abortedReason } : {})
    }
  }

  private startMeasuring(): void {
    if (this.warmup.pending) this.warmup.close(0)
    this.measuring = true
    this.measureStart = performance.now()
    this.cpuAtStart = process.cpuUsage()
  }

  private closeSecond(): void {
    this.timeline.close(Math.round((performance.now() - this.measureStart) / 1000))
  }
}
