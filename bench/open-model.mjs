// npm run bench:open (also part of npm run bench): the open model's accuracy and cost.
//  1. schedule error: how late perfgate sends requests vs their intended times, against a steady server;
//  2. a server that stalls 200 ms once a second: reported p99 vs the true open-model p99 (190 ms), for perfgate
//     and for autocannon's own rate mode (whole-ms histogram, bursty sends, its own omission correction);
//  3. generator CPU per request in rate mode, perfgate vs raw autocannon at the same rate and server.
// RATE=2000 DURATION=3 ROUNDS=3 by default; ratios are against figures measured in the same run.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import autocannon from 'autocannon'
import { compileSources, freePort, median, startExample, table } from './lib.mjs'

const RATE = Number(process.env.RATE ?? 2000)
const DURATION_S = Number(process.env.DURATION ?? 3)
const ROUNDS = Number(process.env.ROUNDS ?? 3)
const STALL_RATE = 200
const TRUE_STALL_P99_MS = 190

async function startStallServer() {
  const port = await freePort()
  const child = spawn(process.execPath, ['bench/stall-server.mjs'], {
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit']
  })
  await new Promise((resolve, reject) => {
    child.once('exit', code => reject(new Error(`stall server exited with ${code}`)))
    child.stdout.on('data', chunk => String(chunk).includes('listening') && resolve())
  })
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      child.kill('SIGKILL')
      if (child.exitCode === null) await once(child, 'exit')
    }
  }
}

const scenario = (url, rate, durationS) => ({
  name: 'open-bench',
  request: { method: 'GET', url, headers: {} },
  load: {
    mode: 'rate',
    rate,
    connections: 100,
    durationMs: durationS * 1000,
    warmupMs: 500,
    timeoutMs: 10_000
  },
  thresholds: [],
  regression: [],
  minRequests: 1,
  maxErrorRate: 1
})

async function autocannonRate(url, rate, durationS) {
  const cpu = process.cpuUsage()
  const result = await autocannon({ url, connections: 100, overallRate: rate, duration: durationS })
  const used = process.cpuUsage(cpu)
  return {
    p99Ms: result.latency.p99,
    cpuPerReqUs: (used.user + used.system) / result.requests.total,
    rps: result.requests.total / durationS
  }
}

export async function benchOpenModel({ compile = true } = {}) {
  if (compile) compileSources()
  const { runOpenLoad } = await import('../build/src/load/open.js')
  const perfgate = async (url, rate, durationS) => {
    const cpu = process.cpuUsage()
    const r = await runOpenLoad(scenario(url, rate, durationS))
    const used = process.cpuUsage(cpu)
    return {
      lagP99Ms: r.generatorLagUs / 1000,
      p99Ms: r.latency.p99 / 1000,
      cpuPerReqUs: (used.user + used.system) / r.counts.sent,
      rps: r.achievedRate
    }
  }

  const steady = await startExample({ CPU_US: '20' })
  const samples = { perfgate: [], autocannon: [] }
  try {
    for (let i = 0; i < ROUNDS; i++) {
      samples.perfgate.push(await perfgate(`${steady.url}/reservations/42`, RATE, DURATION_S))
      samples.autocannon.push(await autocannonRate(`${steady.url}/reservations/42`, RATE, DURATION_S))
    }
  } finally {
    await steady.stop()
  }
  const stall = await startStallServer()
  const stalls = { perfgate: [], autocannon: [] }
  try {
    for (let i = 0; i < ROUNDS; i++) {
      stalls.perfgate.push(await perfgate(stall.url, STALL_RATE, DURATION_S + 2))
      stalls.autocannon.push(await autocannonRate(stall.url, STALL_RATE, DURATION_S + 2))
    }
  } finally {
    await stall.stop()
  }
  const m = (list, key) => median(list.map(s => s[key]))
  console.log(
    `\nopen model: ${ROUNDS} alternating rounds, ${DURATION_S}s at ${RATE} req/s on the example service (CPU_US=20)`
  )
  console.log(
    table([
      ['generator', 'achieved req/s', 'schedule error p99', 'CPU µs/req', 'CPU vs autocannon'],
      [
        'autocannon overallRate (raw)',
        m(samples.autocannon, 'rps').toFixed(0),
        'n/a (not measured)',
        m(samples.autocannon, 'cpuPerReqUs').toFixed(1),
        '1.00'
      ],
      [
        'perfgate rate mode',
        m(samples.perfgate, 'rps').toFixed(0),
        `${m(samples.perfgate, 'lagP99Ms').toFixed(2)} ms`,
        m(samples.perfgate, 'cpuPerReqUs').toFixed(1),
        (m(samples.perfgate, 'cpuPerReqUs') / m(samples.autocannon, 'cpuPerReqUs')).toFixed(2)
      ]
    ])
  )
  console.log(
    "perfgate's rate mode yields to I/O (setImmediate) between close sends to keep the schedule within a fraction of a " +
      'millisecond: with < 1.5 ms between sends the generator is busy, so its CPU per request is mostly that wait.'
  )
  console.log(
    `\nstalling server (200 ms stall once a second) at ${STALL_RATE} req/s: true open-model p99 = ${TRUE_STALL_P99_MS} ms`
  )
  console.log(
    table([
      ['generator', 'reported p99', 'reported / true'],
      [
        'autocannon overallRate',
        `${m(stalls.autocannon, 'p99Ms').toFixed(1)} ms`,
        (m(stalls.autocannon, 'p99Ms') / TRUE_STALL_P99_MS).toFixed(2)
      ],
      [
        'perfgate rate mode',
        `${m(stalls.perfgate, 'p99Ms').toFixed(1)} ms`,
        (m(stalls.perfgate, 'p99Ms') / TRUE_STALL_P99_MS).toFixed(2)
      ]
    ])
  )
}

if (import.meta.url === `file://${process.argv[1]}`) await benchOpenModel()
