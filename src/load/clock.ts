import { Worker } from 'node:worker_threads'

/*
 * Timers in Node fire on whole milliseconds of the event loop's clock, so a send scheduled with setTimeout leaves
 * up to ~1 ms late; spinning on setImmediate until the due time is precise but burns a core at any rate. The send
 * ticker keeps a second thread asleep in Atomics.wait, which the kernel wakes within tens of microseconds of a
 * due time, and lets it wake the event loop with a message. The schedule reaches the thread through a ring of due
 * times in shared memory, and the index of the next unsent request tells it which ticks are no longer needed, so
 * the event loop never has to signal the thread: one thread wake-up and one loop wake-up per tick, no more.
 * The thread's code is a string, so it needs no file of its own in the bundle.
 */
const RING = 4096
const NEXT = 0 // the index of the first request the loop has not sent
const STOP = 1
const SLEEP = 2 // a word nobody changes: Atomics.wait on it is a precise sleep
const FILLED = 3 // due times of indexes below this are in the ring
/**
 * Requests due within this much of a wake-up leave with it, a little early: each wake-up of the event loop (and of
 * the ticker thread) costs far more CPU than a send (50-300 microseconds on a virtual machine), so at high rates
 * one wake-up serves several sends (two at 2,000 req/s, three or four at 5,000). Their latency runs from the real
 * send, and their earliness counts in generator.lag, which this keeps well under a millisecond.
 */
export const SEND_AHEAD_MS = 0.6

/**
 * How long before a due time an idle loop (nothing in flight) stops waiting on a coarse timer and sleeps in
 * Atomics.wait itself until the send: a timer fires up to about a millisecond late, so this leaves it room.
 */
export const SELF_WAKE_MS = 2

/** What the ticker thread leaves out of the send-ahead window it counts on, for a lead that changes meanwhile. */
const AHEAD_MARGIN_MS = 0.05

/**
 * The most a tick is sent ahead of its due time to make up for the time a wake-up takes; below the sender's send-ahead
 * window (SEND_AHEAD_MS), so a tick, however early, always finds its request due.
 */
const MAX_LEAD_MS = 0.2

const TICKER_THREAD = `
const { parentPort, workerData } = require('node:worker_threads')
const base = new BigInt64Array(workerData.base)
const control = new Int32Array(workerData.control)
const ring = new Float64Array(workerData.ring)
const lead = new Float64Array(workerData.lead)
const size = ring.length
const now = () => Number(process.hrtime.bigint() - Atomics.load(base, 0)) / 1e6
parentPort.postMessage('ready')
let index = 0
while (Atomics.load(control, ${STOP}) === 0) {
  index = Math.max(index, Atomics.load(control, ${NEXT}))
  const filled = Atomics.load(control, ${FILLED})
  if (index >= filled) {
    Atomics.wait(control, ${FILLED}, filled, 5)
    continue
  }
  const dueAt = ring[index % size]
  // the loop stores NEXT before it refills the ring: read after the due time, NEXT still at or below this index
  // means the slot held this request's due time, not a later one's
  if (Atomics.load(control, ${NEXT}) > index) continue
  const remaining = dueAt - lead[0] - now()
  if (remaining > 0) {
    Atomics.wait(control, ${SLEEP}, 0, remaining)
    continue
  }
  if (Atomics.load(control, ${NEXT}) > index) continue
  const covered = dueAt - lead[0] + ${SEND_AHEAD_MS - AHEAD_MARGIN_MS}
  parentPort.postMessage(index)
  // the loop wakes after (due - lead) and sends everything due within the send-ahead window: those need no tick
  index++
  while (index < Atomics.load(control, ${FILLED}) && ring[index % size] <= covered) index++
}
`

export interface SendTicker {
  /** ms since the ticker started, on the clock its ticks use */
  now(): number
  /**
   * Tells the ticker the schedule: `next` is the index of the first request not yet sent, `due(i)` when request
   * i is due (ms on now()'s scale), and nothing is due at or after `endMs`.
   */
  plan(next: number, due: (i: number) => number, endMs: number): void
  /** resolves at the next due time of an unsent request (at once when one passed since the last call) */
  tick(): Promise<void>
  /** resolves a pending tick() now (the run was aborted) */
  interrupt(): void
  /** a pending tick() is no longer awaited: the next tick that arrives is kept for the next call */
  forgetTick(): void
  /**
   * Blocks this thread until `dueMs` (the loop's only work is the send due then) and tells the ticker thread that
   * request `index` needs no tick.
   */
  sleepUntil(index: number, dueMs: number): void
  close(): Promise<void>
}

/**
 * Starts the ticker thread and resolves once it runs: a thread takes tens to hundreds of milliseconds to boot on a
 * busy runner, and the schedule's clock (now() = 0) starts only then, so the boot never shows as generator lag.
 */
