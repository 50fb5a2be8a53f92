import type { Scenario } from '../config/types.js'
import type { LoadOptions } from './closed.js'
import { timeoutError } from './dispatch.js'
import { classifyError, countResponse, emptyCounts, recordsLatency } from './errors.js'
import { createLatencyHistogram, encodeHistogram, summarize } from './histogram.js'
import { compileScenario } from './request.js'
import { failedCount, Timeline } from './timeline.js'
import type { Transport } from './transport.js'
import type { LoadResult } from './types.js'

interface InFlight {
  startMs: number
  abort?: (reason: Error) => void
}

/**
 * The closed model over a Transport (HTTP/2 and h2c; HTTP/1.1 keeps autocannon, closed.ts): as many request loops
 * as the transport carries at once (connections x streams), each sending its next request when the previous one
 * ended. As in closed.ts: one run covers warmup and measurement, each loop's first response (which includes the
 * connect) is left out of latency, and at the window's end no loop starts a request; those still out get until
 * their timeout, and what is left then counts as timed out.
 */
export async function runClosedStreams(
  scenario: Scenario,
  transport: Transport,
  options: LoadOptions = {}
): Promise<LoadResult> {
  const load = scenario.load
  const template = compileScenario(scenario)
  const loops = await transport.open()
  const totalMs = load.warmupMs + load.durationMs
  const latency = createLatencyHistogram()
  const counts = emptyCounts()
  const timeline = new Timeline()
  const warmup = new Timeline()
  const inFlight = new Map<number, InFlight>()
  const started = performance.now()
  let nextId = 0
  let bytes = 0
  let recent = 0
  let measuring = false
  let measureStart = started
  let cpuAtStart = process.cpuUsage()
  let windowOpen = true
  let abortedReason: string | undefined
  let warmupNext = 1000
  let nextSecond = 1000
  let finish: () => void = () => undefined
  const finished = new Promise<void>(resolve => (finish = resolve))

  const startMeasuring = () => {
    if (measuring) return
    if (warmup.pending) warmup.close(0)
    measuring = true
    measureStart = performance.now()
    cpuAtStart = process.cpuUsage()
  }
  const inWarmup = () => !measuring && performance.now() - started < load.warmupMs

  const send = (first: boolean): void => {
    if (!windowOpen) {
      if (inFlight.size === 0) finish()
      return
    }
    const request = template.render()
    const id = nextId++
    const entry: InFlight = { startMs: performance.now() }
    inFlight.set(id, entry)
    transport.dispatch(request, {
      onConnect: abort => (entry.abort = abort),
      end: ({ status, size, error }) => {
        if (!inFlight.delete(id)) return
        const ms = performance.now() - entry.startMs
        recent++
        if (inWarmup()) {
          if (status !== undefined)
            warmup.response(recordsLatency(status) && !first ? Math.max(1, Math.round(ms * 1000)) : undefined)
        } else {
          startMeasuring()
          if (status === undefined) {
            counts[classifyError(error)]++
            timeline.error()
          } else {
            const ok = countResponse(counts, status, request.expect)
            bytes += size
            if (ok && recordsLatency(status, request.expect) && !first) {
              const us = Math.max(1, Math.round(ms * 1000))
              latency.recordValue(us)
              timeline.response(us)
            } else {
              timeline.response()
              if (!ok) timeline.error()
            }
          }
        }
        send(false)
      }
    })
  }

  /** Times out what has waited `timeout`: it is counted, abandoned, and its loop goes on. */
  const expire = (now: number) => {
    for (const [id, entry] of inFlight) {
      if (now - entry.startMs < load.timeoutMs) continue
      inFlight.delete(id)
      entry.abort?.(timeoutError())
      if (!inWarmup()) {
        startMeasuring()
        counts.timeout++
        timeline.error()
      }
      send(false)
    }
  }

  const ticker = setInterval(() => {
    const now = performance.now()
    const elapsed = now - started
    while (!measuring && elapsed >= warmupNext && warmupNext < load.warmupMs) {
      warmup.close((warmupNext - load.warmupMs) / 1000)
      warmupNext += 1000
    }
    if (elapsed >= load.warmupMs) startMeasuring()
    if (measuring && now - measureStart >= nextSecond) {
      timeline.close(Math.round((now - measureStart) / 1000))
      nextSecond += 1000
    }
    if (windowOpen) expire(now)
  }, 50)
  const progress = setInterval(() => {
    options.onProgress?.({
      phase: measuring ? 'measure' : 'warmup',
      elapsedMs: Math.min(performance.now() - started, totalMs),
      totalMs,
      responses: counts.responses,
      errors: failedCount(counts),
      currentRps: (recent * 1000) / 500
    })
    recent = 0
  }, 500)
  const closeWindow = setTimeout(() => {
    windowOpen = false
    if (inFlight.size === 0) finish()
  }, totalMs)
  const drainDeadline = setTimeout(finish, totalMs + load.timeoutMs)
  const onAbort = () => {
    abortedReason = String(options.signal?.reason ?? 'aborted')
    windowOpen = false
    finish()
  }
  if (options.signal?.aborted) onAbort()
  else options.signal?.addEventListener('abort', onAbort, { once: true })

  for (let i = 0; i < loops && windowOpen; i++) send(true)
  await finished
  const windowEnd = performance.now()
  clearInterval(ticker)
  clearInterval(progress)
  clearTimeout(closeWindow)
  clearTimeout(drainDeadline)
  options.signal?.removeEventListener('abort', onAbort)
  const cut = inFlight.size
  for (const entry of inFlight.values()) entry.abort?.(timeoutError())
  inFlight.clear()
  if (measuring && cut > 0 && !abortedReason) {
    counts.timeout += cut
    for (let i = 0; i < cut; i++) timeline.error()
  }
  await transport.close()
  startMeasuring()
  const durationMs = Math.max(1, windowEnd - measureStart)
  const cpu = process.cpuUsage(cpuAtStart)
  if (timeline.pending) timeline.close(Math.round((performance.now() - measureStart) / 1000))
  counts.sent = counts.responses + counts.connect + counts.timeout + counts.reset + counts.other
  const streamErrors = transport.streamErrors()
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
    ...(transport.protocol !== 'http1' ? { protocol: transport.protocol } : {}),
    ...(streamErrors ? { streamErrors } : {}),
    ...(abortedReason ? { abortedReason } : {})
  }
}
