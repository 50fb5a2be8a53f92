// npm run bench:power: detection power and false alarms of the base-vs-head gate, measured for real.
// Each trial runs a full comparison of the example service against itself, with a knob injecting a regression into
// the head, and records the gate's verdict. Designs side by side (DESIGNS):
//   rounds  today's sequential rounds (fresh process per round, ABBA order; the config hard-codes its port)
//   slices  both sides up at once on {{service.port}}, the load alternating in SLICE_MS slices over epochs
//   duet    both measured at the same time (only where the runner has 4 cores or more; skipped otherwise)
// NOISY=1 starts a noisy neighbour for the whole run: a process that spins one core for 1-4 s every 3-10 s
// (bounded: it exits with this process, and after MAX_NOISE_S at the latest; stopped in a finally).
// TRIALS=3 ROUND_MS=2000 SLICE_MS=500 BUDGET_S=180 CPU_US=200 RATE=1000 by default;
// CONDITIONS=aa,5,10,20,50,tail,tail-open picks conditions; DUMP=dir keeps each trial's report JSON. Run it under flock /tmp/perfgate-load.lock.
import { spawn } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { compileSources, freePort, median, table } from './lib.mjs'

const TRIALS = Number(process.env.TRIALS ?? 3)
const ROUND_MS = Number(process.env.ROUND_MS ?? 2000)
const SLICE_MS = Number(process.env.SLICE_MS ?? 500)
const BUDGET_S = Number(process.env.BUDGET_S ?? 180)
const CPU_US = process.env.CPU_US ?? '200'
const RATE = Number(process.env.RATE ?? 1000)
const NOISY = process.env.NOISY === '1'
const MAX_NOISE_S = Number(process.env.MAX_NOISE_S ?? 4 * 3600)
const DUMP = process.env.DUMP // a directory: each trial's report JSON is written there
const CONDITIONS = (process.env.CONDITIONS ?? 'aa,5,10,20,50,tail').split(',')
const DESIGNS = (process.env.DESIGNS ?? (NOISY ? 'rounds,slices,duet' : 'rounds')).split(',')

compileSources()
const { parseConfig } = await import('../build/src/config/load.js')
const { compareGate } = await import('../build/src/gate/compare.js')
const { chooseDesign, hostInfo } = await import('../build/src/gate/design.js')

// A throughput drop of x needs (1/(1-x) - 1) more CPU per request when CPU dominates the handler.
const slowdownFor = drop => String(1 / (1 - drop) - 1)
const tail = { TAIL_SHARE: '0.01', TAIL_MS: '20' }
const conditions = {
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
}

/** The bench's config for a design: rounds hard-code a port, slices and duet use {{service.port}}. */
async function configFor(design, open) {
  const port = design === 'rounds' ? String(await freePort()) : '{{service.port}}'
  const load = open
    ? `{ mode: rate, rate: ${RATE}, connections: 50, warmup: 500ms, duration: ${ROUND_MS}ms, max-lag: 50ms }`
    : `{ warmup: 500ms, duration: ${ROUND_MS}ms, connections: 10 }`
  const regression = open
    ? `latency.p99: "+50%"\n      latency.p99.9: "+50%"`
    : `throughput.rps: "-5%"\n      latency.p99.9: "+50%"`
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

/** The noisy neighbour: a child that sleeps 3-10 s, then spins one core for 1-4 s, until it is killed. */
const NEIGHBOUR = `
const parent = process.ppid
const end = Date.now() + ${MAX_NOISE_S * 1000}
const uniform = (a, b) => a + (b - a) * Math.random()
const sleep = ms => new Promise(r => setTimeout(r, ms))
;(async () => {
  while (Date.now() < end) {
    await sleep(uniform(3000, 10000))
    if (process.ppid !== parent) break
    const until = Date.now() + uniform(1000, 4000)
    let x = 0
    while (Date.now() < until) x = (x * 31 + 7) | 0
  }
  process.exit(0)
})()
`

function startNeighbour() {
  const child = spawn(process.execPath, ['-e', NEIGHBOUR], { stdio: 'ignore' })
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  }
  process.once('exit', stop)
  return { pid: child.pid, stop }
}

