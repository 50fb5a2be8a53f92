import type { RateLoad, Scenario } from '../config/types.js'
import { DEFAULTS } from '../config/defaults.js'
import { sendOnSchedule, startSendTicker, type SendTicker } from './clock.js'
import { classifyError, countResponse, emptyCounts, recordsLatency } from './errors.js'
import { createLatencyHistogram, encodeHistogram, summarize, type Histogram } from './histogram.js'
import { compileScenario, type RenderedRequest } from './request.js'
import { scheduleOf } from './schedule.js'
import { failedCount } from './timeline.js'
import { timeoutError, type Outcome } from './dispatch.js'
import { negotiateProtocol, transportFor } from './protocol.js'
import type { LoadEnvironment, Transport } from './transport.js'
import type { LoadCounts, LoadResult, StreamErrors, TimelinePoint } from './types.js'

/** What one slice of load measured. */
export interface SliceResult {
  /** from the slice's first send to its last answer (the drain of what was still out included) */
  durationMs: number
  counts: LoadCounts
  bytes: number
  /** 2xx latencies in µs; in the open model from each request's intended send time */
  histogram: Histogram
  /** open model: how late the generator sent, µs per request (its own histogram, for pooling) */
  lag?: Histogram
  /** open model: requests the schedule asked for in this slice */
  scheduled?: number
  /** the generator's own CPU time over the slice, ms */
  generatorCpuMs: number
  /** the slice's asked-for length (the schedule's window in the open model) */
  plannedMs: number
  /** HTTP/2: the session's errors by kind so far (since its first slice or warm-up) */
  streamErrors?: StreamErrors
}

/**
 * A load generator that pauses and resumes: it keeps its connections open (an undici Pool) between slices and
 * runs one slice of the scenario's load on demand. Every response of a slice counts, the first one too: the
 * connections were opened by the warmup, so no slice pays for a connect.
 */
export interface LoadSession {
  /** load that is not measured: opens the connections and warms the service up */
  warm(ms: number): Promise<void>
  slice(ms: number): Promise<SliceResult>
  /** closes the connections; nothing reaches the service after it resolves */
  close(): Promise<void>
}

/**
 * The session's transport, made at its first use: the protocol is settled against the target then (an `auto`
 * request follows ALPN; an h2 target that does not choose HTTP/2 is an error naming what it chose).
 */
function lazyTransport(scenario: Scenario, environment: LoadEnvironment) {
  let made: Promise<{ transport: Transport; concurrency: number }> | undefined
  return {
    get: () =>
      (made ??= (async () => {
        const negotiated = await negotiateProtocol(scenario.request, environment)
        if (negotiated.problem !== undefined) throw new Error(negotiated.problem)
        const transport = transportFor(scenario, negotiated.protocol, environment)
        return { transport, concurrency: await transport.open() }
      })()),
    close: async () => {
      const opened = await made?.catch(() => undefined)
      await opened?.transport.close()
    }
  }
}

/**
 * Sends one request through the transport; resolves with its status and size, or the error, never rejects.
 * `onWrite` marks where its latency starts when it found an idle connection (see ConnectionGauge).
 */
function sendOne(
  transport: Transport,
  request: RenderedRequest,
  timeoutMs: number,
  onWrite: () => void
): Promise<Outcome> {
  return new Promise(resolve => {
    let done = false
    let abortRequest: ((reason: Error) => void) | undefined
    const finish = (outcome: Outcome) => {
      if (done) return
      done = true
      clearTimeout(timer)
      resolve(outcome)
    }
    const timer = setTimeout(() => {
      abortRequest?.(timeoutError())
      finish({ size: 0, error: timeoutError() })
    }, timeoutMs)
    transport.dispatch(request, {
      onConnect: abort => {
        if (done) abort(timeoutError())
        else abortRequest = abort
      },
      onWrite,
      end: finish
    })
  })
}

class Recorder {
  readonly counts = emptyCounts()
  readonly histogram = createLatencyHistogram()
  bytes = 0

