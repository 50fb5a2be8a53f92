import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import autocannon from 'autocannon'
import type { Scenario } from '../../../src/config/types.js'
import { runClosedLoad } from '../../../src/load/closed.js'

const run = promisify(execFile)

/** One closed-model load: `connections` connections, a warm-up left out, then `durationS` measured. */
export interface ClosedSpec {
  url: string
  connections: number
  warmupS: number
  durationS: number
}

export type Client = 'perfgate' | 'wrk' | 'autocannon'

/** What one client run counted: completed responses over its own measured time. */
interface Counted {
  responses: number
  seconds: number
}

/** wrk's summary line: "N requests in 2.00s" (or ms, or m). */
export function parseWrkCount(output: string): Counted {
  const match = /(\d+) requests in ([\d.]+)(ms|s|m)\b/.exec(output)
  if (!match) throw new Error(`no "requests in" line in wrk's output:\n${output}`)
  const unit = { ms: 0.001, s: 1, m: 60 }[match[3] as 'ms' | 's' | 'm']
  return { responses: Number(match[1]), seconds: Number(match[2]) * unit }
}

async function wrk(spec: ClosedSpec, seconds: number): Promise<Counted> {
  // asynchronous, so this process keeps draining the service's stdout and stderr pipes meanwhile
  const { stdout } = await run('wrk', [
    '-t1',
    `-c${spec.connections}`,
    `-d${seconds}s`,
    '--timeout',
    '5s',
    spec.url
  ])
  return parseWrkCount(stdout)
}

/**
 * A client that cannot keep its connections from a warm-up to the measurement (wrk, raw autocannon) opens new ones
 * in every run, and a run's start (connects, and on a server like Python's http.server a thread per connection)
 * would count against it. Its warm-up is left out by difference: a run of the warm-up's length and one of warm-up
 * plus measurement, and the rate is the second's extra responses over its extra time. perfgate's closed model
 * keeps its warm-up's connections and leaves the warm-up out of its window.
 */
export function differencedRate(warmup: Counted, whole: Counted): number {
  return (whole.responses - warmup.responses) / (whole.seconds - warmup.seconds)
}

/** A client's rate with its warm-up left out by difference (see differencedRate). */
async function differenced(
  once: (spec: ClosedSpec, seconds: number) => Promise<Counted>,
  spec: ClosedSpec
): Promise<number> {
  const warmup = await once(spec, spec.warmupS)
  return differencedRate(warmup, await once(spec, spec.warmupS + spec.durationS))
}

async function autocannonOnce(spec: ClosedSpec, seconds: number): Promise<Counted> {
  const result = await autocannon({ url: spec.url, connections: spec.connections, duration: seconds })
  return { responses: result.requests.total, seconds: result.duration }
}

/**
 * perfgate's closed model: one instance whose warm-up is left out of the measured window. Its generator's CPU (% of
 * one core, as the report's generator.cpu) goes to `cpu`.
 */
async function perfgateRps(spec: ClosedSpec, scenario: Scenario, cpu: number[]): Promise<number> {
  const result = await runClosedLoad({
    ...scenario,
    request: { ...scenario.request, url: spec.url },
    load: {
      mode: 'closed',
      connections: spec.connections,
      warmupMs: spec.warmupS * 1000,
      durationMs: spec.durationS * 1000,
      timeoutMs: 5000
    }
  })
  cpu.push(result.generatorCpu)
  return result.counts.responses / (result.durationMs / 1000)
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

export type ThroughputSamples = Record<Client, number[]> & {
  /** perfgate's generator.cpu in each of its runs (% of one core) */
  perfgateCpu: number[]
}

/**
 * perfgate's throughput over wrk's: the median of each repeat's ratio. A repeat's two runs are seconds apart, so
 * a slow phase of the machine (other jobs on its 2 cores) mostly cancels out of the ratio.
 */
export function perfgateOverWrk(samples: ThroughputSamples): number {
  return median(samples.perfgate.map((rps, i) => rps / samples.wrk[i]!))
}

/**
 * Closed-model throughput of one running server through perfgate, wrk and raw autocannon, in alternated
 * repeats (the order rotates each repeat, so no client always runs first or last).
 */
export async function compareThroughput(
  spec: ClosedSpec,
  scenario: Scenario,
  repeats: number
): Promise<ThroughputSamples> {
  const samples: ThroughputSamples = { perfgate: [], wrk: [], autocannon: [], perfgateCpu: [] }
  const clients: Client[] = ['perfgate', 'wrk', 'autocannon']
  const measure: Record<Client, () => Promise<number>> = {
    perfgate: () => perfgateRps(spec, scenario, samples.perfgateCpu),
    wrk: () => differenced(wrk, spec),
    autocannon: () => differenced(autocannonOnce, spec)
  }
  for (let repeat = 0; repeat < repeats; repeat++) {
    const order = [...clients.slice(repeat % 3), ...clients.slice(0, repeat % 3)]
    for (const client of order) samples[client].push(await measure[client]())
  }
  return samples
}
