// npm run bench:grpc: perfgate's gRPC latency against an independent reference on the same server in the same
// trial. The server is the zoo's @grpc/grpc-js server (zoo.Catalog/Get, plaintext). The reference is a plain
// sequential @grpc/grpc-js client at RATE calls/s (each call sent at its scheduled time once the previous one has
// answered, timed from its send, its reply decoded as grpc-js's generated client does); perfgate is its open model
// at the same rate (runLoad, latency from each call's intended send). Reported per trial: both p50s and their
// ratio (the bar: within 20%), and the generator's CPU per call for each (process.cpuUsage over the measured
// window / calls). Each trial runs in its own process under the load lock (flock /tmp/perfgate-load.lock), the
// two clients in alternating order after a first, unmeasured run of the reference that warms the server up. TRIALS=5 RATE=200 DURATION=5000 WARMUP=1000.
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { compileSources, median, table } from './lib.mjs'

const TRIALS = Number(process.env.TRIALS ?? 5)
const RATE = Number(process.env.RATE ?? 200)
const DURATION_MS = Number(process.env.DURATION ?? 5000)
const WARMUP_MS = Number(process.env.WARMUP ?? 1000)
const LOCK = '/tmp/perfgate-load.lock'
const self = fileURLToPath(import.meta.url)

async function reference(url, scenario) {
  const grpc = await import('@grpc/grpc-js')
  const protoLoader = await import('@grpc/proto-loader')
  const call = scenario.request.grpc
  const definition = protoLoader.loadSync(call.proto, {
    includeDirs: [path.dirname(call.proto), ...call.include],
    keepCase: true,
    longs: String
  })
  const method = definition[call.service][call.method]
  const client = new grpc.Client(new URL(url).host, grpc.credentials.createInsecure())
  await new Promise(resolve => client.waitForReady(Date.now() + 5000, resolve))
  const once = message =>
    new Promise(resolve =>
      client.makeUnaryRequest(
        method.path,
        method.requestSerialize,
        method.responseDeserialize,
        message,
        err => resolve(err ? err.code : 0)
      )
    )
  const latencies = []
  let calls = 0
  let failed = 0
  const interval = 1000 / RATE
  const start = performance.now()
  let cpu
  for (let i = 0; ; i++) {
    const due = start + i * interval
    const elapsed = due - start
    if (elapsed >= WARMUP_MS + DURATION_MS) break
    const wait = due - performance.now()
    if (wait > 0) await new Promise(r => setTimeout(r, wait))
    if (elapsed >= WARMUP_MS && !cpu) cpu = process.cpuUsage()
    const sent = performance.now()
    const code = await once({ id: String(i) })
    if (elapsed < WARMUP_MS) continue
    calls++
    if (code !== 0) failed++
    else latencies.push((performance.now() - sent) * 1000)
  }
  const used = process.cpuUsage(cpu)
  client.close()
  latencies.sort((a, b) => a - b)
  return {
    p50: latencies[Math.floor(latencies.length / 2)],
    calls,
    failed,
    cpuUsPerCall: (used.user + used.system) / calls
  }
}

async function perfgate(url, scenario) {
  const { runLoad } = await import('../build/src/load/run-load.js')
  const result = await runLoad(scenario)
  const calls = result.counts.responses
  return {
    p50: result.latency?.p50,
    calls,
    failed: calls - result.counts.status2xx,
    cpuUsPerCall: ((result.generatorCpu / 100) * result.durationMs * 1000) / Math.max(1, calls),
    lagP99: result.generatorLagUs
  }
}

async function trial(index) {
  const { startGrpcServer, grpcScenario } = await import('../build/__fixtures__/grpc.js')
  const server = await startGrpcServer()
  try {
    const scenario = grpcScenario(server.url, {
      mode: 'rate',
      rate: RATE,
      connections: 4,
      durationMs: DURATION_MS,
      warmupMs: WARMUP_MS,
      timeoutMs: 2000
    })
    const order = index % 2 ? ['perfgate', 'reference'] : ['reference', 'perfgate']
    // the server's own warm-up (its JIT), unmeasured: without it the client that ran second was faster either way
    await reference(server.url, scenario)
    const out = {}
    for (const who of order)
      out[who] = await (who === 'perfgate' ? perfgate : reference)(server.url, scenario)
    return out
  } finally {
    await server.stop()
  }
}

if (process.argv[2] === 'trial') {
  console.log(JSON.stringify(await trial(Number(process.argv[3]))))
  process.exit(0)
}

compileSources()
const rows = [
  [
    'trial',
    'reference p50',
    'perfgate p50',
    'perfgate / reference',
    'reference CPU/call',
    'perfgate CPU/call',
    'perfgate lag p99',
    'calls (ref, perfgate)'
  ]
]
const ratios = []
const cpuRatios = []
for (let i = 0; i < TRIALS; i++) {
  const out = JSON.parse(
    execFileSync('flock', [LOCK, process.execPath, self, 'trial', String(i)], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .pop()
  )
  const { reference: ref, perfgate: pg } = out
  ratios.push(pg.p50 / ref.p50)
  cpuRatios.push(pg.cpuUsPerCall / ref.cpuUsPerCall)
  rows.push([
    i + 1,
    `${(ref.p50 / 1000).toFixed(3)} ms`,
    `${(pg.p50 / 1000).toFixed(3)} ms`,
    (pg.p50 / ref.p50).toFixed(3),
    `${ref.cpuUsPerCall.toFixed(0)} µs`,
    `${pg.cpuUsPerCall.toFixed(0)} µs`,
    `${(pg.lagP99 / 1000).toFixed(2)} ms`,
    `${ref.calls} (${ref.failed} failed), ${pg.calls} (${pg.failed} failed)`
  ])
}
console.log(`gRPC unary at ${RATE} calls/s, ${WARMUP_MS} ms warm-up + ${DURATION_MS} ms, ${TRIALS} trials`)
console.log(table(rows))
const m = median(ratios)
console.log(
  `median p50 ratio ${m.toFixed(3)} (bar: within 0.8..1.2: ${m >= 0.8 && m <= 1.2 ? 'pass' : 'FAIL'}); median CPU-per-call ratio ${median(cpuRatios).toFixed(2)}`
)
