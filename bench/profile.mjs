// npm run bench:profile: how well the CPU profile diff (src/profile/) names what got slower, measured for real.
// Every trial runs perfgate's own profiling step (measure/profiling.ts, as a compare runs it after its verdict: both
// sides up at once on {{service.port}}, the scenario's load alternating between them in slices) on
// bench/profile-service.cjs, whose head adds one named function (addedWork) of known CPU per request on top of a
// ~300 µs handler, then diffs the profiles as the gate does. Conditions:
//   added     addedWork in the service's own file                       (first row, change within 25% of truth)
//   package   addedWork inside a node_modules package (slow-lib)        (first row, named with its package)
//   cluster   the service is a 2-worker cluster                         (first row, change within 25% of truth)
//   aa        base against itself                                       (no function flagged)
//   express   base Fastify, head Express (the zoo's apps)               (Express's routing functions among the rows)
// The truth is addedWork's CPU per call measured in a separate process in the same run. Also measured: the
// profiler's own throughput overhead (sampling at 1 ms and at 100 µs, and the preload's inlining switch), and the
// self time per function computed independently from the raw .cpuprofile the way Chrome DevTools does (samples'
// time deltas by node) against perfgate's reading.
// TRIALS=10 DURATION_S=20 (the default profile.duration) ADDED_US=100 BASE_US=300 CONDITIONS=added,package,cluster,aa,express OVERHEAD=1
// UNTIL=hh:mm (UTC) starts no trial after that time. Trials run trial 1 of every condition, then trial 2 ...
// Each trial takes the shared load lock (LOCK, default /tmp/perfgate-load.lock) for itself, not the whole run.
// KEEP=dir copies each trial's two .cpuprofile files there (<condition>-<trial>-base.cpuprofile, ...).
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { compileSources, median, table, untilFromEnv, withLoadLock } from './lib.mjs'

const TRIALS = Number(process.env.TRIALS ?? 10)
const DURATION_S = Number(process.env.DURATION_S ?? 20)
const ADDED_US = Number(process.env.ADDED_US ?? 100)
const BASE_US = Number(process.env.BASE_US ?? 300)
const CONDITIONS = (process.env.CONDITIONS ?? 'added,package,cluster,aa,express').split(',')
const OVERHEAD = process.env.OVERHEAD !== '0'
const UNTIL = untilFromEnv()

compileSources()
const { parseConfig } = await import('../build/src/config/load.js')
const { profileSides, PERF_NODE_FLAGS } = await import('../build/src/measure/profiling.js')
const { FrameTable, SampleSet, readCpuProfile } = await import('../build/src/profile/cpuprofile.js')
const { assembleProfileReport } = await import('../build/src/profile/assemble.js')
const { NodeCapture } = await import('../build/src/profile/node.js')
const { PerfCapture, perfUnavailable, PERF_FREQUENCY } = await import('../build/src/profile/perf.js')
const { groupMembers, startService, stopAllServices } = await import('../build/src/service/spawn.js')
const { startSession } = await import('../build/src/load/session.js')
const { createRng } = await import('../build/src/stats/rng.js')
const { noteMessage } = await import('../build/src/report/notes.js')

const ROOT = path.resolve('.')
const tmp = mkdtempSync(path.join(os.tmpdir(), 'perfgate-bench-profile-'))

// a package under node_modules (slow-lib)
const pkg = path.join(tmp, 'node_modules', 'slow-lib')
mkdirSync(pkg, { recursive: true })
// the package holds the service's addedWork, as written there
const source = readFileSync('bench/profile-service.cjs', 'utf8')
const added = /function addedWork[\s\S]*?\n}\n/.exec(source)[0]
writeFileSync(
  path.join(pkg, 'index.js'),
  `'use strict'\nlet sink = 0\n${added}module.exports = { addedWork }\n`
)

