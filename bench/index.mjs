// npm run bench: perfgate's closed-model generator against raw autocannon (and wrk where installed), on the
// same example-service process, in alternating rounds. Figures are ratios against the reference measured in the
// same run, so they survive this machine's noise. ROUNDS=5 DURATION=3 by default. Then the open model's
// accuracy and cost (bench/open-model.mjs) and the baseline store's read time for 1,000 records (bench/baseline.mjs).
import { execFileSync } from 'node:child_process'
import autocannon from 'autocannon'
import { compileSources, hasCommand, median, startExample, table } from './lib.mjs'
import { benchBaseline } from './baseline.mjs'
import { benchOpenModel } from './open-model.mjs'

const ROUNDS = Number(process.env.ROUNDS ?? 5)
const DURATION_S = Number(process.env.DURATION ?? 3)
const CONNECTIONS = 10

compileSources()
const { runClosedLoad } = await import('../build/src/load/closed.js')

async function rawAutocannon(url) {
  const cpu = process.cpuUsage()
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_S })
  const used = process.cpuUsage(cpu)
  const requests = result.requests.total
  return { rps: requests / DURATION_S, cpuPerReqUs: (used.user + used.system) / requests }
}

async function perfgate(url) {
  const scenario = {
    name: 'bench',
    request: { method: 'GET', url, headers: {} },
    load: {
      mode: 'closed',
      connections: CONNECTIONS,
      durationMs: DURATION_S * 1000,
      warmupMs: 0,
      timeoutMs: 10_000
    },
    thresholds: [],
    regression: [],
    minRequests: 1,
    maxErrorRate: 1
  }
  const cpu = process.cpuUsage()
  const result = await runClosedLoad(scenario)
  const used = process.cpuUsage(cpu)
  const requests = result.counts.responses
  return { rps: requests / (result.durationMs / 1000), cpuPerReqUs: (used.user + used.system) / requests }
}

function wrk(url) {
  const out = execFileSync('wrk', ['-t1', `-c${CONNECTIONS}`, `-d${DURATION_S}s`, url], { encoding: 'utf8' })
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1])
  return { rps, cpuPerReqUs: NaN }
}

const targets = [
  ['fast handler (CPU_US=0)', { CPU_US: '0' }],
  ['realistic handler (CPU_US=200)', { CPU_US: '200' }]
]
const withWrk = hasCommand('wrk')
for (const [label, env] of targets) {
  const service = await startExample(env)
  const url = `${service.url}/reservations/42`
  const samples = { autocannon: [], perfgate: [], wrk: [] }
  try {
    await rawAutocannon(url) // settle the JIT on both sides
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? ['autocannon', 'perfgate'] : ['perfgate', 'autocannon']
      for (const tool of order)
        samples[tool].push(tool === 'perfgate' ? await perfgate(url) : await rawAutocannon(url))
      if (withWrk) samples.wrk.push(wrk(url))
    }
  } finally {
    await service.stop()
  }
  const rps = tool => median(samples[tool].map(s => s.rps))
  const cpu = tool => median(samples[tool].map(s => s.cpuPerReqUs))
  const rows = [
    ['tool', 'median req/s', 'vs autocannon', 'generator CPU µs/req', 'vs autocannon'],
    ['autocannon (raw)', rps('autocannon').toFixed(0), '1.00', cpu('autocannon').toFixed(1), '1.00'],
    [
      'perfgate',
      rps('perfgate').toFixed(0),
      (rps('perfgate') / rps('autocannon')).toFixed(3),
      cpu('perfgate').toFixed(1),
      (cpu('perfgate') / cpu('autocannon')).toFixed(3)
    ]
  ]
  if (withWrk)
    rows.push(['wrk -t1', rps('wrk').toFixed(0), (rps('wrk') / rps('autocannon')).toFixed(3), 'n/a', 'n/a'])
  console.log(
    `\n${label}: ${ROUNDS} alternating rounds of ${DURATION_S}s, ${CONNECTIONS} connections, GET /reservations/42`
  )
  console.log(table(rows))
  const cost = 1 - rps('perfgate') / rps('autocannon')
  console.log(
    `perfgate's µs recording costs ${(cost * 100).toFixed(1)}% of raw autocannon's throughput (target < 10%)`
  )
}

await benchOpenModel({ compile: false })
await benchBaseline({ compile: false })
