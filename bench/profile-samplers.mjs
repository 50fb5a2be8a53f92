// node bench/profile-samplers.mjs: one service process (bench/profile-service.cjs with ADDED_US=100) profiled at
// once by V8's sampler (perfgate's preload: wall-clock ticks, scaled to the JavaScript thread's CPU) and by
// perf record -e cpu-clock (ticks by the CPU time each thread ran), under bench:profile's load (8 connections):
// where each puts the CPU per request of baseWork, addedWork and the write path (writev). Needs perf; takes the
// shared load lock for its run. SECONDS_=10.
import { spawn, execFileSync } from 'node:child_process'
import path from 'node:path'
import os from 'node:os'
import { rmSync } from 'node:fs'
import { compileSources, withLoadLock } from './lib.mjs'
const dataFile = path.join(os.tmpdir(), `perfgate-samplers-${process.pid}.data`)
compileSources()
const B = '../build/src'
const { NodeCapture } = await import(`${B}/profile/node.js`)
const { startService, stopAllServices, groupMembers } = await import(`${B}/service/spawn.js`)
const { startSession } = await import(`${B}/load/session.js`)
const { parseConfig } = await import(`${B}/config/load.js`)
const { parsePerfScript } = await import(`${B}/profile/folded.js`)
const SECONDS = Number(process.env.SECONDS_ ?? 10)
const port = 23000 + Math.floor(Math.random() * 10000)
const c = parseConfig(
  `
version: 1
service: { command: node bench/profile-service.cjs, ready: { tcp: "127.0.0.1:${port}" } }
scenarios:
  - name: get
    request: { url: "http://127.0.0.1:${port}/" }
    load: { connections: 8, warmup: 2s }
`,
  path.resolve('bench/x.yml'),
  path.resolve('.')
)
await withLoadLock(measure)
async function measure() {
  const capture = await NodeCapture.open('head')
  const env = capture.env('--perf-basic-prof-only-functions --interpreted-frames-native-stack')
  const service = await startService(
    {
      command: 'node bench/profile-service.cjs',
      cwd: path.resolve('.'),
      env: { PORT: String(port), BASE_US: '300', ADDED_US: '100' },
      ready: { kind: 'tcp', host: '127.0.0.1', port, timeoutMs: 10000, intervalMs: 50 },
      shutdownTimeoutMs: 2000
    },
    { env }
  )
  const pids = groupMembers(service.pid)
  const session = startSession(c.scenarios[0])
  await session.warm(3000)
  await capture.start(1000)
  const perf = spawn(
    'perf',
    [
      'record',
      '-q',
      '-e',
      'cpu-clock',
      '-F',
      '999',
      '-g',
      '-p',
      groupMembers(service.pid).join(','),
      '-o',
      dataFile
    ],
    { stdio: 'inherit' }
  )
  await new Promise(r => setTimeout(r, 300))
  const r = await session.slice(SECONDS * 1000)
  perf.kill('SIGINT')
  await new Promise(r => perf.once('exit', r))
  const harvest = await capture.stop()
  await session.close()
  await service.stop()
  await capture.close()
  const requests = r.counts.responses
  // V8: leaf names of busy samples, scaled to thread CPU by count
  const p = harvest.profiles[0]
  const cpu = harvest.threadCpuUs[0]
  const fn = new Map(p.nodes.map(n => [n.id, n.callFrame.functionName]))
  const v8 = {}
  let busy = 0
  for (const id of p.samples) {
    const n = fn.get(id)
    if (n === '(idle)') continue
    busy++
    v8[n] = (v8[n] ?? 0) + 1
  }
  const text = execFileSync('perf', ['script', '-i', dataFile, '-F', 'comm,pid,tid,time,ip,sym,dso'], {
    maxBuffer: 1e9,
    encoding: 'utf8'
  })
  const all = parsePerfScript(text)
  const samples = all.filter(s => s.tid === s.pid && s.stack.length && true)
  console.log(
    'perf samples all threads',
    all.length,
    'pids',
    [...new Set(all.map(s => s.pid))].join(','),
    'main-thread',
    samples.length
  )
  const bucket = s => {
    const syms = s.stack.map(f => f.symbol)
    if (syms.some(x => /writev/.test(x))) return 'writev'
    const js = [...s.stack]
      .reverse()
      .find(
        f => /perf-\d+\.map/.test(f.dso) || /^(LazyCompile|JS|Function|InterpretedFunction):/.test(f.symbol)
      )
    const leaf = s.stack.at(-1).symbol
    if (/baseWork/.test(leaf)) return 'baseWork'
    if (/addedWork/.test(leaf)) return 'addedWork'
    if (js && /baseWork|addedWork/.test(js.symbol))
      return 'in ' + js.symbol.replace(/.*(baseWork|addedWork).*/, '$1')
    return 'other'
  }
  const pf = {}
  for (const s of samples) {
    const b = bucket(s)
    pf[b] = (pf[b] ?? 0) + 1
  }
  console.log(
    `requests ${requests} in ${SECONDS}s; thread CPU ${(cpu / requests).toFixed(0)} µs/request; V8 busy samples ${busy}, perf main-thread samples ${samples.length} (= ${((samples.length * 1001) / requests).toFixed(0)} µs/request)`
  )
  for (const k of ['baseWork', 'addedWork', 'writev'])
    console.log(
      `  ${k.padEnd(10)} V8 ${(((cpu / requests) * (v8[k] ?? 0)) / busy).toFixed(1)} µs/request   perf ${(((pf[k] ?? 0) * 1001) / requests).toFixed(1)} µs/request`
    )
  console.log('  perf buckets', JSON.stringify(pf))
  const top = {}
  for (const s of samples) {
    const l = s.stack.at(-1).symbol
    top[l] = (top[l] ?? 0) + 1
  }
  console.log(
    '  perf leaves',
    Object.entries(top)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([k, v]) => `${k.slice(0, 50)} ${v}`)
      .join(' | ')
  )
  await stopAllServices()
  rmSync(dataFile, { force: true })
  for (const pid of pids) rmSync(`/tmp/perf-${pid}.map`, { force: true })
}
