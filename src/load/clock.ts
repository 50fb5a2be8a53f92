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

const TICKER_THREAD = `
const { parentPort, workerData } = require('node:worker_threads')
const base = BigInt(workerData.base)
const control = new Int32Array(workerData.control)
const ring = new Float64Array(workerData.ring)
const size = ring.length
const now = () => Number(process.hrtime.bigint() - base) / 1e6
let index = 0
while (Atomics.load(control, ${STOP}) === 0) {
  index = Math.max(index, Atomics.load(control, ${NEXT}))
  const filled = Atomics.load(control, ${FILLED})
  if (index >= filled) {
    Atomics.wait(control, ${FILLED}, filled, 5)
    continue
  }
  const remaining = ring[index % size] - now()
  if (remaining > 0) {
    Atomics.wait(control, ${SLEEP}, 0, remaining)
    continue
  }
  if (Atomics.load(control, ${NEXT}) <= index) parentPort.postMessage(index)
  index++
}
`

/** Milliseconds on the monotonic clock since `base`: the same reading in every thread. */
function monotonicMs(base: bigint): number {
  return Number(process.hrtime.bigint() - base) / 1e6
}

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
  close(): Promise<void>
}

export function startSendTicker(): SendTicker {
  const base = process.hrtime.bigint()
  const control = new Int32Array(new SharedArrayBuffer(4 * 4))
  const ring = new Float64Array(new SharedArrayBuffer(8 * RING))
  const worker = new Worker(TICKER_THREAD, {
    eval: true,
    workerData: { base: String(base), control: control.buffer, ring: ring.buffer }
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
  worker.on('message', wake)
  worker.on('error', err => {
    failure = err
    wake()
  })
  return {
    now: () => monotonicMs(base),
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
    async close() {
      Atomics.store(control, STOP, 1)
      Atomics.notify(control, SLEEP)
      Atomics.notify(control, FILLED)
      wake()
      await worker.terminate()
    }
  }
}