/** addedWork's CPU per call at ADDED_US, measured in a separate process (the truth the diff is held to). */
function truthUs() {
  const script = `
    process.env.PORT = '0'; process.env.WORKERS = '0'
    const { addedWork } = require(${JSON.stringify(path.resolve('bench/profile-service.cjs'))})
    const n = Math.round(${ADDED_US} * Number(process.env.ITERATIONS_PER_US || 600))
    for (let i = 0; i < 2000; i++) addedWork(n)
    const before = process.cpuUsage(); const calls = 4000
    for (let i = 0; i < calls; i++) addedWork(n)
    const used = process.cpuUsage(before)
    console.log((used.user + used.system) / calls)
    process.exit(0)`
  return Number(execFileSync(process.execPath, ['--no-turbo-inlining', '-e', script], { encoding: 'utf8' }))
}

function config(command) {
  return parseConfig(
    `
version: 1
service:
  command: ${command}
  env: { PORT: "{{service.port}}", BASE_US: "${BASE_US}" }
  ready: { tcp: "127.0.0.1:{{service.port}}", timeout: 20s }
scenarios:
  - name: get
    request: { url: "http://127.0.0.1:{{service.port}}/" }
    load: { connections: 8, warmup: 2s }
compare: { slice: 500ms }
`,
    path.resolve('bench/profile.yml'),
    ROOT
  )
}

const CONDITION = {
  added: {
    label: 'added function',
    command: 'node bench/profile-service.cjs',
    head: { ADDED_US: String(ADDED_US) }
  },
  package: {
    label: 'in node_modules',
    command: 'node bench/profile-service.cjs',
    head: { ADDED_US: String(ADDED_US), ADDED_FROM: pkg }
  },
  cluster: {
    label: '2-worker cluster',
    command: 'node bench/profile-service.cjs',
    both: { WORKERS: '2' },
    head: { ADDED_US: String(ADDED_US) }
  },
  aa: { label: 'A/A', command: 'node bench/profile-service.cjs', head: {} },
  express: {
    label: 'Fastify -> Express',
    command: 'node __tests__/zoo/servers/$APP.mjs',
    base: { APP: 'fastify' },
    head: { APP: 'express' }
  }
}

/** One profiling step of base and head, diffed as the gate diffs them. */
async function trial(condition, seed) {
  const c = config(condition.command)
  const capture = await profileSides(
    {
      scenario: 'get',
      sides: ['base', 'head'],
      durationMs: DURATION_S * 1000,
      intervalUs: 1000,
      together: true,
      maxBytes: 50e6
    },
    {
      config: c,
      options: {
        env: {
          base: { ...condition.both, ...condition.base },
          head: { ...condition.both, ...condition.head }
        }
      },
      events: () => undefined,
      rng: createRng(seed)
    }
  )
  if (!capture.sides.base || !capture.sides.head)
    throw new Error(`not profiled: ${capture.notes.map(noteMessage).join('; ')}`)
  const table = new FrameTable()
  const side = s => {
    const samples = new SampleSet(table, ROOT)
    capture.sides[s].profiles.forEach((p, i) =>
      samples.add(
        p,
        process.env.WALL === '1' ? undefined : capture.sides[s].threadCpuUs?.[i],
        process.env.BY === 'time' ? 'time' : 'count'
      )
    )
    return { samples, requests: capture.sides[s].requests }
  }
  const report = assembleProfileReport({
    scenario: 'get',
    intervalUs: 1000,
    durationMs: DURATION_S * 1000,
    table,
    base: side('base'),
    head: side('head'),
    confidence: 0.99
  })
  return { report, files: { base: capture.sides.base.file, head: capture.sides.head.file } }
}

/** DevTools' self time by function name from the raw file (samples x their time deltas), for the check below. */
function devtoolsSelf(file, name) {
  const p = JSON.parse(readFileSync(file, 'utf8'))
  const names = new Map(p.nodes.map(n => [n.id, n.callFrame.functionName]))
  let t = p.startTime
  const times = p.timeDeltas.map(d => (t += d))
  let self = 0
  p.samples.forEach((id, i) => {
    if (names.get(id) === name) self += (i + 1 < times.length ? times[i + 1] : p.endTime) - times[i]
  })
  return self
}

