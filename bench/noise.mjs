// npm run bench:noise: what the noise of the slices design is made of, measured on real slices, to choose the
// observable, the control variate and the slice plan from figures (docs/statistics.md, "Lower-noise observables").
// Runs EPOCHS epochs of the example service in the slices design (base and head up at once, the load alternating
// in SLICE_MS slices, PAIRS pairs per epoch) for each condition of CONDITIONS (aa, or a throughput drop in %:
// 5, 10) and reports, per observable (throughput, the service's CPU time per request):
//   - the spread of the per-epoch values (the trimmed mean of the slices' log ratios) and the interval's
//     half-width it gives at 10 epochs, so observables compare at equal cost;
//   - the same after a CUPED-style control variate on the paired log ratios, for each covariate measured beside
//     both slices: the other processes' share of the service's CPU, the service's run-queue wait per request,
//     the hypervisor's steal;
//   - the autocorrelation of the slice log ratios within an epoch (lags 1-3), and how the variance splits
//     between epochs and within them.
// NOISY=1 runs the noisy neighbour inside each batch; each batch of BATCH epochs takes the load lock on its own.
// OUT=file keeps every observation as JSON. EPOCHS=20 PAIRS=6 SLICE_MS=500 CPU_US=300 BATCH=4 by default.
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { compileSources, table, withLoadLock } from './lib.mjs'
import { startNeighbour } from './neighbour.mjs'

const EPOCHS = Number(process.env.EPOCHS ?? 20)
const PAIRS = Number(process.env.PAIRS ?? 6)
const SLICE_MS = Number(process.env.SLICE_MS ?? 500)
const CPU_US = process.env.CPU_US ?? '300'
const BATCH = Number(process.env.BATCH ?? 4)
const NOISY = process.env.NOISY === '1'
const CONDITIONS = (process.env.CONDITIONS ?? 'aa,5').split(',')
const OUT = process.env.OUT

compileSources()
const { parseConfig } = await import('../build/src/config/load.js')
const { processMeasurer } = await import('../build/src/measure/processes.js')
const { hostInfo } = await import('../build/src/measure/environment.js')
const { choosePinning } = await import('../build/src/gate/pinning.js')
const { createRng } = await import('../build/src/stats/rng.js')
const { trimmedMean } = await import('../build/src/stats/slices.js')
const { tQuantile } = await import('../build/src/stats/ci.js')

const yaml = `
version: 1
service:
  command: node examples/service/server.mjs
  env: { PORT: "{{service.port}}", CPU_US: "${CPU_US}" }
  ready: { url: "http://127.0.0.1:{{service.port}}/health", timeout: 20s }
scenarios:
  - name: get
    request: { url: "http://127.0.0.1:{{service.port}}/reservations/42" }
    load: { warmup: 500ms, duration: ${PAIRS * SLICE_MS}ms, connections: 10 }
compare: { design: slices, slice: ${SLICE_MS}ms }
`
const config = parseConfig(yaml, path.resolve('bench/noise.yml'), path.resolve('.'))
const pinning = choosePinning(config.service ?? {}, hostInfo())

/** Every slice pair of EPOCHS epochs of one condition. */
async function observe(condition) {
  const drop = condition === 'aa' ? 0 : Number(condition) / 100
  const env = drop ? { SLOWDOWN: String(1 / (1 - drop) - 1) } : {}
  const measurer = processMeasurer(
    config,
    { baseDir: path.resolve('.'), headDir: path.resolve('.'), env: { head: env }, cpus: pinning },
    { duet: false, rng: createRng(Date.now()) }
  )
  const observations = []
  for (let first = 1; first <= EPOCHS; first += BATCH) {
    await withLoadLock(async () => {
      const neighbour = NOISY ? startNeighbour() : undefined
      try {
        for (let epoch = first; epoch < Math.min(first + BATCH, EPOCHS + 1); epoch++) {
          const result = await measurer.epoch(epoch)
          if (result.startError) throw new Error(result.startError.message)
          observations.push(...(result.observations.get('get') ?? []))
        }
      } finally {
        neighbour?.stop()
      }
    })
    process.stderr.write(`${condition}: ${Math.min(first + BATCH - 1, EPOCHS)}/${EPOCHS} epochs\n`)
  }
  return observations
}

const mean = xs => xs.reduce((a, b) => a + b, 0) / xs.length
const sd = xs => {
  const m = mean(xs)
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1))
}
const byEpoch = items => {
  const groups = new Map()
  for (const item of items) groups.set(item.epoch, [...(groups.get(item.epoch) ?? []), item])
  return [...groups.values()]
}
const pct = x => `${(x * 100).toFixed(2)}%`

