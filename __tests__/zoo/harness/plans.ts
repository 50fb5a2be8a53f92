import type { ThroughputPlan } from './check.js'
import type { ZooLoad } from './site.js'

/** `npm test`'s slice: short loads; it checks verdicts and cleanup, not statistics. */
export const SLICE_LOAD: ZooLoad = {
  // the closed model measures exactly its window: sub-second windows are enough for verdicts and cleanup
  closed: { warmup: '200ms', duration: '600ms', connections: 10 },
  open: { warmup: '100ms', duration: '500ms', rate: 200 },
  // one pair of rounds: the slice checks that compare starts and stops both sides cleanly
  rounds: 1,
  compareScenarios: ['closed'],
  // a slow server on a starved runner (Python's, beside a CPU hog) answered 10 requests in a short window: the
  // slice checks verdicts and cleanup, not statistics
  minRequests: 10
}

/** `npm run zoo` and ZOO=full: both scenarios in run and compare. */
export const FULL_LOAD: ZooLoad = {
  closed: { warmup: '500ms', duration: '1500ms', connections: 10 },
  open: { warmup: '500ms', duration: '1s', rate: 200 },
  rounds: 2,
  compareScenarios: ['closed', 'open'],
  minRequests: 50
}

/** `npm run zoo`'s throughput comparison: perfgate's closed model against wrk, same connections. */
export const FULL_THROUGHPUT: ThroughputPlan = {
  connections: 10,
  warmupS: 1,
  durationS: 2,
  repeats: 3,
  tolerance: 0.05
}

export function describePlans(load: ZooLoad, throughput?: ThroughputPlan): string {
  const { closed, open } = load
  return (
    `closed model ${closed.warmup} warm-up + ${closed.duration}, ${closed.connections} connections; open model ` +
    `${open.rate} req/s, ${open.warmup} warm-up + ${open.duration}; A/A compare: ${load.rounds} pair(s) of rounds ` +
    `of ${load.compareScenarios.join(' and ')}` +
    (throughput
      ? `; throughput: ${throughput.connections} connections, ${throughput.repeats} alternated repeats per client ` +
        `of ${throughput.warmupS} s warm-up + ${throughput.durationS} s measured, medians (the warm-up left out of ` +
        `every client: perfgate keeps its warm-up's connections; wrk and autocannon, which open new ones each run, ` +
        `by difference of a ${throughput.warmupS} s run from a ${throughput.warmupS + throughput.durationS} s run); ` +
        `wrk -t1, autocannon single-threaded; CPUs as perfgate lays them out (service.cpus: auto): the server ` +
        `off the first CPU, which the client then has to itself`
      : '')
  )
}
