// npm run bench:shards: the wall time of a SCENARIOS (12) scenario compare suite on 1 leg vs LEGS (4) legs, from
// the gate core (compareGate, the rounds design) over the fake measurer of __tests__/harness/fake-measurer.ts. Each
// side's round sleeps what a real one takes, scaled down: a service start (START_S, 0.6 s) plus warm-up and load per
// scenario (SCENARIO_S, 11 s: the config defaults 1 s + 10 s), at SCALE_MS (5) ms per real second. The gate's clock
// runs in real seconds too, so its budget (BUDGET_S, 3600 s, so that neither side is cut) and decisions see real time.
// The legs run side by side, as matrix jobs do, each deciding its own rounds; their reports are then merged.
// Median of REPEATS (3); printed in real seconds, with the ratio.
import { performance } from 'node:perf_hooks'
import { compileSources, median, syntheticSuite, table } from './lib.mjs'

const SCENARIOS = Number(process.env.SCENARIOS ?? 12)
const LEGS = Number(process.env.LEGS ?? 4)
const START_S = Number(process.env.START_S ?? 0.6)
const SCENARIO_S = Number(process.env.SCENARIO_S ?? 11)
const SCALE_MS = Number(process.env.SCALE_MS ?? 5)
const BUDGET_S = Number(process.env.BUDGET_S ?? 3600)
const REPEATS = Number(process.env.REPEATS ?? 3)

compileSources()
const { compareGate } = await import('../build/src/gate/compare.js')
const { applyShard } = await import('../build/src/shard/split.js')
const { stampIfLeg } = await import('../build/src/shard/identity.js')
const { mergeLegReports } = await import('../build/src/shard/merge-legs.js')
const { syntheticMeasurer } = await import('../build/__tests__/harness/fake-measurer.js')

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms))
const realSeconds = ms => ms / SCALE_MS

const config = syntheticSuite(
  SCENARIOS,
  {
    regression: [
      {
        metric: 'throughput.ok_rps',
        direction: 'fall',
        tolerance: 0.05,
        expression: '-5%',
        severity: 'fail'
      },
      { metric: 'latency.p99', direction: 'rise', tolerance: 0.2, expression: '+20%', severity: 'fail' }
    ],
    minRequests: 100,
    maxErrorRate: 0.05
  },
  {
    version: 1,
    compare: {
      mode: 'interleaved',
      design: 'rounds',
      rounds: { min: 3, max: 15 },
      budgetMs: BUDGET_S * 1000,
      confirm: false,
      confidence: 0.95
    },
    baseline: {
      store: 'none',
      branch: 'perfgate-baselines',
      directory: '.perfgate/baselines',
      remote: 'origin',
      rounds: 3,
      noise: 0.1,
      onRunnerMismatch: 'inconclusive',
      saveOn: ['push']
    },
    onInconclusive: 'warn'
  }
)

/** The fake measurer, with each side's round taking its real time (scaled): a start, then every scenario's load. */
function timedMeasurer(cfg, seed) {
  const inner = syntheticMeasurer(cfg, { seed, cv: 0.03 })
  return {
    calls: inner.calls,
    async round(side, round) {
      await sleep((START_S + cfg.scenarios.length * SCENARIO_S) * SCALE_MS)
      return inner.round(side, round)
    },
    epoch: epoch => inner.epoch(epoch)
  }
}

/** One leg's compare, on the gate core, with the gate's clock in real (unscaled) milliseconds. */
async function leg(cfg, seed) {
  const started = performance.now()
  const now = () => Date.now() + (performance.now() - started) * (1000 / SCALE_MS)
  const measurer = timedMeasurer(cfg, seed)
  const report = await compareGate(cfg, {
    baseDir: '.',
    headDir: '.',
    host: { cpus: [0, 1], taskset: false },
    measurer,
    now
  })
  return { report: stampIfLeg(report, cfg), pairs: measurer.calls.length / 2 }
}

const rows = [['run', 'wall (real s)', 'round pairs per leg', 'verdicts']]
const single = []
const sharded = []
let last
for (let i = 0; i < REPEATS; i++) {
  const seed = 11 + i
  let t = performance.now()
  const whole = await leg(config, seed)
  single.push(realSeconds(performance.now() - t))
  t = performance.now()
  const legs = await Promise.all(
    Array.from({ length: LEGS }, (_, k) => leg(applyShard(config, { index: k + 1, count: LEGS }), seed + k))
  )
  const merged = mergeLegReports(legs.map((l, k) => ({ source: `leg-${k + 1}`, report: l.report })))
  sharded.push(realSeconds(performance.now() - t))
  if (merged.merge.problems.length) throw new Error(`merge: ${merged.merge.problems.join('; ')}`)
  if (merged.scenarios.map(s => s.name).join() !== whole.report.scenarios.map(s => s.name).join())
    throw new Error('the merged legs hold another scenario set than the whole suite')
  last = { whole, legs, merged }
}
const verdicts = r => {
  const counts = {}
  for (const s of r.scenarios) counts[s.verdict] = (counts[s.verdict] ?? 0) + 1
  return Object.entries(counts)
    .map(([v, n]) => `${n} ${v}`)
    .join(', ')
}
rows.push(['1 leg', median(single).toFixed(0), String(last.whole.pairs), verdicts(last.whole.report)])
rows.push([
  `${LEGS} legs + merge`,
  median(sharded).toFixed(0),
  last.legs.map(l => l.pairs).join(', '),
  verdicts(last.merged)
])
console.log(
  `${SCENARIOS}-scenario compare suite, rounds design, ${START_S} s start + ${SCENARIO_S} s per scenario per side's round, median of ${REPEATS}`
)
console.log(table(rows))
console.log(
  `\n${LEGS} legs take ${(median(sharded) / median(single)).toFixed(2)}x the wall time of 1 leg (${(median(single) / median(sharded)).toFixed(2)}x faster)`
)
