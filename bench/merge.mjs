// npm run bench:merge: what joining a sharded suite costs. LEGS (10) legs' report folders, each holding
// SCENARIOS_PER_LEG (2) compared scenarios of ROUNDS (5) rounds per side, every run with its HDR histogram of
// VALUES (20,000) latencies and a per-second timeline, as `perfgate run|compare --shard K/N` writes them; then
// `perfgate merge` over them (read, schema-check, merge, write report.json, report.html, summary.md, junit.xml and
// metrics.prom). Median of REPEATS (5) merges, and the size of each file written.
import { mkdtemp, mkdir, rm, stat, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { compileSources, median, syntheticSuite, table } from './lib.mjs'

const LEGS = Number(process.env.LEGS ?? 10)
const PER_LEG = Number(process.env.SCENARIOS_PER_LEG ?? 2)
const ROUNDS = Number(process.env.ROUNDS ?? 5)
const VALUES = Number(process.env.VALUES ?? 20_000)
const REPEATS = Number(process.env.REPEATS ?? 5)

compileSources()
const { main } = await import('../build/src/cli/main.js')
const { createLatencyHistogram, encodeHistogram, summarize } = await import('../build/src/load/histogram.js')
const { stampLeg } = await import('../build/src/shard/identity.js')
const { shardScenarios } = await import('../build/src/shard/split.js')

const dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-bench-merge-'))
let seed = 7
const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31

function runRecord(side, round) {
  const h = createLatencyHistogram()
  for (let i = 0; i < VALUES; i++) h.recordValue(Math.floor(800 + -Math.log(1 - random()) * 1500))
  const s = summarize(h)
  const metrics = Object.fromEntries(Object.entries(s).map(([k, v]) => [`latency.${k}`, v]))
  Object.assign(metrics, {
    'requests.total': VALUES,
    'throughput.rps': VALUES / 10,
    'throughput.ok_rps': VALUES / 10
  })
  const timeline = Array.from({ length: 10 }, (_, t) => ({
    t: t + 1,
    rps: VALUES / 10,
    errors: 0,
    p50: s.p50,
    p99: s.p99
  }))
  return { side, round, metrics, histogram: encodeHistogram(h), timeline }
}

const config = syntheticSuite(LEGS * PER_LEG)
const legDirs = []
for (let k = 1; k <= LEGS; k++) {
  const scenarios = shardScenarios(config, { index: k, count: LEGS }).map(name => {
    const runs = []
    for (let r = 1; r <= ROUNDS; r++) runs.push(runRecord('base', r), runRecord('head', r))
    const head = runs.find(r => r.side === 'head').metrics
    return {
      name,
      verdict: 'pass',
      load: config.scenarios[0].load,
      metrics: head,
      baseMetrics: runs.find(r => r.side === 'base').metrics,
      checks: [],
      runs,
      notes: []
    }
  })
  const report = stampLeg(
    {
      schemaVersion: 1,
      tool: { name: 'perfgate', version: '0' },
      createdAt: new Date().toISOString(),
      mode: 'compare',
      verdict: 'pass',
      headline: 'perfgate passed',
      config: { file: 'perfgate.yml', hash: 'x' },
      runner: { cpuModel: 'bench', cores: 2, memoryBytes: 1, os: 'linux', node: process.version },
      git: { sha: 'a'.repeat(40) },
      durationMs: 60_000,
      scenarios,
      notes: []
    },
    config,
    { index: k, count: LEGS }
  )
  const legDir = path.join(dir, 'legs', `perfgate-leg-${k}`)
  await mkdir(legDir, { recursive: true })
  await writeFile(path.join(legDir, 'report.json'), JSON.stringify(report, null, 2))
  legDirs.push(legDir)
}

const sink = { write: () => true }
const io = { stdout: sink, stderr: sink, cwd: dir, color: false }
const times = []
for (let i = 0; i < REPEATS; i++) {
  const start = performance.now()
  const code = await main(['merge', path.join(dir, 'legs'), '--out', path.join(dir, 'merged'), '-q'], io)
  times.push(performance.now() - start)
  if (code !== 0) throw new Error(`perfgate merge exited ${code}`)
}
const size = async file => (await stat(path.join(dir, file))).size
const legBytes = await size('legs/perfgate-leg-1/report.json')
const rows = [
  ['what', 'value'],
  ['legs × scenarios', `${LEGS} × ${PER_LEG}`],
  ['one leg report.json', `${(legBytes / 1024).toFixed(0)} KB`],
  ['merge, median', `${median(times).toFixed(0)} ms`]
]
for (const file of ['report.json', 'report.html', 'summary.md', 'junit.xml', 'metrics.prom'])
  rows.push([`merged ${file}`, `${((await size(`merged/${file}`)) / 1024).toFixed(0)} KB`])
console.log(table(rows))
await rm(dir, { recursive: true, force: true })
