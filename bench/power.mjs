// npm run bench:power: detection power and false alarms of the base-vs-head gate, measured for real.
// Each trial runs a full comparison of the example service against itself, with a knob injecting a regression into
// the head, and records the gate's verdict. Designs side by side (DESIGNS):
//   rounds  today's sequential rounds (fresh process per round, ABBA order; the config hard-codes its port)
//   slices  both sides up at once on {{service.port}}, the load alternating in SLICE_MS slices over epochs
//   duet    both measured at the same time (only where the runner has 4 cores or more; skipped otherwise)
// NOISY=1 starts a noisy neighbour in each trial: a process that spins one core for 1-4 s every 3-10 s (the first
// burst after 0-10 s; bounded: it exits with this process, and after MAX_NOISE_S at the latest; stopped in a finally).
// TRIALS=3 ROUND_MS=2000 SLICE_MS=500 BUDGET_S=180 CPU_US=200 RATE=1000 TOLERANCE=5 by default;
// CONDITIONS=aa,5,10,20,50,tail,tail-open picks conditions (with DESIGNS and TOLERANCE, the throughput check's
// tolerance in %), or ROWS=2/aa,2/5,5/aa,5/10 picks tolerance/condition rows (in the first design);
// CHECK=cpu judges server.cpu.per_request (+tolerance) in place of throughput.rps (-tolerance); KNOB=measured
// (default) sizes the SLOWDOWN knob from a throughput measurement in the same run, KNOB=nominal assumes the handler
// is all of a request's cost;
// DUMP=dir keeps each trial's report JSON; UNTIL=hh:mm (UTC) starts no trial after that time. Trials run one row after another in turn (trial 1 of every row,
// then trial 2 ...), so a cut-short run still has as many trials in each row. Each trial takes the load lock
// (LOCK, default /tmp/perfgate-load.lock) on its own, and the noisy neighbour runs only inside it.
import { mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { compileSources, freePort, median, table, untilFromEnv, withLoadLock } from './lib.mjs'
import { startNeighbour } from './neighbour.mjs'

const TRIALS = Number(process.env.TRIALS ?? 3)
const ROUND_MS = Number(process.env.ROUND_MS ?? 2000)
const SLICE_MS = Number(process.env.SLICE_MS ?? 500)
const BUDGET_S = Number(process.env.BUDGET_S ?? 180)
const CPU_US = process.env.CPU_US ?? '200'
const RATE = Number(process.env.RATE ?? 1000)
const NOISY = process.env.NOISY === '1'
const DUMP = process.env.DUMP // a directory: each trial's report JSON is written there
const CONDITIONS = (process.env.CONDITIONS ?? 'aa,5,10,20,50,tail').split(',')
const DESIGNS = (process.env.DESIGNS ?? (NOISY ? 'rounds,slices,duet' : 'rounds')).split(',')
const TOLERANCE = Number(process.env.TOLERANCE ?? 5)
// CHECK=cpu: the closed checks judge the service's CPU time per request (rising by the tolerance) instead of throughput
const MAIN = process.env.CHECK === 'cpu' ? 'server.cpu.per_request' : 'throughput.rps'

compileSources()
const { parseConfig } = await import('../build/src/config/load.js')
const { compareGate } = await import('../build/src/gate/compare.js')
const { chooseDesign } = await import('../build/src/gate/design.js')
const { hostInfo } = await import('../build/src/measure/environment.js')

// The knob: SLOWDOWN=s makes the handler's hash loop (1 + s) times as long. A throughput drop of x needs the whole
// request's cost to grow by 1/(1-x) - 1, and the handler is only part of that cost (parsing, JSON, the socket), so
// the knob is sized from a measurement in the same run (KNOB=measured, the default): one slices comparison of
// SLOWDOWN=1 against 0 gives the throughput ratio q = 1/(1 + k), k the handler's share of a request's cost, and
// s = (1/(1-x) - 1)/k. KNOB=nominal takes k = 1 (the handler is all of the cost), which undershoots: a "-10%" knob
// measured -6.8% on a 300 µs handler.
let handlerShare = 1
const slowdownFor = drop => String((1 / (1 - drop) - 1) / handlerShare)
const tail = { TAIL_SHARE: '0.01', TAIL_MS: '20' }
const conditionsFor = () => ({
  aa: { label: 'A/A (no change)', env: {}, expect: 'pass' },
  5: { label: 'throughput -5%', env: { SLOWDOWN: slowdownFor(0.05) }, expect: 'fail' },
  10: { label: 'throughput -10%', env: { SLOWDOWN: slowdownFor(0.1) }, expect: 'fail' },
  20: { label: 'throughput -20%', env: { SLOWDOWN: slowdownFor(0.2) }, expect: 'fail' },
  50: { label: 'throughput -50%', env: { SLOWDOWN: slowdownFor(0.5) }, expect: 'fail' },
  tail: { label: 'tail: 1% of requests +20 ms (closed)', env: tail, expect: 'fail' },
  'aa-open': { label: `A/A, open model ${RATE}/s`, env: {}, expect: 'pass', open: true },
  'tail-open': {
    label: `tail: 1% of requests +20 ms (open model ${RATE}/s)`,
    env: tail,
    expect: 'fail',
    open: true
  }
})

/** The bench's config for a design: rounds hard-code a port, slices and duet use {{service.port}}. */
async function configFor(design, open, tolerance) {
  const port = design === 'rounds' ? String(await freePort()) : '{{service.port}}'
  const load = open
    ? `{ mode: rate, rate: ${RATE}, connections: 50, warmup: 500ms, duration: ${ROUND_MS}ms, max-lag: 50ms }`
    : `{ warmup: 500ms, duration: ${ROUND_MS}ms, connections: 10 }`
  const regression = open
    ? `latency.p99: "+50%"\n      latency.p99.9: "+50%"`
    : `${MAIN}: "${MAIN === 'throughput.rps' ? '-' : '+'}${tolerance}%"\n      latency.p99.9: "+50%"`
  const yaml = `
version: 1
service:
  command: node examples/service/server.mjs
  env: { PORT: "${port}", CPU_US: "${CPU_US}" }
  ready: { url: "http://127.0.0.1:${port}/health", timeout: 20s }
scenarios:
  - name: get
    request: { url: "http://127.0.0.1:${port}/reservations/42" }
    load: ${load}
    regression:
      ${regression}
compare: { design: ${design}, slice: ${SLICE_MS}ms, rounds: { min: 3, max: 30 }, budget: ${BUDGET_S}s }
`
  return parseConfig(yaml, path.resolve('bench/power.yml'), path.resolve('.'))
}

const host = hostInfo()

/** k, the handler's share of a request's cost, from one quiet comparison of SLOWDOWN=1 against SLOWDOWN=0. */
async function measureHandlerShare() {
  const config = await configFor('slices', false, 90)
  const report = await compareGate(config, {
    baseDir: path.resolve('.'),
    headDir: path.resolve('.'),
    env: { head: { SLOWDOWN: '1' } },
    profile: 'never'
  })
  const check = report.scenarios[0]?.checks.find(c => c.metric === MAIN)
  if (typeof check?.change !== 'number')
    throw new Error(
      `the knob's calibration measured no ${MAIN} change: ${report.scenarios[0]?.error?.message ?? 'no check'}`
    )
  // throughput falls to 1/(1 + k); CPU per request rises to 1 + k
  const share = MAIN === 'throughput.rps' ? 1 / (1 + check.change) - 1 : check.change
  process.stderr.write(
    `knob: SLOWDOWN=1 changed ${MAIN} by ${(check.change * 100).toFixed(1)}% [${check.interval?.map(x => `${(x * 100).toFixed(1)}%`).join(' .. ')}], ` +
      `so the handler is ${(share * 100).toFixed(0)}% of a request's cost\n`
  )
  return share
}
if ((process.env.KNOB ?? 'measured') === 'measured') handlerShare = await withLoadLock(measureHandlerShare)
const conditions = conditionsFor()

/** The rows to measure: a design, a condition and the throughput check's tolerance (%). */
const plan = process.env.ROWS
  ? process.env.ROWS.split(',').map(row => {
      const [tolerance, key] = row.split('/')
      return { design: DESIGNS[0], key, tolerance: Number(tolerance) }
    })
  : CONDITIONS.flatMap(key => DESIGNS.map(design => ({ design, key, tolerance: TOLERANCE })))

const rows = []
for (const row of plan) {
  const condition = conditions[row.key]
  if (!condition)
    throw new Error(`unknown condition ${row.key}: one of ${Object.keys(conditions).join(', ')}`)
  const config = await configFor(row.design, condition.open, row.tolerance)
  const chosen = chooseDesign(config, host)
  rows.push({
    ...row,
    condition,
    config,
    skipped: chosen.design !== row.design ? chosen.reason : undefined,
    outcomes: { fail: 0, pass: 0, inconclusive: 0, errored: 0 },
    steps: [],
    seconds: [],
    changes: [],
    detectable: []
  })
}

/** Half the interval's width on the log scale, as a relative change: the smallest change the trial could see. */
const halfWidth = ([low, high]) => Math.expm1((Math.log1p(high) - Math.log1p(low)) / 2)

async function trial(row, index) {
  const { condition, design, config } = row
  const neighbour = NOISY ? startNeighbour() : undefined
  const started = Date.now()
  let report
  try {
    report = await compareGate(config, {
      baseDir: path.resolve('.'),
      headDir: path.resolve('.'),
      env: { head: condition.env },
      // the decision's time: no profiling step after the verdict
      profile: 'never'
    })
  } finally {
    neighbour?.stop()
  }
  row.seconds.push((Date.now() - started) / 1000)
  if (DUMP) {
    mkdirSync(DUMP, { recursive: true })
    writeFileSync(
      path.join(DUMP, `${design}-${row.tolerance}-${row.key}-${Date.now()}.json`),
      JSON.stringify(report)
    )
  }
  const scenario = report.scenarios[0]
  const verdict = scenario.verdict === 'warn' ? 'pass' : scenario.verdict
  row.outcomes[verdict in row.outcomes ? verdict : 'errored']++
  const main = scenario.checks.find(c => c.metric === (condition.open ? 'latency.p99.9' : MAIN))
  if (main?.rounds) row.steps.push(main.rounds)
  if (typeof main?.change === 'number') row.changes.push(main.change)
  if (main?.interval) row.detectable.push(halfWidth(main.interval))
  const percent = x => `${(x * 100).toFixed(1)}%`
  process.stderr.write(
    `${new Date().toISOString()} ${design} tolerance -${row.tolerance}% ${condition.label} trial ${index + 1}/${TRIALS}: ` +
      `${scenario.verdict} in ${row.seconds.at(-1).toFixed(0)} s, ${main?.rounds ?? '?'} steps ` +
      `(${scenario.checks.map(c => `${c.metric} ${c.verdict} ${typeof c.change === 'number' ? percent(c.change) : ''}${c.interval ? ` [${c.interval.map(percent).join(' .. ')}]` : ''}`).join(', ')})` +
      `${scenario.error ? ` ${scenario.error.message}` : ''}\n`
  )
}

const onSignal = () => process.exit(130)
process.once('SIGINT', onSignal)
process.once('SIGTERM', onSignal)
for (const row of rows.filter(r => r.skipped))
  process.stderr.write(`${row.design}: skipped (${row.skipped})\n`)
const UNTIL = untilFromEnv()
for (let index = 0; index < TRIALS && Date.now() < UNTIL; index++)
  for (const row of rows.filter(r => !r.skipped))
    if (Date.now() < UNTIL) await withLoadLock(() => trial(row, index))

const header = [
  'design',
  'tolerance',
  'condition',
  'trials',
  'fail',
  'pass',
  'inconclusive',
  'errored',
  'median rounds/epochs',
  'median time',
  'mean change (rps or tail)',
  'median half-width'
]
const body = rows.map(row => {
  const share = n => `${n}/${row.seconds.length}`
  const mean = xs => xs.reduce((a, b) => a + b, 0) / xs.length
  if (row.skipped)
    return [
      row.design,
      `-${row.tolerance}%`,
      row.condition.label,
      0,
      '-',
      '-',
      '-',
      '-',
      '-',
      '-',
      `skipped: ${row.skipped}`,
      '-'
    ]
  return [
    row.design,
    `-${row.tolerance}%`,
    row.condition.label,
    row.seconds.length,
    share(row.outcomes.fail),
    share(row.outcomes.pass),
    share(row.outcomes.inconclusive),
    share(row.outcomes.errored),
    row.steps.length ? median(row.steps) : 'n/a',
    row.seconds.length ? `${median(row.seconds).toFixed(0)} s` : 'n/a',
    row.changes.length ? `${(mean(row.changes) * 100).toFixed(1)}%` : 'n/a',
    row.detectable.length ? `${(median(row.detectable) * 100).toFixed(1)}%` : 'n/a'
  ]
})
console.log(
  `\nDetection power${NOISY ? ' with a noisy neighbour (one core spun 1-4 s every 3-10 s, during each trial)' : ''}: ${TRIALS} trials per row, ` +
    `${os.availableParallelism()} cores, CPU_US=${CPU_US}, rounds of ${ROUND_MS} ms (+500 ms warmup) per side, slices of ${SLICE_MS} ms, ` +
    `budget ${BUDGET_S} s; the knob sized with the handler at ${(handlerShare * 100).toFixed(0)}% of a request's cost (KNOB=${process.env.KNOB ?? 'measured'}); closed checks ${MAIN} at the row's tolerance and latency.p99.9 +50%, open-model checks latency.p99 and p99.9 +50%`
)
console.log(table([header, ...body]))
