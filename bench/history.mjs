// npm run bench:history: change-point detection on synthetic stored runs with this machine kind's noise
// (precision and recall of 5 % and 10 % steps, false change points in pure noise), and the speed and size of
// `perfgate history` on 1,000 runs x 20 scenarios x 6 metrics and on 10,000 runs. Pure computation: no load.
import { writeFile } from 'node:fs/promises'
import { performance } from 'node:perf_hooks'
import { compileSources, table } from './lib.mjs'

compileSources()
const { changePoints } = await import('../build/src/stats/change-points.js')
const { createRng } = await import('../build/src/stats/rng.js')
const { buildSeries } = await import('../build/src/history/series.js')
const { analyseSeries, historyReport } = await import('../build/src/history/analyse.js')
const { renderHistoryPage } = await import('../build/src/report/history-page.js')

/**
 * A stored run is the mean of baseline.rounds = 3 rounds of 5 s. Each round: lognormal noise with the CV measured
 * per 5-s run on this machine kind (docs/measurements.md §0: 8.8 % req/s, 11.1 % p99; slow phases included).
 * The bursty-neighbour variant slows each round by the share of it a neighbour's bursts cover (bursts of 1-4 s every
 * 3-10 s at 0.6 of the speed: NOISY_NEIGHBOUR of __tests__/harness/simulate.ts), on top.
 */
const ROUNDS = 3
const ROUND_S = 5
const normal = rng => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng())
function burstShare(rng) {
  // one round's share of time inside a burst, from a fresh renewal process (runs are minutes apart)
  let t = -rng() * 10
  let covered = 0
  while (t < ROUND_S) {
    t += 3 + 7 * rng()
    const length = 1 + 3 * rng()
    covered += Math.max(0, Math.min(ROUND_S, t + length) - Math.max(0, t))
    t += length
  }
  return covered / ROUND_S
}
function storedRun(rng, level, cv, bursty, higherIsBetter) {
  const sigma = Math.sqrt(Math.log1p(cv * cv))
  let sum = 0
  for (let r = 0; r < ROUNDS; r++) {
    const speed = bursty ? 1 - burstShare(rng) * 0.4 : 1
    const value = level * Math.exp(sigma * normal(rng) - sigma ** 2 / 2)
    sum += higherIsBetter ? value * speed : value / speed
  }
  return sum / ROUNDS
}

const GAP = 40
const TRUTH = [1, 2, 3, 4].map(k => k * GAP)
/** a step found within ±5 runs counts (and, in the second figure, within ±10: located less exactly) */
const TOLERANCES = [5, 10]
function detection(metric, cv, higher, bursty, step, trials = 100) {
  const tp = TOLERANCES.map(() => 0)
  const fp = TOLERANCES.map(() => 0)
  let exact = 0
  for (let seed = 1; seed <= trials; seed++) {
    const rng = createRng(seed * 7919 + Math.round(step * 1000) + (bursty ? 5 : 0))
    let level = 1000
    const values = []
    for (let i = 0; i < GAP * 5; i++) {
      const k = TRUTH.indexOf(i)
      if (k >= 0) level *= k % 2 ? 1 / (1 + step) : 1 + step
      values.push(storedRun(rng, level, cv, bursty, higher))
    }
    const found = changePoints(values)
    TOLERANCES.forEach((tolerance, k) => {
      const matched = new Set()
      for (const c of found) {
        const t = TRUTH.find(t => Math.abs(t - c.index) <= tolerance && !matched.has(t))
        if (t === undefined) fp[k]++
        else {
          matched.add(t)
          tp[k]++
          if (k === 0 && t === c.index) exact++
        }
      }
    })
  }
  const total = trials * TRUTH.length
  return {
    recall: tp.map(t => t / total),
    precision: tp.map((t, k) => (t + fp[k] ? t / (t + fp[k]) : 1)),
    exact: tp[0] ? exact / tp[0] : 0
  }
}

/**
 * The best any method can place one known step of `step` in 80 runs of this noise (40 a side): the share of
 * least-squares placements within ±5 runs (a bound on the recall at ±5, before any test of significance).
 */
function placementBound(cv, higher, bursty, step, trials = 2000) {
  const rng = createRng(31 + (bursty ? 1 : 0))
  let within = 0
  for (let t = 0; t < trials; t++) {
    const x = Array.from({ length: 2 * GAP }, (_, i) =>
      Math.log(storedRun(rng, i < GAP ? 1000 : 1000 * (1 + step), cv, bursty, higher))
    )
    const total = x.reduce((a, b) => a + b, 0)
    let left = 0
    let best = -1
    let at = 0
    for (let k = 1; k < x.length; k++) {
      left += x[k - 1]
      const score = ((k * (x.length - k)) / x.length) * ((total - left) / (x.length - k) - left / k) ** 2
      if (score > best) [best, at] = [score, k]
    }
    if (Math.abs(at - GAP) <= 5) within++
  }
  return within / trials
}

const NOISE_SERIES = 400
function noiseOnly(cv, higher, bursty, trials = NOISE_SERIES) {
  const counts = []
  for (let seed = 1; seed <= trials; seed++) {
    const rng = createRng(seed * 104729 + (bursty ? 3 : 0))
    const values = Array.from({ length: 500 }, () => storedRun(rng, 1000, cv, bursty, higher))
    counts.push(changePoints(values).length)
  }
  return {
    mean: counts.reduce((a, b) => a + b, 0) / trials,
    over1: counts.filter(c => c > 1).length / trials,
    max: Math.max(...counts)
  }
}

