// npm run bench:h2: perfgate's HTTP/2 clients against the same node:http2 server (bench/h2-server.mjs, on its own
// CPU where there are two), with h2load (nghttp2-client) as the independent reference, measured in the same run.
// Each trial runs in its own process under the load lock (flock /tmp/perfgate-load.lock), so other users of the
// machine get in between.
//  1. the client: perfgate's frame-level client (h2-wire.ts, what h2 and h2c use), its former node:http2 one (h2.ts)
//     and undici's Pool with allowH2, closed model, 10 connections x 1 stream and 1 x 10: requests per second and
//     generator CPU per response (undici 6's H2 is experimental);
//  2. generator CPU per response, HTTP/2 closed model vs HTTP/1.1's (autocannon) on the same TLS server, 10 in flight;
//  3. latency at an open-model rate below capacity (RATE, 200/s): perfgate's p50 vs h2load --rps (one connection,
//     one stream at a time: a plain sequential client), p50 from h2load's per-request log;
//  4. closed-model throughput, perfgate vs h2load at the same connections x streams;
//  5. the open model's schedule error (generator.lag p99) for HTTP/2 and HTTP/1.1 at 200 and 2,000 req/s;
//  6. the floors: a bare node:http2 client (no perfgate) on the same server, its CPU per response in a closed loop
//     (10 x 1 and 1 x 10) and its p50 at RATE on one connection (a timer per send, timed from request() to 'end').
// DURATION=3 (s) ROUNDS=3 by default.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { compileSources, median, startH2BenchServer, table } from './lib.mjs'

const DURATION_S = Number(process.env.DURATION ?? 3)
const ROUNDS = Number(process.env.ROUNDS ?? 3)
const RATE = Number(process.env.RATE ?? 200)
const twoCpus = os.availableParallelism() > 1
const pin = cpu => (twoCpus ? ['taskset', '-c', String(cpu)] : [])

const startServer = (h2c = false) => startH2BenchServer(h2c, pin(1))

function scenario(url, load, request = {}) {
  return {
    name: 'bench-h2',
    request: { method: 'GET', url, headers: {}, insecure: true, ...request },
    load: { durationMs: DURATION_S * 1000, warmupMs: 500, timeoutMs: 5000, ...load },
    thresholds: [],
    regression: [],
    minRequests: 1,
    maxErrorRate: 1
  }
}

/** h2load's per-request log: tab-separated start (µs since epoch), status, duration (µs). */
function p50OfLog(file) {
  const durations = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map(line => Number(line.split('\t')[2]))
    .filter(Number.isFinite)
    .sort((a, b) => a - b)
  return durations[Math.floor(durations.length / 2)]
}