  outcome(outcome: Outcome, latencyUs: number, expect?: number[]): void {
    this.counts.sent++
    if (outcome.error !== undefined || outcome.status === undefined) {
      this.counts[classifyError(outcome.error)]++
      return
    }
    const ok = countResponse(this.counts, outcome.status, expect)
    this.bytes += outcome.size
    if (ok && recordsLatency(outcome.status, expect)) this.histogram.recordValue(Math.max(1, latencyUs))
  }
}

/**
 * The closed model in slices: `connections` request loops over one transport (HTTP/2: connections x streams),
 * each sending its next request when the previous one answered. At the slice's end no loop starts a new request;
 * the slice ends when the last answers.
 */
function closedSession(scenario: Scenario, environment: LoadEnvironment): LoadSession {
  const lazy = lazyTransport(scenario, environment)
  const template = compileScenario(scenario)
  const { timeoutMs } = scenario.load
  const run = async (ms: number): Promise<SliceResult> => {
    const { transport, concurrency } = await lazy.get()
    const recorder = new Recorder()
    const cpu = process.cpuUsage()
    const started = performance.now()
    const end = started + ms
    const loop = async () => {
      while (performance.now() < end) {
        const request = template.render()
        let sent = performance.now()
        const outcome = await sendOne(transport, request, timeoutMs, () => (sent = performance.now()))
        recorder.outcome(outcome, Math.round((performance.now() - sent) * 1000), request.expect)
      }
    }
    await Promise.all(Array.from({ length: concurrency }, loop))
    const used = process.cpuUsage(cpu)
    const streamErrors = transport.streamErrors()
    return {
      durationMs: Math.max(1e-3, performance.now() - started),
      counts: recorder.counts,
      bytes: recorder.bytes,
      histogram: recorder.histogram,
      generatorCpuMs: (used.user + used.system) / 1000,
      plannedMs: ms,
      ...(streamErrors ? { streamErrors } : {})
    }
  }
  return {
    warm: async ms => {
      if (ms > 0) await run(ms)
    },
    slice: run,
    close: lazy.close
  }
}

/**
 * The open model in slices: each slice sends on the scenario's even schedule (the rate; a ramp is not sliced, its
 * final rate is used) for its length, with latency from each request's send (as in open.ts), then waits for what is
 * still out (up to its timeout from its intended time). The send ticker's thread wakes the loop at each due time
 * (an idle loop wakes itself, clock.ts);
 * request indexes run on across slices, as the ticker needs.
 */
function openSession(scenario: Scenario, environment: LoadEnvironment): LoadSession {
  const load = scenario.load as RateLoad
  const rate = load.ramp ? load.ramp.to : load.rate
  const due = scheduleOf({ ...load, rate, ramp: undefined })
  const lazy = lazyTransport(scenario, environment)
  const template = compileScenario(scenario)
  let ticker: SendTicker | undefined
  /** requests sent by this session so far: the ticker's index */
  let sent = 0
  const run = async (ms: number): Promise<SliceResult> => {
    const { transport } = await lazy.get()
    ticker ??= await startSendTicker()
    const active = ticker
    const now = active.now
    const recorder = new Recorder()
    const lag = createLatencyHistogram()
    const cpu = process.cpuUsage()
    const outstanding: Array<Promise<void>> = []
    let inFlight = 0
    const send = (intended: number) => {
      const sentAt = now()
      lag.recordValue(Math.max(1, Math.round(Math.abs(sentAt - intended) * 1000)))
      // from the real send, as in runOpenLoad (open.ts)
      let from = sentAt
      const request = template.render()
      // a request times out `timeout` after its intended time
      const remaining = Math.max(1, intended + load.timeoutMs - sentAt)
      inFlight++
      outstanding.push(
        sendOne(transport, request, remaining, () => (from = now())).then(outcome => {
          inFlight--
          recorder.outcome(outcome, Math.round((now() - from) * 1000), request.expect)
        })
      )
    }
    const first = sent
    const started = now()
    const end = started + ms
    const at = (i: number) => started + due(i - first)
    sent = await sendOnSchedule(active, sent, at, end, send, { idle: () => inFlight === 0 })
    await Promise.all(outstanding)
    const used = process.cpuUsage(cpu)
    const streamErrors = transport.streamErrors()
    return {
      durationMs: Math.max(1e-3, now() - started),
      counts: recorder.counts,
      bytes: recorder.bytes,
      histogram: recorder.histogram,
      lag,
      scheduled: sent - first,
      generatorCpuMs: (used.user + used.system) / 1000,
      plannedMs: ms,
      ...(streamErrors ? { streamErrors } : {})
    }
  }
  return {
    warm: async ms => {
      if (ms > 0) await run(ms)
    },
    slice: run,
    close: async () => {
      await lazy.close()
      await ticker?.close()
    }
  }
}