const rows = [
  [
    'metric (CV per round)',
    'noise',
    'step',
    'recall ±5 / ±10',
    'precision ±5 / ±10',
    'on the run',
    'placement bound ±5',
    `${NOISE_SERIES} x 500 noise runs: false CPs mean / share >1 / max`
  ]
]
const cells = [
  ['latency.p99', 0.111, false],
  ['throughput.ok_rps', 0.088, true]
]
const figures = {}
for (const [metric, cv, higher] of cells) {
  for (const bursty of [false, true]) {
    const noise = noiseOnly(cv, higher, bursty)
    for (const step of [0.05, 0.1]) {
      const d = detection(metric, cv, higher, bursty, step)
      figures[`${metric}/${bursty ? 'bursty' : 'quiet'}/${step}`] = d
      rows.push([
        `${metric} (${(cv * 100).toFixed(1)} %)`,
        bursty ? 'bursty neighbour' : 'quiet',
        `${higher ? '-' : '+'}${step * 100} % / back`,
        d.recall.map(r => r.toFixed(2)).join(' / '),
        d.precision.map(r => r.toFixed(2)).join(' / '),
        d.exact.toFixed(2),
        placementBound(cv, higher, bursty, higher ? 1 / (1 + step) - 1 : step).toFixed(2),
        step === 0.05 ? `${noise.mean.toFixed(3)} / ${(noise.over1 * 100).toFixed(1)} % / ${noise.max}` : ''
      ])
    }
  }
}
console.log(`Detection: 100 series of 200 stored runs per row, steps at runs 40, 80, 120, 160 (worse, back, worse,
back), a step found within ±5 (±10) runs counts; "on the run": found exactly at the step's run (of those within ±5);
"placement bound": the share of least-squares placements of one known step within ±5 runs (no method does much
better). Noise: ${NOISE_SERIES} series of 500 stored runs without a step.\n`)
console.log(table(rows))

// speed and size: 1,000 runs x 20 scenarios x 6 metrics, then 10,000 runs x 3 scenarios
const runner = {
  cpuModel: 'AMD EPYC 7B13',
  cores: 2,
  memoryBytes: 8e9,
  os: 'linux 6.1 x64',
  node: 'v20.20.0'
}
function store(runs, scenarios) {
  const rng = createRng(42)
  const line = []
  const records = []
  for (let i = 0; i < runs; i++) {
    const sha = (i + 1).toString(16).padStart(40, 'a')
    line.push({
      sha,
      subject: `commit ${i + 1}: change something in the handler`,
      date: new Date(Date.UTC(2026, 0, 1) + i * 3600e3).toISOString()
    })
    const slower = i >= runs * 0.6 ? 1.12 : 1
    records.push({
      path: `v1/runs/${sha}/${i}-1-cafe01.json`,
      record: {
        schemaVersion: 2,
        tool: { name: 'perfgate', version: '0.1.0' },
        createdAt: line[i].date,
        git: { sha, runId: String(1000 + i), runAttempt: 1 },
        config: { hash: 'cafe0123456789ab', file: 'perfgate.yml' },
        runner,
        verdict: 'pass',
        scenarios: Array.from({ length: scenarios }, (_, s) => ({
          name: `scenario-${String(s + 1).padStart(2, '0')}`,
          metrics: {
            'throughput.ok_rps': storedRun(rng, 4000, 0.088, true) / slower,
            'latency.p50': storedRun(rng, 2000, 0.107, false) * slower,
            'latency.p99': storedRun(rng, 9000, 0.111, false) * slower,
            'errors.rate': 0,
            'server.cpu.mean': storedRun(rng, 95, 0.05, false),
            'server.rss.peak': storedRun(rng, 8e7, 0.014, false)
          },
          rounds: [{ round: 1, metrics: {} }]
        }))
      }
    })
  }
  return { line, records }
}
function timed(runs, scenarios) {
  const { line, records } = store(runs, scenarios)
  const t0 = performance.now()
  const built = buildSeries(records, { line })
  const series = analyseSeries(built.series)
  const report = historyReport({
    store: 'bench',
    order: 'bench',
    series,
    comparisons: [],
    skipped: { count: 0, reasons: [] }
  })
  const t1 = performance.now()
  const page = renderHistoryPage(report)
  const t2 = performance.now()
  const found = report.changes.filter(c => c.index >= runs * 0.6 - 5 && c.index <= runs * 0.6 + 5).length
  return {
    analyse: t1 - t0,
    draw: t2 - t1,
    bytes: Buffer.byteLength(page),
    page,
    changes: report.changes.length,
    found,
    charts: series.reduce((n, s) => n + s.metrics.length, 0)
  }
}
const speed = [
  ['store', 'charts', 'analysed', 'drawn (HTML)', 'total', 'page', 'change points (at the 12 % step)']
]
for (const [runs, scenarios] of [
  [1000, 20],
  [10000, 3]
]) {
  const r = timed(runs, scenarios)
  if (runs === 1000) await writeFile('build/history-bench.html', r.page)
  speed.push([
    `${runs.toLocaleString('en-US')} runs x ${scenarios} scenarios x 6 metrics`,
    r.charts,
    `${Math.round(r.analyse)} ms`,
    `${Math.round(r.draw)} ms`,
    `${Math.round(r.analyse + r.draw)} ms`,
    `${(r.bytes / 1e6).toFixed(2)} MB`,
    `${r.changes} (${r.found})`
  ])
}
console.log('\nSpeed and size (the 1,000-run page is written to build/history-bench.html):\n')
console.log(table(speed))