const host = hostInfo()
const rows = [
  [
    'design',
    'condition',
    'trials',
    'fail',
    'pass',
    'inconclusive',
    'errored',
    'median rounds/epochs',
    'median time',
    'mean change (rps or tail)'
  ]
]
const neighbour = NOISY ? startNeighbour() : undefined
if (neighbour) process.stderr.write(`noisy neighbour started (pid ${neighbour.pid})\n`)
const onSignal = () => {
  neighbour?.stop()
  process.exit(130)
}
process.once('SIGINT', onSignal)
process.once('SIGTERM', onSignal)
try {
  for (const key of CONDITIONS) {
    const condition = conditions[key]
    for (const design of DESIGNS) {
      const config = await configFor(design, condition.open)
      const chosen = chooseDesign(config, host)
      if (chosen.design !== design) {
        process.stderr.write(`${design}: skipped (${chosen.reason})\n`)
        rows.push([design, condition.label, 0, '-', '-', '-', '-', '-', '-', `skipped: ${chosen.reason}`])
        continue
      }
      const outcomes = { fail: 0, pass: 0, inconclusive: 0, errored: 0 }
      const steps = []
      const seconds = []
      const changes = []
      for (let trial = 0; trial < TRIALS; trial++) {
        const started = Date.now()
        const report = await compareGate(config, {
          baseDir: path.resolve('.'),
          headDir: path.resolve('.'),
          env: { head: condition.env }
        })
        seconds.push((Date.now() - started) / 1000)
        if (DUMP) {
          mkdirSync(DUMP, { recursive: true })
          writeFileSync(path.join(DUMP, `${design}-${key}-${Date.now()}.json`), JSON.stringify(report))
        }
        const scenario = report.scenarios[0]
        const verdict = scenario.verdict === 'warn' ? 'pass' : scenario.verdict
        outcomes[verdict in outcomes ? verdict : 'errored']++
        const main = scenario.checks.find(
          c => c.metric === (condition.open ? 'latency.p99.9' : 'throughput.rps')
        )
        if (main?.rounds) steps.push(main.rounds)
        if (typeof main?.change === 'number') changes.push(main.change)
        process.stderr.write(
          `${design} ${condition.label} trial ${trial + 1}/${TRIALS}: ${scenario.verdict} in ${seconds.at(-1).toFixed(0)} s ` +
            `(${scenario.checks.map(c => `${c.metric} ${c.verdict} ${typeof c.change === 'number' ? (c.change * 100).toFixed(1) + '%' : ''}`).join(', ')})` +
            `${scenario.error ? ` ${scenario.error.message}` : ''}\n`
        )
      }
      const share = n => `${n}/${TRIALS}`
      rows.push([
        design,
        condition.label,
        TRIALS,
        share(outcomes.fail),
        share(outcomes.pass),
        share(outcomes.inconclusive),
        share(outcomes.errored),
        steps.length ? median(steps) : 'n/a',
        `${median(seconds).toFixed(0)} s`,
        changes.length
          ? `${((changes.reduce((a, b) => a + b, 0) / changes.length) * 100).toFixed(1)}%`
          : 'n/a'
      ])
    }
  }
} finally {
  neighbour?.stop()
}
console.log(
  `\nDetection power${NOISY ? ' with a noisy neighbour (one core spun 1-4 s every 3-10 s)' : ''}: ${TRIALS} trials per condition and design, ` +
    `${os.availableParallelism()} cores, CPU_US=${CPU_US}, rounds of ${ROUND_MS} ms (+500 ms warmup) per side, slices of ${SLICE_MS} ms, ` +
    `budget ${BUDGET_S} s; closed checks throughput.rps -5% and latency.p99.9 +50%, open-model checks latency.p99 and p99.9 +50%`
)
console.log(table(rows))