export async function startSendTicker(): Promise<SendTicker> {
  // the clock's origin, in the monotonic nanoseconds every thread reads (process.hrtime)
  const base = new BigInt64Array(new SharedArrayBuffer(8))
  const control = new Int32Array(new SharedArrayBuffer(4 * 4))
  const ring = new Float64Array(new SharedArrayBuffer(8 * RING))
  // how early the thread sends a tick: the mean time from a tick to the loop waking up, learnt as ticks arrive
  const lead = new Float64Array(new SharedArrayBuffer(8))
  const worker = new Worker(TICKER_THREAD, {
    eval: true,
    workerData: { base: base.buffer, control: control.buffer, ring: ring.buffer, lead: lead.buffer }
  })
  worker.unref()
  let filled = 0
  let ticked = false
  let waiting: (() => void) | undefined
  let failure: Error | undefined
  const wake = () => {
    const resolve = waiting
    waiting = undefined
    if (resolve) resolve()
    else ticked = true
  }
  let ready: (() => void) | undefined
  let failed: ((err: Error) => void) | undefined
  const started = new Promise<void>((resolve, reject) => {
    ready = resolve
    failed = reject
  })
  const learn = (index: number) => {
    const wakeUp = monotonic() - (ring[index % RING]! - lead[0]!)
    if (wakeUp >= 0 && wakeUp < 5) lead[0] = Math.min(MAX_LEAD_MS, 0.9 * lead[0]! + 0.1 * wakeUp)
  }
  worker.on('message', (message: number | 'ready') => {
    if (message === 'ready') return ready?.()
    learn(message)
    wake()
  })
  worker.on('error', err => {
    failure = err
    failed?.(err)
    wake()
  })
  let origin = process.hrtime.bigint()
  const monotonic = () => Number(process.hrtime.bigint() - origin) / 1e6
  await started
  origin = process.hrtime.bigint()
  Atomics.store(base, 0, origin)
  return {
    now: monotonic,
    plan(next, due, endMs) {
      Atomics.store(control, NEXT, next)
      filled = Math.max(filled, next)
      const before = filled
      while (filled < next + RING) {
        const at = due(filled)
        if (at >= endMs) break
        ring[filled % RING] = at
        filled++
      }
      if (filled !== before) {
        Atomics.store(control, FILLED, filled)
        Atomics.notify(control, FILLED)
      }
    },
    tick() {
      if (failure) return Promise.reject(failure)
      if (ticked) {
        ticked = false
        return Promise.resolve()
      }
      return new Promise(resolve => (waiting = resolve))
    },
    interrupt: wake,
    forgetTick() {
      waiting = undefined
    },
    sleepUntil(index, dueMs) {
      Atomics.store(control, NEXT, Math.max(Atomics.load(control, NEXT), index + 1))
      const remaining = dueMs - monotonic()
      if (remaining > 0) Atomics.wait(control, SLEEP, 0, remaining)
    },
    async close() {
      Atomics.store(control, STOP, 1)
      Atomics.notify(control, SLEEP)
      Atomics.notify(control, FILLED)
      wake()
      await worker.terminate()
    }
  }
}

/**
 * Sends requests `first`, `first + 1`, ... as each falls due (within SEND_AHEAD_MS of a wake-up), until the next
 * is due at or after `endMs` or `stopped()` says so; `between(elapsed)` runs after the sends of each wake-up.
 * When `idle()` says nothing is in flight, the loop wakes itself for the next send (wakeItself). Resolves with the
 * index of the first request not sent, and tells the ticker that nothing more is wanted.
 */
export async function sendOnSchedule(
  ticker: SendTicker,
  first: number,
  due: (i: number) => number,
  endMs: number,
  send: (dueMs: number) => void,
  options: { stopped?: () => boolean; between?: (elapsed: number) => void; idle?: () => boolean } = {}
): Promise<number> {
  let i = first
  ticker.plan(i, due, endMs)
  while (!options.stopped?.()) {
    const elapsed = ticker.now()
    let next = due(i)
    while (next <= elapsed + SEND_AHEAD_MS && next < endMs) {
      send(next)
      next = due(++i)
    }
    if (next >= endMs) break
    ticker.plan(i, due, endMs)
    options.between?.(elapsed)
    if (options.idle && (await wokeItself(ticker, i, next, options.idle))) continue
    await ticker.tick()
  }
  ticker.plan(i, due, endMs)
  return i
}

/**
 * The send of an idle loop: a coarse timer until SELF_WAKE_MS before it is due, then the thread sleeps in
 * Atomics.wait until the due time and sends. Woken by the ticker thread instead, the event loop answered a fast
 * service's response 1.4x (median of 8 paired runs) later on this VM, as measured with a raw socket: the
 * kernel then placed the loop's thread apart from the service's (docs/benchmarks.md, "Where the loop wakes").
 * Blocking loses nothing while no request is in flight; with one in flight, or when a tick came first, the
 * ticker's path is taken. Resolves whether the loop slept until the due time (or was ticked meanwhile).
 */
async function wokeItself(
  ticker: SendTicker,
  index: number,
  dueMs: number,
  idle: () => boolean
): Promise<boolean> {
  const early = dueMs - SELF_WAKE_MS - ticker.now()
  if (early > 0) {
    let timer: NodeJS.Timeout | undefined
    const woke = await Promise.race([
      ticker.tick().then(() => 'tick' as const),
      new Promise<'timer'>(resolve => (timer = setTimeout(resolve, early, 'timer')))
    ])
    clearTimeout(timer)
    if (woke === 'tick') return true
    ticker.forgetTick()
  }
  if (!idle()) return false
  ticker.sleepUntil(index, dueMs)
  return true
}