const OBSERVABLES = {
  'throughput.rps': { key: 'throughput.rps', sign: 1 },
  'server.cpu.per_request': { key: 'server.cpu.per_request', sign: -1 }
}
const COVARIATES = {
  none: () => 0,
  'others on the service CPU': o => o.cpu.head.othersShare - o.cpu.base.othersShare,
  'run-queue wait per request': o =>
    Math.log(o.cpu.head.waitUs / o.head['throughput.rps'] + 1) -
    Math.log(o.cpu.base.waitUs / o.base['throughput.rps'] + 1),
  steal: o => o.cpu.head.stealShare - o.cpu.base.stealShare
}

/** Per slice pair, the log ratio head / base of an observable (the sign makes a regression negative). */
function logRatios(observations, { key, sign }) {
  return observations
    .filter(o => o.base[key] > 0 && o.head[key] > 0 && o.cpu)
    .map(o => ({ epoch: o.epoch, d: sign * Math.log(o.head[key] / o.base[key]), o }))
}

/** CUPED on the paired log ratios: subtract theta x, theta from the within-epoch regression of d on x. */
function adjusted(pairs, covariate) {
  const xs = pairs.map(p => covariate(p.o))
  if (xs.every(x => x === 0)) return pairs
  const centred = byEpoch(pairs.map((p, i) => ({ ...p, x: xs[i] }))).flatMap(group => {
    const md = mean(group.map(p => p.d))
    const mx = mean(group.map(p => p.x))
    return group.map(p => ({ dc: p.d - md, xc: p.x - mx }))
  })
  const theta =
    centred.reduce((a, p) => a + p.dc * p.xc, 0) /
    Math.max(
      1e-12,
      centred.reduce((a, p) => a + p.xc ** 2, 0)
    )
  return pairs.map((p, i) => ({ ...p, d: p.d - theta * xs[i] }))
}

function epochValues(pairs) {
  return byEpoch(pairs).map(group => trimmedMean(group.map(p => p.d)))
}

/** The mean lag-k autocorrelation of the slice log ratios within epochs. */
function autocorrelation(pairs, lag) {
  const values = []
  for (const group of byEpoch(pairs)) {
    const d = group.map(p => p.d)
    if (d.length <= lag + 1) continue
    const m = mean(d)
    const v = d.reduce((a, x) => a + (x - m) ** 2, 0)
    let c = 0
    for (let i = lag; i < d.length; i++) c += (d[i] - m) * (d[i - lag] - m)
    values.push(c / v)
  }
  return mean(values)
}

const kept = {}
const rows = [
  [
    'condition',
    'observable',
    'covariate',
    'mean change',
    'sd of epoch values',
    'variance kept',
    'half-width at 10 epochs',
    'lag-1/2/3 autocorrelation',
    'between-epoch share'
  ]
]
for (const condition of CONDITIONS) {
  const observations = await observe(condition)
  kept[condition] = observations
  for (const [name, observable] of Object.entries(OBSERVABLES)) {
    const pairs = logRatios(observations, observable)
    if (pairs.length < 4) {
      rows.push([condition, name, '-', 'n/a', 'too few slice pairs with CPU accounting', '', '', '', ''])
      continue
    }
    const plain = epochValues(pairs)
    for (const [covariateName, covariate] of Object.entries(COVARIATES)) {
      const values = covariateName === 'none' ? plain : epochValues(adjusted(pairs, covariate))
      const within = mean(byEpoch(pairs).map(g => sd(g.map(p => p.d)) ** 2)) / PAIRS
      const between = sd(plain) ** 2
      rows.push([
        condition,
        name,
        covariateName,
        pct(Math.expm1(mean(values))),
        pct(sd(values)),
        covariateName === 'none' ? '100%' : pct((sd(values) / sd(plain)) ** 2),
        pct((tQuantile(0.975, 9) * sd(values)) / Math.sqrt(10)),
        covariateName === 'none' ? [1, 2, 3].map(k => autocorrelation(pairs, k).toFixed(2)).join(' / ') : '',
        covariateName === 'none' ? pct(Math.max(0, 1 - within / between)) : ''
      ])
    }
  }
}
if (OUT) writeFileSync(OUT, JSON.stringify(kept))
console.log(
  `\nNoise of the slices design${NOISY ? ' with the noisy neighbour' : ''}: ${EPOCHS} epochs of ${PAIRS} pairs of ${SLICE_MS} ms ` +
    `per condition, CPU_US=${CPU_US}, service on CPUs ${pinning.service.join(',') || 'shared'}`
)
console.log(table(rows))
