import { Worker } from 'node:worker_threads'

/*
 * Timers in Node fire on whole milliseconds of the event loop's clock, so a send scheduled with setTimeout leaves
 * up to ~1 ms late; spinning on setImmediate until the due time is precise but burns a core at any rate. This
 * clock keeps a second thread asleep in Atomics.wait, which the kernel wakes within tens of microseconds of the
 * target, and lets it wake the event loop with a message: precise sends at the cost of two thread wake-ups.
 * The thread's code is a string, so it needs no file of its own in the bundle.
 */
const CLOCK_THREAD = `
const { parentPort, workerData } = require('node:worker_threads')
const base = BigInt(workerData.base)
const control = new Int32Array(workerData.shared, 0, 2)
const target = new Float64Array(workerData.shared, 8, 1)
const now = () => Number(process.hrtime.bigint() - base) / 1e6
let answered = 0
while (Atomics.load(control, 1) === 0) {
  const generation = Atomics.load(control, 0)
  if (generation === answered) {
    Atomics.wait(control, 0, generation)
    continue
  }
  const remaining = target[0] - now()
  if (remaining > 0 && Atomics.wait(control, 0, generation, remaining) !== 'timed-out') continue
  answered = generation
  parentPort.postMessage(generation)
}
`

/** Milliseconds on the monotonic clock since `base`; the same reading in every thread. */
export function monotonicMs(base: bigint): number {
  return Number(process.hrtime.bigint() - base) / 1e6
}

export interface PreciseClock {
  /** ms since the clock was made, on the clock the wake-ups use */
  now(): number
  /** resolves at `ms` (on now()'s scale), or at once when that has passed; a later call supersedes a pending one */
  wakeAt(ms: number): Promise<void>
  close(): Promise<void>
}

export function startPreciseClock(): PreciseClock {
  const base = process.hrtime.bigint()
  const shared = new SharedArrayBuffer(16)
  const control = new Int32Array(shared, 0, 2)
  const target = new Float64Array(shared, 8, 1)
  const worker = new Worker(CLOCK_THREAD, { eval: true, workerData: { base: String(base), shared } })
  worker.unref()
  let pending: { generation: number; resolve: () => void } | undefined
  let failure: Error | undefined
  worker.on('message', (generation: number) => {
    if (pending && pending.generation === generation) {
      const { resolve } = pending
      pending = undefined
      resolve()
    }
  })
  worker.on('error', err => {
    failure = err
    pending?.resolve()
  })
  const now = () => monotonicMs(base)
  return {
    now,
    wakeAt(ms: number): Promise<void> {
      if (failure) throw failure
      pending?.resolve()
      if (ms <= now()) {
        pending = undefined
        return Promise.resolve()
      }
      return new Promise(resolve => {
        target[0] = ms
        const generation = Atomics.add(control, 0, 1) + 1
        pending = { generation, resolve }
        Atomics.notify(control, 0)
      })
    },
    async close(): Promise<void> {
      pending?.resolve()
      pending = undefined
      Atomics.store(control, 1, 1)
      Atomics.add(control, 0, 1)
      Atomics.notify(control, 0)
      await worker.terminate()
    }
  }
}