/** A pausable load session for a plain load scenario (closed or open model), in its request's protocol. */
export function startSession(scenario: Scenario, environment: LoadEnvironment = {}): LoadSession {
  return scenario.load.mode === 'rate'
    ? openSession(scenario, environment)
    : closedSession(scenario, environment)
}

/** Adds `from` into `into` (counts and bytes). */
function addCounts(into: LoadCounts, from: LoadCounts): void {
  for (const key of Object.keys(into) as Array<keyof LoadCounts>) into[key] += from[key]
}

/**
 * One side's slices of one epoch as one load result: counts and bytes summed, histograms merged (so a tail of 1%
 * is judged on all the epoch's requests, not diluted into slices too small to hold it), the measured time the sum
 * of the slices' durations, and a timeline point per slice.
 */
export function poolSlices(slices: readonly SliceResult[], scenario: Scenario, warmupMs: number): LoadResult {
  const counts = emptyCounts()
  const histogram = createLatencyHistogram()
  const lag = createLatencyHistogram()
  let bytes = 0
  let durationMs = 0
  let cpuMs = 0
  let scheduled = 0
  let plannedMs = 0
  const timeline: TimelinePoint[] = []
  for (const s of slices) {
    addCounts(counts, s.counts)
    histogram.add(s.histogram)
    if (s.lag) lag.add(s.lag)
    bytes += s.bytes
    durationMs += s.durationMs
    cpuMs += s.generatorCpuMs
    scheduled += s.scheduled ?? 0
    plannedMs += s.plannedMs
    const h = s.histogram
    timeline.push({
      t: Math.round(durationMs) / 1000,
      rps: (s.counts.responses / s.durationMs) * 1000,
      errors: failedCount(s.counts),
      p50: h.totalCount ? h.getValueAtPercentile(50) : null,
      p99: h.totalCount ? h.getValueAtPercentile(99) : null
    })
  }
  durationMs = Math.max(1, durationMs)
  const open = scenario.load.mode === 'rate'
  // a session's stream errors run on from its first use: its last slice holds them all
  const streamErrors = slices.at(-1)?.streamErrors
  const lagP99 = lag.totalCount ? lag.getValueAtPercentile(99) : 0
  const maxLagMs = open ? ((scenario.load as RateLoad).maxLagMs ?? DEFAULTS.maxLagMs) : 0
  return {
    durationMs,
    warmupMs,
    counts,
    bytes,
    histogram: encodeHistogram(histogram),
    latency: summarize(histogram),
    timeline,
    warmupTimeline: [],
    generatorCpu: (cpuMs / durationMs) * 100,
    generatorLagUs: lagP99,
    ...(streamErrors ? { streamErrors } : {}),
    ...(open
      ? {
          targetRate: scheduled / (Math.max(1, plannedMs) / 1000),
          achievedRate: counts.sent / (Math.max(1, plannedMs) / 1000),
          generatorSaturated: lagP99 > maxLagMs * 1000
        }
      : {})
  }
}
