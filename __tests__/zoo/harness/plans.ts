import type { ReferencePlan } from './check.js'
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

/** `npm run zoo`'s references: the server's count, an independent client's p50, wrk's and autocannon's rates. */
export const FULL_REFERENCES: ReferencePlan = {
  // 4 streams per HTTP/2 or gRPC connection: multiplexed, with few enough in flight for a tight count
  count: { connections: 10, streams: 4, durationS: 2 },
  // 200 req/s is below every zoo server's capacity (Python's http.server answers ~230 req/s with 10 connections
  // at once, and far more one at a time)
  // many short pairs: on a ~0.1 ms server one 3-s window's p50 moved by up to 30 % from the next one's, the same
  // client's, so three pairs made the check a lottery (fastify 0.73, nginx 1.80 in one run of 2026-12-03)
  latency: { rate: 200, warmupS: 0.3, durationS: 1, repeats: 9, tolerance: 0.2 },
  // information only, and the zoo's longest step: one run per client
  throughput: { connections: 10, warmupS: 1, durationS: 2, repeats: 1 }
}

export function describePlans(load: ZooLoad, references?: ReferencePlan): string {
  const { closed, open } = load
  const run =
    `closed model ${closed.warmup} warm-up + ${closed.duration}, ${closed.connections} connections; open model ` +
    `${open.rate} req/s, ${open.warmup} warm-up + ${open.duration}; A/A compare: ${load.rounds} pair(s) of rounds ` +
    `of ${load.compareScenarios.join(' and ')}`
  if (!references) return run
  const { count, latency, throughput } = references
  return (
    `${run}; the server's count: perfgate's closed model with no warm-up, ${count.connections} connections ` +
    `(x ${count.streams} streams for HTTP/2 and gRPC), ${count.durationS} s; latency: ${latency.rate} req/s, ` +
    `${latency.warmupS} s warm-up + ${latency.durationS} s, ${latency.repeats} alternated repeats of perfgate's ` +
    `open model and the reference client, both on the CPU left to the generator, the median of each repeat's p50 ` +
    `ratio, within 1 ± ${latency.tolerance}; ` +
    `throughput (information): ${throughput.connections} connections, ${throughput.repeats} alternated repeats per ` +
    `client of ${throughput.warmupS} s warm-up + ${throughput.durationS} s measured, medians (the warm-up left ` +
    `out of every client: perfgate keeps its warm-up's connections; wrk and autocannon, which open new ones each ` +
    `run, by difference of a ${throughput.warmupS} s run from a ${throughput.warmupS + throughput.durationS} s ` +
    `run); wrk -t1, autocannon single-threaded; CPUs as perfgate lays them out (service.cpus: auto): the server ` +
    `off the first CPU, which the client then has to itself`
  )
}