const truth = await withLoadLock(truthUs)
process.stderr.write(
  `addedWork at ADDED_US=${ADDED_US}: ${truth.toFixed(1)} µs of CPU per call (the truth)\n`
)
const rows = [
  [
    'condition',
    'trials',
    'first row right',
    'change within 25%',
    'flagged (A/A)',
    'median change',
    'truth',
    'median first row'
  ]
]
const devtoolsChecks = []
// trial 1 of every condition, then trial 2 ...: a run cut short (UNTIL) still has trials in every row
const tallies = CONDITIONS.map(key => ({
  key,
  condition: CONDITION[key],
  trials: key === 'express' ? Math.min(TRIALS, 3) : TRIALS,
  done: 0,
  firstRight: 0,
  within: 0,
  flagged: 0,
  changes: [],
  firsts: []
}))
const overTime = () => Date.now() > UNTIL
try {
  for (let i = 0; i < TRIALS && !overTime(); i++) {
    for (const tally of tallies) {
      if (i >= tally.trials || overTime()) continue
      const { key, condition } = tally
      const { report, files } = await withLoadLock(() => trial(condition, i + 1))
      tally.done++
      if (process.env.KEEP) {
        mkdirSync(process.env.KEEP, { recursive: true })
        for (const side of ['base', 'head'])
          copyFileSync(files[side], path.join(process.env.KEEP, `${key}-${i + 1}-${side}.cpuprofile`))
      }
      const first = report.increased[0]
      const name = first
        ? `${first.frame.name}${first.frame.package ? ` (${first.frame.package})` : ''}`
        : '-'
      tally.firsts.push(name)
      if (report.increased.length) tally.flagged++
      if (key === 'express') {
        const expressRows = report.increased.filter(
          c => c.frame.package === 'express' || c.frame.package === 'router'
        )
        if (expressRows.length) tally.firstRight++
        process.stderr.write(
          `  express trial ${i + 1}: ${report.increased
            .slice(0, 6)
            .map(c => `${c.frame.name} (${c.frame.package ?? c.frame.url})`)
            .join(', ')}\n`
        )
      } else if (key !== 'aa') {
        const wantPackage = key === 'package' ? 'slow-lib' : undefined
        const right = first?.frame.name === 'addedWork' && first.frame.package === wantPackage
        if (right) tally.firstRight++
        const added = report.increased.find(c => c.frame.name === 'addedWork')
        if (added) {
          tally.changes.push(added.changeUs)
          if (Math.abs(added.changeUs - truth) <= 0.25 * truth) tally.within++
        }
        // perfgate's reading of the file against DevTools' arithmetic on the raw file
        if (key === 'added') {
          const set = new SampleSet(new FrameTable())
          set.add(readCpuProfile(files.head))
          let ours = 0
          set.sampleNode.forEach((node, s) => {
            if (set.table.frames[set.nodeFrame[node]].name === 'addedWork') ours += set.sampleDuration[s]
          })
          devtoolsChecks.push([ours, devtoolsSelf(files.head, 'addedWork')])
        }
      }
      process.stderr.write(
        `${condition.label} ${i + 1}/${tally.trials}: first row ${name}; ${report.increased.length} flagged (${report.increased
          .slice(0, 3)
          .map(c => `${c.frame.name} ${c.base.selfUs.toFixed(0)}->${c.head.selfUs.toFixed(0)}`)
          .join(
            ', '
          )}); CPU/request ${report.base.cpuPerRequestUs.toFixed(0)} -> ${report.head.cpuPerRequestUs.toFixed(0)} µs\n`
      )
    }
  }
  for (const { key, condition, done, firstRight, within, flagged, changes, firsts } of tallies)
    rows.push([
      condition.label,
      done,
      key === 'aa' ? '-' : `${firstRight}/${done}`,
      key === 'aa' || key === 'express' ? '-' : `${within}/${done}`,
      key === 'aa' ? `${flagged}/${done}` : '-',
      changes.length ? `${median(changes).toFixed(1)} µs` : '-',
      key === 'aa' || key === 'express' ? '-' : `${truth.toFixed(1)} µs`,
      [...new Set(firsts)].slice(0, 2).join(', ')
    ])
} finally {
  await stopAllServices()
}
console.log(table(rows))
for (const [ours, theirs] of devtoolsChecks)
  console.log(
    `DevTools check: addedWork's self time in the head's .cpuprofile, read by perfgate ${(ours / 1000).toFixed(3)} ms, computed from the raw file as DevTools counts it ${(theirs / 1000).toFixed(3)} ms (ratio ${(ours / theirs).toFixed(4)})`
  )

