/**
 * The zoo's references that must agree with perfgate whatever the client: the server's own count of the responses
 * it answered, and the p50 latency of an independent sequential client at an open-model rate below capacity.
 */
import { execFile, execFileSync } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import * as grpc from '@grpc/grpc-js'
import * as protoLoader from '@grpc/proto-loader'
import type { Scenario } from '../../../src/config/types.js'
import { runLoad } from '../../../src/load/run-load.js'
import type { ServerCount, ZooServer } from './catalog.js'
import { SequentialHttp1Client } from './http1-client.js'
import { median } from './throughput.js'

const run = promisify(execFile)
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

/** The responses the server says it answered so far: its app's answered.<pid> files summed, or its log's lines. */
export async function serverCount(dir: string, count: ServerCount): Promise<number> {
  if ('app' in count) {
    const files = (await readdir(dir)).filter(name => /^answered\.\d+$/.test(name))
    const counts = await Promise.all(
      files.map(async name => Number(await readFile(path.join(dir, name), 'utf8')))
    )
    return counts.reduce((sum, n) => sum + n, 0)
  }
  const text = await readFile(path.join(dir, count.log), 'utf8').catch(() => '')
  if (!count.match) return text.split('\n').length - 1
  return text.split('\n').filter(line => count.match!.test(line)).length
}

/** The service command with its standard error appended to stderr.log in `dir`, for a server that logs there. */
export function withStderrLog(command: string, dir: string): string {
  return `{ ${command}\n} 2>>${JSON.stringify(path.join(dir, 'stderr.log'))}`
}

/** The count check's figures: what the server counted and what perfgate counted over the same closed-model load. */
export interface CountCheck {
  server: number
  perfgate: number
  /** the most requests in flight at once (connections x streams): the most the two may differ by */
  inFlight: number
}

/** The count check's load: the closed model with no warm-up, so perfgate's window is the whole of the load. */
export interface CountPlan {
  connections: number
  /** streams per connection for HTTP/2 and gRPC */
  streams: number
  durationS: number
}

/**
 * One closed-model load with no warm-up, so perfgate's measured window starts before its first request: the
 * server's count before and after it (each read once the server's own count has settled) differs from perfgate's
 * count by at most the requests in flight when the window closed, which perfgate abandons and the server may
 * still have answered.
 */
export async function countCheck(
  scenario: Scenario,
  site: { dir: string; server: ZooServer },
  count: ServerCount,
  plan: CountPlan
): Promise<CountCheck> {
  const settleMs = ('settleMs' in count ? count.settleMs : undefined) ?? 200
  const streams = site.server.protocol ? plan.streams : 1
  await sleep(settleMs)
  const before = await serverCount(site.dir, count)
  const result = await runLoad({
    ...scenario,
    load: {
      mode: 'closed',
      connections: plan.connections,
      ...(site.server.protocol ? { streams } : {}),
      warmupMs: 0,
      durationMs: plan.durationS * 1000,
      timeoutMs: 5000
    }
  })
  await sleep(settleMs)
  const after = await serverCount(site.dir, count)
  return { server: after - before, perfgate: result.counts.responses, inFlight: plan.connections * streams }
}

export function countProblems(check: CountCheck): string[] {
  const { server, perfgate, inFlight } = check
  if (perfgate > 0 && Math.abs(server - perfgate) <= inFlight) return []
  return [
    `the server answered ${server} responses where perfgate counted ${perfgate}: more apart than the ${inFlight} ` +
      'requests in flight at the window’s edges'
  ]
}

/** The latency check's load: an open-model rate below every zoo server's capacity, alternated repeats. */
export interface LatencyPlan {
  rate: number
  warmupS: number
  durationS: number
  repeats: number
  /** perfgate's p50 over the reference's must stay within 1 ± tolerance */
  tolerance: number
}

/** The latency check's figures: medians over the repeats, µs, and the median of each repeat's ratio. */
export interface LatencyCheck {
  reference: string
  perfgate: number
  referenceP50: number
  ratio: number
}

const p50Of = (latencies: number[]) => median(latencies)

/**
 * A plain sequential client at `rate`: each request sent at its scheduled time, or when the previous one has
 * answered if that is later (one at a time), its latency from its send (process.hrtime) to its last byte. The
 * warm-up's requests are sent and left out.
 */
async function sequential(plan: LatencyPlan, once: () => Promise<void>): Promise<number[]> {
  const latencies: number[] = []
  const interval = 1000 / plan.rate
  const total = (plan.warmupS + plan.durationS) * 1000
  const start = performance.now()
  for (let i = 0; i * interval < total; i++) {
    const wait = start + i * interval - performance.now()
    if (wait > 0) await sleep(wait)
    const sent = process.hrtime.bigint()
    await once()
    if (i * interval >= plan.warmupS * 1000) latencies.push(Number(process.hrtime.bigint() - sent) / 1000)
  }
  return latencies
}

/** HTTP/1.1: a raw keep-alive socket, one request at a time (http1-client.ts). */
async function sequentialHttp1(url: string, plan: LatencyPlan): Promise<number> {
  const client = new SequentialHttp1Client(url)
  try {
    return p50Of(await sequential(plan, () => client.get()))
  } finally {
    client.close()
  }
}

