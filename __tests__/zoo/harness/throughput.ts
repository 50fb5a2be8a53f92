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

/** wrk's Requests/sec line (completed responses over its duration). */
export function parseWrkRps(output: string): number {
  const match = /Requests\/sec:\s+([\d.]+)/.exec(output)
  if (!match) throw new Error(`no Requests/sec in wrk's output:\n${output}`)
  return Number(match[1])
}

async function wrk(spec: ClosedSpec, seconds: number): Promise<number> {
  // asynchronous, so this process keeps draining the service's stdout and stderr pipes meanwhile
  const { stdout } = await run('wrk', [
    '-t1',
    `-c${spec.connections}`,
    `-d${seconds}s`,
    '--timeout',
    '5s',
    spec.url
  ])
  return parseWrkRps(stdout)
}

/** wrk has no warm-up: a first run of the warm-up's length is thrown away. */
async function wrkRps(spec: ClosedSpec): Promise<number> {
  await wrk(spec, spec.warmupS)
  return wrk(spec, spec.durationS)
}

async function autocannonOnce(spec: ClosedSpec, seconds: number): Promise<number> {
  const result = await autocannon({ url: spec.url, connections: spec.connections, duration: seconds })
  return result.requests.total / result.duration
}

/** autocannon on its own, with the same throw-away warm-up as wrk. */
async function autocannonRps(spec: ClosedSpec): Promise<number> {
  await autocannonOnce(spec, spec.warmupS)
  return autocannonOnce(spec, spec.durationS)
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
    wrk: () => wrkRps(spec),
    autocannon: () => autocannonRps(spec)
  }
  for (let repeat = 0; repeat < repeats; repeat++) {
    const order = [...clients.slice(repeat % 3), ...clients.slice(0, repeat % 3)]
    for (const client of order) samples[client].push(await measure[client]())
  }
  return samples
}
