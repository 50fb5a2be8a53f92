// npm run bench:power: detection power and false alarms of the base-vs-head gate, measured for real.
// Each trial runs a full interleaved comparison (fresh service process per round, ABBA order) of the example
// service against itself with a knob injecting a regression into the head, and records the gate's verdict.
// TRIALS=3 ROUND_MS=2000 BUDGET_S=180 by default; CONDITIONS=aa,5,10,20,50,tail picks conditions.
import path from 'node:path'
import { compileSources, median, table } from './lib.mjs'

const TRIALS = Number(process.env.TRIALS ?? 3)
const ROUND_MS = Number(process.env.ROUND_MS ?? 2000)
const BUDGET_S = Number(process.env.BUDGET_S ?? 180)
const CONDITIONS = (process.env.CONDITIONS ?? 'aa,5,10,20,50,tail').split(',')

compileSources()
const { parseConfig } = await import('../build/src/config/load.js')
const { compareGate } = await import('../build/src/engine/compare.js')

// A throughput drop of x needs (1/(1-x) - 1) more CPU per request when CPU dominates the handler.
const slowdownFor = drop => String(1 / (1 - drop) - 1)
const conditions = {
  aa: { label: 'A/A (no change)', env: {}, expect: 'pass' },
  5: { label: 'throughput -5%', env: { SLOWDOWN: slowdownFor(0.05) }, expect: 'fail' },
  10: { label: 'throughput -10%', env: { SLOWDOWN: slowdownFor(0.1) }, expect: 'fail' },
  20: { label: 'throughput -20%', env: { SLOWDOWN: slowdownFor(0.2) }, expect: 'fail' },
  50: { label: 'throughput -50%', env: { SLOWDOWN: slowdownFor(0.5) }, expect: 'fail' },
  tail: { label: 'tail: 1% of requests +20 ms', env: { TAIL_SHARE: '0.01', TAIL_MS: '20' }, expect: 'fail' }
}

const yaml = `
version: 1
service:
  command: node examples/service/server.mjs
  env: { PORT: "18099", CPU_US: "200" }
  ready: { url: http://127.0.0.1:18099/health, timeout: 20s }
scenarios:
  - name: get
    request: { url: http://127.0.0.1:18099/reservations/42 }
    load: { warmup: 500ms, duration: ${ROUND_MS}ms, connections: 10 }
    regression:
      throughput.rps: "-5%"
      latency.p99.9: "+50%"
compare: { rounds: { min: 3, max: 30 }, budget: ${BUDGET_S}s }
`
const config = parseConfig(yaml, path.resolve('bench/power.yml'), path.resolve('.'))

const rows = [
  [
    'condition',
    'trials',
    'fail',
    'pass',
    'inconclusive',
    'errored',
    'median rounds',
    'median load time',
    'mean measured rps change'
  ]
]
for (const key of CONDITIONS) {
  const condition = conditions[key]
  const outcomes = { fail: 0, pass: 0, inconclusive: 0, errored: 0 }
  const rounds = []
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
    const scenario = report.scenarios[0]
    const verdict = scenario.verdict === 'warn' ? 'pass' : scenario.verdict
    outcomes[verdict in outcomes ? verdict : 'errored']++
    const rps = scenario.checks.find(c => c.metric === 'throughput.rps')
    if (rps?.rounds) rounds.push(rps.rounds)
    if (typeof rps?.change === 'number') changes.push(rps.change)
    process.stderr.write(
      `${condition.label} trial ${trial + 1}/${TRIALS}: ${scenario.verdict} (${scenario.checks.map(c => `${c.metric} ${c.verdict}`).join(', ')})\n`
    )
  }
  const share = n => `${n}/${TRIALS} (${((n / TRIALS) * 100).toFixed(0)}%)`
  rows.push([
    condition.label,
    TRIALS,
    share(outcomes.fail),
    share(outcomes.pass),
    share(outcomes.inconclusive),
    share(outcomes.errored),
    rounds.length ? median(rounds) : 'n/a',
    `${median(seconds).toFixed(0)} s`,
    changes.length ? `${((changes.reduce((a, b) => a + b, 0) / changes.length) * 100).toFixed(1)}%` : 'n/a'
  ])
}
console.log(
  `\nDetection power: ${TRIALS} trials per condition, rounds of ${ROUND_MS} ms (+500 ms warmup), budget ${BUDGET_S} s, checks throughput.rps -5% and latency.p99.9 +50%`
)
console.log(table(rows))
