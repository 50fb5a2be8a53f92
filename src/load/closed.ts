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
  const load = scenario.load as ClosedLoad
  const template = compileScenario(scenario)
  const url = new URL(scenario.request.url)
  const latency = createLatencyHistogram()
  const counts = emptyCounts()
  const timeline = new Timeline()
  const warmup = new Timeline()
  let warmupNext = 1000
  const seen = new WeakSet<object>()
  let bytes = 0
  let recentResponses = 0
  let measuring = false
  let measureStart = 0
  let cpuAtStart = process.cpuUsage()

  const totalMs = load.warmupMs + load.durationMs
  const window = new ClientWindow()
  const started = performance.now()
  // the expected statuses of the response being counted: static for one request; for a mix, carried from
  // setupRequest through the connection's context to onResponse, which autocannon calls right before 'response'
  const mixExpects = template.dynamic && (scenario.mix ?? []).some(r => r.expect)
  let pendingExpect: number[] | undefined = scenario.request.expect
  const requests = template.dynamic
    ? [
        {
          method: scenario.request.method as autocannon.Request['method'],
          ...(mixExpects
            ? {
                onResponse: (_status: number, _body: string, context: { expect?: number[] }) => {
                  pendingExpect = context.expect
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

  const instance = autocannon(
    {
      url: url.origin + url.pathname + url.search,
      method: scenario.request.method as autocannon.Request['method'],
      headers: scenario.request.headers,
      ...(scenario.request.body !== undefined && !template.dynamic ? { body: scenario.request.body } : {}),
      ...(requests ? { requests } : {}),
      connections: load.connections,
      // the window is ended by closeWindow below; autocannon's own duration (checked once a second) is a backstop
      // that leaves room for the drain
      duration: Math.ceil((totalMs + load.timeoutMs) / 1000) + 2,
      timeout: Math.max(1, Math.ceil(load.timeoutMs / 1000)),
      // autocannon acts on stop() at its next sample tick (once a second by default): a short tick lets the run
      // return right after the drain instead of up to a second later (perfgate keeps no autocannon samples)
      sampleInt: 50,
      excludeErrorStats: true,
      skipAggregateResult: true,
      setupClient: tuneClient(() => {
        if (measuring) {
          counts.reset++
          timeline.error()
        }
      }, window)
    },
    () => undefined
  )

  const startMeasuring = () => {
    if (warmup.pending) warmup.close(0)
    measuring = true
    measureStart = performance.now()
    cpuAtStart = process.cpuUsage()
  }

  instance.on('response', (client: object, statusCode: number, resBytes: number, responseTimeMs: number) => {
    recentResponses++
    const first = !seen.has(client)
    if (first) seen.add(client)
    if (!measuring) {
      if (performance.now() - started < load.warmupMs) {
        const ok2xx = statusCode >= 200 && statusCode < 300 && !first
        warmup.response(ok2xx ? Math.max(1, Math.round(responseTimeMs * 1000)) : undefined)
        return
      }
      startMeasuring()
    }
    const ok = countResponse(counts, statusCode, pendingExpect)
    bytes += resBytes
    if (ok && recordsLatency(statusCode, pendingExpect)) {
      if (first) timeline.response()
      else {
        const us = Math.max(1, Math.round(responseTimeMs * 1000))
        latency.recordValue(us)
        timeline.response(us)
      }
    } else {
      timeline.response()
      if (!ok) timeline.error()
    }
  })
  instance.on('reqError', (error: unknown) => {
    if (!measuring) {
      if (performance.now() - started < load.warmupMs) return
      startMeasuring()
    }
    counts[classifyError(error)]++
    timeline.error()
  })

  const closeSecond = () => timeline.close(Math.round((performance.now() - measureStart) / 1000))

  let nextSecond = 1000
  const ticker = setInterval(() => {
    const elapsed = performance.now() - started
    while (!measuring && elapsed >= warmupNext && warmupNext < load.warmupMs) {
      warmup.close((warmupNext - load.warmupMs) / 1000)
      warmupNext += 1000
    }
    if (!measuring && elapsed >= load.warmupMs) startMeasuring()
    if (measuring && performance.now() - measureStart >= nextSecond) {
      closeSecond()
      nextSecond += 1000
    }
  }, 50)
  const progress = setInterval(() => {
    const elapsed = performance.now() - started
    options.onProgress?.({
      phase: measuring ? 'measure' : 'warmup',
      elapsedMs: Math.min(elapsed, totalMs),
      totalMs,
      responses: counts.responses,
      errors: failedCount(counts),
      currentRps: (recentResponses * 1000) / PROGRESS_MS
    })
    recentResponses = 0
  }, PROGRESS_MS)

  let abortedReason: string | undefined
  const onAbort = () => {
    abortedReason = String(options.signal?.reason ?? 'aborted')
    instance.stop()
  }
  if (options.signal?.aborted) onAbort()
  else options.signal?.addEventListener('abort', onAbort, { once: true })

  // At the window's end no connection starts a request; those still out get until their timeout, then autocannon
  // stops, and what is still unanswered counts as timed out: nothing reaches the service after this returns.
  let windowEnd: number | undefined
  const closeWindow = setTimeout(() => {
    window.close()
    const deadline = performance.now() + load.timeoutMs
    const drain = setInterval(() => {
      if (window.inFlight() > 0 && performance.now() < deadline && !abortedReason) return
      clearInterval(drain)
      windowEnd = performance.now()
      const cut = window.inFlight()
      if (measuring && cut > 0 && !abortedReason) {
        counts.timeout += cut
        for (let i = 0; i < cut; i++) timeline.error()
      }
      instance.stop()
    }, 2)
  }, totalMs)
  const done = new Promise<void>(resolve => instance.once('done', () => resolve()))
  await done
  clearTimeout(closeWindow)
  clearInterval(ticker)
  clearInterval(progress)
  options.signal?.removeEventListener('abort', onAbort)
  if (!measuring) startMeasuring()
  const durationMs = Math.max(1, (windowEnd ?? performance.now()) - measureStart)
  const cpu = process.cpuUsage(cpuAtStart)
  if (timeline.pending) closeSecond()
  counts.sent = counts.responses + counts.connect + counts.timeout + counts.reset + counts.other

  return {
    durationMs,
    warmupMs: load.warmupMs,
    counts,
    bytes,
    histogram: encodeHistogram(latency),
    latency: summarize(latency),
    timeline: timeline.points,
    warmupTimeline: warmup.points,
    generatorCpu: ((cpu.user + cpu.system) / 1000 / durationMs) * 100,
    generatorLagUs: 0,
    ...(abortedReason ? { abortedReason } : {})
  }
}