function h2load(url, args) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'h2load-'))
  const log = path.join(dir, 'log.tsv')
  try {
    const out = execFileSync(...splitCmd([...pin(0), 'h2load', ...args, `--log-file=${log}`, url]), {
      encoding: 'utf8'
    })
    const rps = Number(/finished in [\d.]+s, ([\d.]+) req\/s/.exec(out)?.[1])
    return { rps, p50Us: p50OfLog(log) }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
const splitCmd = ([cmd, ...args]) => [cmd, args]

/** A bare node:http2 session to the bench server, once its SETTINGS arrived. */
async function bareSession(url) {
  const http2 = await import('node:http2')
  return new Promise((resolve, reject) => {
    const session = http2.connect(new URL(url).origin, { rejectUnauthorized: false })
    session.once('remoteSettings', () => resolve(session))
    session.once('error', reject)
  })
}

/**
 * The leanest node:http2 closed loop: `c` sessions x `s` streams, each stream's end starting the next request.
 * CPU over the whole run (connects and the warm-up included, as cpuPer counts perfgate's) per measured response.
 */
async function bareClosed(url, c, s) {
  const cpu = process.cpuUsage()
  const sessions = await Promise.all(Array.from({ length: c }, () => bareSession(url)))
  const headers = { ':method': 'GET', ':path': '/' }
  let n = 0
  let measuring = false
  let stop = false
  const loop = session => {
    if (stop) return
    const stream = session.request(headers, { endStream: true })
    stream.resume()
    stream.on('end', () => {
      if (measuring) n++
      loop(session)
    })
  }
  for (const session of sessions) for (let i = 0; i < s; i++) loop(session)
  await new Promise(resolve => setTimeout(resolve, 500))
  measuring = true
  const started = performance.now()
  await new Promise(resolve => setTimeout(resolve, DURATION_S * 1000))
  stop = true
  const rps = n / ((performance.now() - started) / 1000)
  const used = process.cpuUsage(cpu)
  for (const session of sessions) session.destroy()
  return { rps, cpuUs: (used.user + used.system) / n }
}

/** The leanest node:http2 client at RATE on one connection: p50 from request() to the stream's 'end'. */
async function bareRate(url) {
  const session = await bareSession(url)
  const headers = { ':method': 'GET', ':path': '/' }
  const durations = []
  const started = performance.now()
  const warmupMs = 500
  for (let i = 0; ; i++) {
    const due = started + (i * 1000) / RATE
    if (due > started + warmupMs + DURATION_S * 1000) break
    const wait = due - performance.now()
    if (wait > 0) await new Promise(resolve => setTimeout(resolve, wait))
    const sent = performance.now()
    const stream = session.request(headers, { endStream: true })
    stream.resume()
    stream.on('end', () => {
      if (sent - started >= warmupMs) durations.push((performance.now() - sent) * 1000)
    })
  }
  await new Promise(resolve => setTimeout(resolve, 100))
  session.destroy()
  durations.sort((a, b) => a - b)
  return { p50Us: durations[Math.floor(durations.length / 2)] }
}

/** One trial in this process (the child run under the lock): prints its figures as JSON. */
async function trial(name) {
  const { runLoad } = await import('../build/src/load/run-load.js')
  const { runClosedStreams } = await import('../build/src/load/closed-streams.js')
  const { runOpenLoad } = await import('../build/src/load/open.js')
  const { h2OptionsFor } = await import('../build/src/load/protocol.js')
  const { H2Transport } = await import('../build/src/load/h2.js')
  /** the node:http2 client (h2.ts) in perfgate's load models, where runLoad now takes the frame-level one */
  const nodeHttp2 = s => new H2Transport(new URL(s.request.url), h2OptionsFor(s, s.request.protocol))
  const server = await startServer(name.endsWith('-h2c'))
  // undici's H2 crashes its process with an assertion: the server (which holds this trial's stderr, and with it
  // the parent's wait) is stopped first
  process.once('uncaughtException', err => {
    console.error(err)
    void server.stop().then(() => process.exit(1))
  })
  try {
    const cpuPer = async (s, run = runLoad) => {
      const cpu = process.cpuUsage()
      const r = await run(s)
      const used = process.cpuUsage(cpu)
      return {
        rps: r.counts.responses / (r.durationMs / 1000),
        cpuUs: (used.user + used.system) / r.counts.responses,
        r
      }
    }
    switch (name) {
      case 'wire-10x1':
      case 'wire-1x10':
      case 'node-http2-10x1':
      case 'node-http2-1x10': {
        const [c, s] = name.endsWith('10x1') ? [10, 1] : [1, 10]
        const run = name.startsWith('wire') ? runLoad : sc => runClosedStreams(sc, nodeHttp2(sc))
        return await cpuPer(
          scenario(server.url, { mode: 'closed', connections: c, streams: s }, { protocol: 'h2' }),
          run
        )
      }
      case 'undici-10x1':
      case 'undici-1x10': {
        const { Pool } = await import('undici')
        const [c, s] = name === 'undici-10x1' ? [10, 1] : [1, 10]
        const pool = new Pool(new URL(server.url).origin, {
          connections: c,
          allowH2: true,
          maxConcurrentStreams: s,
          pipelining: s,
          connect: { rejectUnauthorized: false }
        })
        let n = 0
        const loop = async end => {
          while (performance.now() < end) {
            const res = await pool.request({ path: '/', method: 'GET' })
            await res.body.dump()
            n++
          }
        }
        await Promise.all(Array.from({ length: c * s }, () => loop(performance.now() + 500)))
        n = 0
        const cpu = process.cpuUsage()
        const started = performance.now()
        await Promise.all(Array.from({ length: c * s }, () => loop(started + DURATION_S * 1000)))
        const used = process.cpuUsage(cpu)
        await pool.close()
        return { rps: n / ((performance.now() - started) / 1000), cpuUs: (used.user + used.system) / n }
      }
      case 'http1-10':
        return await cpuPer(scenario(server.url, { mode: 'closed', connections: 10 }))
      case 'h2load-10x1':
        return h2load(server.url, ['-D', String(DURATION_S), '-c', '10', '-m', '1', '--warm-up-time=1'])
      case 'h2load-1x10':
        return h2load(server.url, ['-D', String(DURATION_S), '-c', '1', '-m', '10', '--warm-up-time=1'])
      case 'h2load-rps':
      case 'h2load-rps-h2c':
        return h2load(server.url, ['-D', String(DURATION_S), '-c', '1', '-m', '1', `--rps=${RATE}`])
      case 'bare-10x1':
        return await bareClosed(server.url, 10, 1)
      case 'bare-1x10':
        return await bareClosed(server.url, 1, 10)
      case 'bare-rps':
      case 'bare-rps-h2c':
        return await bareRate(server.url)
      case 'open-h2':
      case 'open-h2-h2c':
      case 'open-node-h2':
      case 'open-node-h2-h2c': {
        const protocol = name.endsWith('-h2c') ? 'h2c' : 'h2'
        const s = scenario(server.url, { mode: 'rate', rate: RATE, connections: 10 }, { protocol })
        const r = name.startsWith('open-node') ? await runOpenLoad(s, {}, nodeHttp2(s)) : await runLoad(s)
        return { p50Us: r.latency?.p50, lagUs: r.generatorLagUs, errors: r.counts.sent - r.counts.status2xx }
      }
      case 'lag-h2-200':
      case 'lag-h2-2000':
      case 'lag-http1-200':
      case 'lag-http1-2000': {
        const [, protocol, rate] = name.split('-')
        const r = await runLoad(
          scenario(
            server.url,
            { mode: 'rate', rate: Number(rate), connections: 50 },
            protocol === 'h2' ? { protocol } : {}
          )
        )
        return { lagUs: r.generatorLagUs, p50Us: r.latency?.p50 }
      }
    }
    throw new Error(`unknown trial ${name}`)
  } finally {
    await server.stop()
  }
}

if (process.argv[2] === '--trial') {
  // a round: every named case in turn, in one process under one hold of the lock
  const results = {}
  for (const name of process.argv.slice(3)) {
    try {
      const result = await trial(name)
      delete result.r
      results[name] = result
    } catch (err) {
      results[name] = { failed: String(err.message ?? err).split('\n')[0] }
    }
  }
  console.log(JSON.stringify(results))
  process.exit(0)
}

compileSources()
/** Runs one trial (a case, or a round of cases) in a child process under the load lock. */
function run(names) {
  const [cmd, ...args] = [...pin(0), process.execPath, 'bench/h2.mjs', '--trial', ...names]
  const out = spawnSync('flock', ['/tmp/perfgate-load.lock', cmd, ...args], { encoding: 'utf8' })
  const line = out.stdout.trim().split('\n').at(-1) ?? ''
  try {
    return JSON.parse(line)
  } catch {
    const why = `${out.stderr}`.match(/AssertionError[^\n]*|Error[^\n]*/)?.[0] ?? `exit ${out.status}`
    return Object.fromEntries(names.map(name => [name, { failed: why }]))
  }
}

const NAMES = [
  'wire-10x1',
  'wire-1x10',
  'node-http2-10x1',
  'node-http2-1x10',
  'undici-10x1',
  'undici-1x10',
  'http1-10',
  'bare-10x1',
  'bare-1x10',
  'h2load-10x1',
  'h2load-1x10',
  'h2load-rps',
  'bare-rps',
  'open-h2',
  'open-node-h2',
  'h2load-rps-h2c',
  'bare-rps-h2c',
  'open-h2-h2c',
  'open-node-h2-h2c',
  'lag-h2-200',
  'lag-http1-200',
  'lag-h2-2000',
  'lag-http1-2000'
]
const only = process.env.TRIALS?.split(',')
const samples = new Map()
const record = (name, result) => {
  if (!samples.has(name)) samples.set(name, [])
  samples.get(name).push(result)
  process.stderr.write(`${name}: ${JSON.stringify(result)}\n`)
}
// undici's H2 may crash its process (an assertion): each of its cases is a trial of its own
const UNDICI = NAMES.filter(n => n.startsWith('undici'))
for (let round = 0; round < ROUNDS; round++) {
  const order = (round % 2 ? [...NAMES].reverse() : NAMES).filter(n => !only || only.includes(n))
  const results = run(order.filter(n => !UNDICI.includes(n)))
  for (const name of UNDICI.filter(n => order.includes(n))) Object.assign(results, run([name]))
  for (const [name, result] of Object.entries(results)) record(name, result)
}
const med = (name, key) => {
  const xs = (samples.get(name) ?? []).map(s => s[key]).filter(Number.isFinite)
  return xs.length ? median(xs) : NaN
}
const failures = name => (samples.get(name) ?? []).filter(s => s.failed).map(s => s.failed)
const f = (x, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a')
console.log(
  `\nHTTP/2 benchmark: node:http2 server${twoCpus ? ' on CPU 1, clients on CPU 0' : ''}, ${ROUNDS} rounds of ${DURATION_S} s, medians`
)
console.log('\n1. the client (closed model, TLS)')
console.log(
  table([
    ['client', 'connections x streams', 'req/s', 'CPU µs per response', 'failed trials'],
    ...[
      ['frames, h2-wire.ts (perfgate)', 'wire'],
      ['node:http2, h2.ts (perfgate before)', 'node-http2'],
      ['bare node:http2 loop (floor)', 'bare'],
      ['undici Pool allowH2', 'undici']
    ].flatMap(([label, key]) =>
      ['10x1', '1x10'].map(shape => [
        label,
        shape,
        f(med(`${key}-${shape}`, 'rps')),
        f(med(`${key}-${shape}`, 'cpuUs'), 1),
        failures(`${key}-${shape}`).length
          ? `${failures(`${key}-${shape}`).length}: ${failures(`${key}-${shape}`)[0]}`
          : '0'
      ])
    ),
    ['h2load', '10x1', f(med('h2load-10x1', 'rps')), '', ''],
    ['h2load', '1x10', f(med('h2load-1x10', 'rps')), '', '']
  ])
)
console.log(
  '\n2. generator CPU per response on the same TLS server, 10 in flight, against HTTP/1.1 (bar: at most 1.5)'
)
const h1cpu = med('http1-10', 'cpuUs')
console.log(
  table([
    [
      'client',
      'HTTP/2 shape',
      'µs per response',
      'HTTP/1.1 (autocannon, 10) µs',
      'ratio to HTTP/1.1',
      'ratio to bare'
    ],
    ...[
      ['frames (perfgate)', 'wire'],
      ['node:http2 (before)', 'node-http2'],
      ['bare node:http2 loop', 'bare']
    ].flatMap(([label, key]) =>
      ['10x1', '1x10'].map(shape => {
        const us = med(`${key}-${shape}`, 'cpuUs')
        return [
          label,
          shape,
          f(us, 1),
          f(h1cpu, 1),
          f(us / h1cpu, 2),
          f(us / med(`bare-${shape}`, 'cpuUs'), 2)
        ]
      })
    )
  ])
)
console.log(
  `\n3. latency at ${RATE} req/s (open model) vs h2load --rps ${RATE} -c 1 -m 1 and a bare node:http2 client, p50`
)
console.log(
  table([
    [
      'protocol',
      'client',
      'p50 µs',
      'h2load p50 µs',
      'bare node:http2 p50 µs',
      'ratio to h2load (bar: 0.8 .. 1.2)'
    ],
    ...[
      ['h2', ''],
      ['h2c', '-h2c']
    ].flatMap(([label, suffix]) =>
      [
        ['frames (perfgate)', `open-h2${suffix}`],
        ['node:http2 (before)', `open-node-h2${suffix}`]
      ].map(([client, key]) => {
        const ours = med(key, 'p50Us')
        const ref = med(`h2load-rps${suffix}`, 'p50Us')
        return [label, client, f(ours), f(ref), f(med(`bare-rps${suffix}`, 'p50Us')), f(ours / ref, 2)]
      })
    )
  ])
)
console.log('\n4. closed-model throughput against h2load')
console.log(
  table([
    ['connections x streams', 'client', 'req/s', 'h2load req/s', 'ratio'],
    ...['10x1', '1x10'].flatMap(shape =>
      [
        ['frames (perfgate)', 'wire'],
        ['node:http2 (before)', 'node-http2']
      ].map(([client, key]) => [
        shape,
        client,
        f(med(`${key}-${shape}`, 'rps')),
        f(med(`h2load-${shape}`, 'rps')),
        f(med(`${key}-${shape}`, 'rps') / med(`h2load-${shape}`, 'rps'), 2)
      ])
    )
  ])
)
console.log('\n5. open-model schedule error (generator.lag p99), HTTP/2 vs HTTP/1.1 on the same server')
console.log(
  table([
    ['rate', 'HTTP/2 lag p99 µs', 'HTTP/1.1 lag p99 µs', 'ratio'],
    ...['200', '2000'].map(rate => [
      rate,
      f(med(`lag-h2-${rate}`, 'lagUs')),
      f(med(`lag-http1-${rate}`, 'lagUs')),
      f(med(`lag-h2-${rate}`, 'lagUs') / med(`lag-http1-${rate}`, 'lagUs'), 2)
    ])
  ])
)
