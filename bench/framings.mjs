// npm run bench:framings: which client reads which HTTP/1.x framing (Content-Length, chunked, close-delimited,
// HTTP/1.0), and what each closed-model client costs per response. For every framing of a raw `net` server
// (__fixtures__/framings.ts): raw autocannon, perfgate's closed model (`runClosedLoad`), its open model
// (`runOpenLoad`, undici) and its closed slice session (`startSession`, undici), each for DURATION ms, with the
// responses and errors each counted. Then, on the example service (CPU_US=0, on its own CPU where there are two),
// alternated rounds of the closed model and the closed slice session: requests per second and generator CPU per
// response, the figures that chose the closed model's client (docs/design-notes.md).
import autocannon from 'autocannon'
import os from 'node:os'
import { compileSources, median, startExample, table } from './lib.mjs'

const DURATION_MS = Number(process.env.DURATION ?? 1000)
const ROUNDS = Number(process.env.ROUNDS ?? 3)
const CONNECTIONS = 10

compileSources()
const { runClosedLoad } = await import('../build/src/load/closed.js')
const { runOpenLoad } = await import('../build/src/load/open.js')
const { startSession } = await import('../build/src/load/session.js')
const { FRAMINGS, startFramingServer } = await import('../build/__fixtures__/framings.js')

function scenario(url, load) {
  return {
    name: 'bench',
    request: { method: 'GET', url, headers: {} },
    load: { connections: CONNECTIONS, durationMs: DURATION_MS, warmupMs: 0, timeoutMs: 2000, ...load },
    thresholds: [],
    regression: [],
    minRequests: 1,
    maxErrorRate: 1
  }
}

const failed = c => c.connect + c.timeout + c.reset + c.other
const summary = c =>
  `${c.status2xx} ok / ${failed(c)} failed (reset ${c.reset}, timeout ${c.timeout}, other ${c.other})`

async function rawAutocannon(url) {
  const r = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_MS / 1000 })
  return `${r['2xx']} ok / ${r.errors} errors, ${r.timeouts} timeouts, ${r.resets ?? 0} resets (of ${r.requests.sent} sent)`
}

async function sessionSlice(url) {
  const session = startSession(scenario(url, { mode: 'closed' }))
  try {
    await session.warm(200)
    return summary((await session.slice(DURATION_MS)).counts)
  } finally {
    await session.close()
  }
}

const rows = [
  [
    'framing',
    'raw autocannon',
    'perfgate closed (autocannon)',
    'perfgate open 200/s (undici)',
    'perfgate closed slices (undici)'
  ]
]
for (const framing of FRAMINGS) {
  const server = await startFramingServer(framing)
  try {
    rows.push([
      framing,
      await rawAutocannon(server.url),
      summary((await runClosedLoad(scenario(server.url, { mode: 'closed' }))).counts),
      summary((await runOpenLoad(scenario(server.url, { mode: 'rate', rate: 200 }))).counts),
      await sessionSlice(server.url)
    ])
  } finally {
    await server.close()
  }
}
console.log(
  `\nresponses counted per framing (${DURATION_MS} ms, ${CONNECTIONS} connections, server in this process)`
)
console.log(table(rows))

// the closed model's two candidate clients on one server process, alternated
const cpus = os.availableParallelism() > 1 ? [1] : []
const service = await startExample({ CPU_US: '0' }, cpus)
const url = `${service.url}/reservations/42`
const samples = { autocannon: [], undici: [] }
async function measure(client) {
  const cpu = process.cpuUsage()
  let counts, durationMs
  if (client === 'autocannon') {
    const result = await runClosedLoad(scenario(url, { mode: 'closed', warmupMs: 300 }))
    ;({ counts, durationMs } = result)
  } else {
    const session = startSession(scenario(url, { mode: 'closed' }))
    await session.warm(300)
    const slice = await session.slice(DURATION_MS)
    await session.close()
    ;({ counts, durationMs } = slice)
  }
  const used = process.cpuUsage(cpu)
  // CPU over warm-up and measurement, per response of the measurement: the same for both clients
  return { rps: counts.responses / (durationMs / 1000), cpuUs: (used.user + used.system) / counts.responses }
}
try {
  await measure('autocannon')
  await measure('undici')
  for (let round = 0; round < ROUNDS; round++)
    for (const client of round % 2 ? ['undici', 'autocannon'] : ['autocannon', 'undici'])
      samples[client].push(await measure(client))
} finally {
  await service.stop()
}
const med = (client, key) => median(samples[client].map(s => s[key]))
console.log(
  `\nclosed model, example service CPU_US=0${cpus.length ? ' on CPU 1' : ''}, ${ROUNDS} alternated rounds of ${DURATION_MS} ms, medians`
)
console.log(
  table([
    ['client', 'req/s', 'generator CPU µs per response (warm-up included)'],
    [
      'autocannon (runClosedLoad)',
      med('autocannon', 'rps').toFixed(0),
      med('autocannon', 'cpuUs').toFixed(1)
    ],
    ['undici (closed slice session)', med('undici', 'rps').toFixed(0), med('undici', 'cpuUs').toFixed(1)],
    [
      'undici / autocannon',
      (med('undici', 'rps') / med('autocannon', 'rps')).toFixed(3),
      (med('undici', 'cpuUs') / med('autocannon', 'cpuUs')).toFixed(3)
    ]
  ])
)