/** Throughput (responses/s) of one service in alternating 2 s windows: profiler off, on, off, on ... */
async function overhead() {
  const c = config('node bench/profile-service.cjs')
  const scenario = { ...c.scenarios[0] }
  /**
   * One service's throughput in alternating 2 s windows: off, then on, four times; `profiler(service, i)` starts a
   * profiler before each "on" window and returns what stops it after.
   */
  const alternate = async (env, startOptions, profiler) => {
    const port = 20000 + Math.floor(Math.random() * 20000)
    const service = await startService(
      {
        command: 'node bench/profile-service.cjs',
        cwd: ROOT,
        env: { PORT: String(port), BASE_US: String(BASE_US), ...env },
        ready: { kind: 'tcp', host: '127.0.0.1', port, timeoutMs: 10_000, intervalMs: 50 },
        shutdownTimeoutMs: 2000
      },
      startOptions
    )
    const session = startSession({
      ...scenario,
      request: { ...scenario.request, url: `http://127.0.0.1:${port}/` }
    })
    await session.warm(2000)
    const off = []
    const on = []
    for (let i = 0; i < 4; i++) {
      off.push((await session.slice(2000)).counts.responses)
      const stop = await profiler?.(service, i)
      on.push((await session.slice(2000)).counts.responses)
      await stop?.()
    }
    await session.close()
    await service.stop()
    return { off: median(off), on: median(on) }
  }
  const measure = async (preload, intervalUs) => {
    const capture = preload ? await NodeCapture.open('overhead') : undefined
    const result = await alternate(
      {},
      { env: capture ? capture.env(undefined) : {} },
      intervalUs
        ? async () => {
            await capture.start(intervalUs)
            return () => capture.stop()
          }
        : undefined
    )
    await capture?.close()
    capture?.remove()
    return result
  }
  // perf record on the service's processes, started with the V8 flags that name JIT frames for perf
  const measurePerf = async () => {
    const samples = []
    const result = await alternate({ NODE_OPTIONS: PERF_NODE_FLAGS }, {}, async (service, i) => {
      const perf = PerfCapture.open(`overhead-${i}`)
      const started = await perf.start(groupMembers(service.pid))
      return async () => {
        if (started) samples.push((await perf.stop()).profiles.reduce((n, p) => n + p.samples.length, 0))
        perf.close()
        perf.remove()
      }
    })
    return { ...result, samples: median(samples) }
  }
  const plain = await measure(false)
  const ms = await measure(true, 1000)
  const us100 = await measure(true, 100)
  const perfWhy = await perfUnavailable()
  const perf = perfWhy ? undefined : await measurePerf()
  const out = [
    ['setting', 'throughput ratio'],
    ['preload only (inlining off, no sampling) vs no preload', (ms.off / plain.off).toFixed(3)],
    ['sampling every 1 ms vs preload only, same process', (ms.on / ms.off).toFixed(3)],
    ['sampling every 100 µs vs preload only, same process', (us100.on / us100.off).toFixed(3)],
    perf
      ? [
          'perf flags only (--perf-basic-prof-only-functions ...) vs no preload',
          (perf.off / plain.off).toFixed(3)
        ]
      : ['perf', `not measured: ${perfWhy}`],
    ...(perf
      ? [
          [
            `perf record -F ${PERF_FREQUENCY} -e cpu-clock -g vs perf flags only, same process (${perf.samples} samples per 2 s)`,
            (perf.on / perf.off).toFixed(3)
          ]
        ]
      : [])
  ]
  console.log(table(out))
}
if (OVERHEAD) {
  try {
    await withLoadLock(overhead)
  } finally {
    await stopAllServices()
  }
}
writeFileSync(path.join(tmp, 'done'), '')