/** HTTP/2: h2load --rps on one connection, one stream at a time; p50 of its per-request log (µs, third column). */
async function h2loadP50(url: string, plan: LatencyPlan): Promise<number> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'zoo-h2load-'))
  const log = path.join(dir, 'log.tsv')
  try {
    const seconds = plan.warmupS + plan.durationS
    await run('h2load', [
      '-D',
      `${Math.round(seconds * 1000)}ms`, // h2load refuses "2.5": whole seconds or a unit
      '-c',
      '1',
      '-m',
      '1',
      `--rps=${plan.rate}`,
      `--log-file=${log}`,
      url
    ])
    const lines = (await readFile(log, 'utf8')).trim().split('\n')
    // the log is in completion order: the first warm-up's share of it is left out, as the other clients do
    const measured = lines.slice(Math.round((lines.length * plan.warmupS) / seconds))
    return p50Of(measured.map(line => Number(line.split('\t')[2])).filter(Number.isFinite))
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** gRPC: a @grpc/grpc-js client making one unary call at a time, its reply decoded as grpc-js's own clients do. */
async function sequentialGrpc(url: string, scenario: Scenario, plan: LatencyPlan): Promise<number> {
  const call = scenario.request.grpc!
  const definition = protoLoader.loadSync(call.proto, {
    includeDirs: [path.dirname(call.proto), ...call.include],
    keepCase: true,
    longs: String
  })
  const method = (definition[call.service] as grpc.ServiceDefinition)[call.method]!
  const client = new grpc.Client(new URL(url).host, grpc.credentials.createInsecure())
  let seq = 0
  const once = () =>
    new Promise<void>((resolve, reject) =>
      client.makeUnaryRequest(
        method.path,
        method.requestSerialize,
        method.responseDeserialize,
        { id: String(seq++) },
        err => (err ? reject(err) : resolve())
      )
    )
  try {
    return p50Of(await sequential(plan, once))
  } finally {
    client.close()
  }
}

/** The independent client of the server's protocol, named for the table. */
export function referenceName(server: ZooServer): string {
  if (server.protocol === 'grpc') return 'sequential @grpc/grpc-js client'
  if (server.protocol) return 'h2load --rps, 1 connection, 1 stream'
  return 'sequential raw-socket client, keep-alive'
}

async function referenceP50(server: ZooServer, scenario: Scenario, plan: LatencyPlan): Promise<number> {
  const url = scenario.request.url
  if (server.protocol === 'grpc') return sequentialGrpc(url, scenario, plan)
  if (server.protocol) return h2loadP50(url, plan)
  return sequentialHttp1(url, plan)
}

async function perfgateP50(scenario: Scenario, plan: LatencyPlan): Promise<number> {
  const result = await runLoad({
    ...scenario,
    load: {
      mode: 'rate',
      rate: plan.rate,
      connections: 10,
      warmupMs: plan.warmupS * 1000,
      durationMs: plan.durationS * 1000,
      timeoutMs: 5000
    }
  })
  if (!result.latency)
    throw new Error(`perfgate's open model measured no latency (${JSON.stringify(result.counts)})`)
  return result.latency.p50
}

/**
 * Keeps every thread of this process (and the threads it starts) on `cpu` until the returned function restores
 * the CPUs it had. Both clients of the latency check then run where perfgate's layout leaves the generator: left
 * free, each lands wherever the kernel puts it relative to the server, and on this VM that alone moved a raw
 * socket's p50 1.4x (docs/design-notes.md, "An idle loop wakes itself").
 */
function pinThisProcess(cpu: number | undefined): () => void {
  if (cpu === undefined) return () => undefined
  const pid = String(process.pid)
  const list = /list: *([\d,-]+)/.exec(execFileSync('taskset', ['-c', '-p', pid], { encoding: 'utf8' }))?.[1]
  if (!list) return () => undefined
  execFileSync('taskset', ['-a', '-c', '-p', String(cpu), pid], { stdio: 'ignore' })
  return () => execFileSync('taskset', ['-a', '-c', '-p', list, pid], { stdio: 'ignore' })
}

/**
 * perfgate's open model against the independent client at the same rate, in alternated repeats, both on the CPU
 * perfgate's layout leaves to the generator (`generatorCpu`, none: wherever the kernel puts them).
 */
export async function latencyCheck(
  server: ZooServer,
  scenario: Scenario,
  plan: LatencyPlan,
  generatorCpu?: number
): Promise<LatencyCheck> {
  const perfgate: number[] = []
  const reference: number[] = []
  const unpin = pinThisProcess(generatorCpu)
  try {
    await alternate(server, scenario, plan, perfgate, reference)
  } finally {
    unpin()
  }
  return {
    reference: referenceName(server),
    perfgate: median(perfgate),
    referenceP50: median(reference),
    ratio: median(perfgate.map((p, i) => p / reference[i]!))
  }
}

async function alternate(
  server: ZooServer,
  scenario: Scenario,
  plan: LatencyPlan,
  perfgate: number[],
  reference: number[]
): Promise<void> {
  for (let repeat = 0; repeat < plan.repeats; repeat++) {
    const steps = [
      async () => perfgate.push(await perfgateP50(scenario, plan)),
      async () => reference.push(await referenceP50(server, scenario, plan))
    ]
    for (const step of repeat % 2 ? steps.reverse() : steps) await step()
  }
}

export function latencyProblems(check: LatencyCheck, tolerance: number): string[] {
  if (Math.abs(check.ratio - 1) <= tolerance) return []
  return [
    `perfgate's p50 over the ${check.reference}'s is ${check.ratio.toFixed(2)}, outside 1 ± ${tolerance} ` +
      `(${(check.perfgate / 1000).toFixed(3)} ms against ${(check.referenceP50 / 1000).toFixed(3)} ms)`
  ]
}
