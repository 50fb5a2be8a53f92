// npm run bench:open (also part of npm run bench): the open model's accuracy and cost, as ratios to references
// measured in the same run.
//  1. schedule error (generator.lag p99) and generator CPU per request at 10, 200, 2,000 and 5,000 req/s on the
//     example service (CPU_US=20) with the /proc sampler running, quiet and beside a background process that uses
//     a quarter of a core; CPU per request as a ratio to perfgate's closed model on the same server;
//     CPU per request also as a ratio to the leanest open-model client Node allows (raw sockets, setTimeout),
//     the floor set by the event loop's wake-ups on this machine;
//     lag p99 also as a ratio to a bare thread's wake-up lateness from a timed sleep at the same rate, alternated
//     with perfgate's runs: the machine's own jitter, the floor for any generator that sleeps between sends;
//  2. latency at 200 req/s against two independent sequential clients sending at the same rate: Node's http.request
//     on a keep-alive agent (the plain client a user would write) and a raw keep-alive TCP socket with no HTTP
//     library (the floor: what any HTTP client adds to the wire time shows against it);
//  3. a server that stalls 200 ms once a second: reported p99 vs the true open-model p99 (190 ms), for perfgate and
//     for autocannon's own rate mode (whole-ms histogram, bursty sends, its own omission correction).
// DURATION=3 ROUNDS=3 by default.
import { execFileSync, spawn } from 'node:child_process'
import { once } from 'node:events'
import http from 'node:http'
import net from 'node:net'
import autocannon from 'autocannon'
import { compileSources, freePort, median, startExample, table } from './lib.mjs'

const DURATION_S = Number(process.env.DURATION ?? 3)
const ROUNDS = Number(process.env.ROUNDS ?? 3)
const RATES = (process.env.RATES ?? '10,200,2000,5000').split(',').map(Number)
const STALL_RATE = 200
/** the CPUs this process may use, set once measured */
let HOST_CPUS = []
const TRUE_STALL_P99_MS = 190

async function startStallServer() {
  const port = await freePort()
  const child = spawn(process.execPath, ['bench/stall-server.mjs'], {
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit']
  })
  await new Promise((resolve, reject) => {
    child.once('exit', code => reject(new Error(`stall server exited with ${code}`)))
    child.stdout.on('data', chunk => String(chunk).includes('listening') && resolve())
  })
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      child.kill('SIGKILL')
      if (child.exitCode === null) await once(child, 'exit')
    }
  }
}

/**
 * The background process: by default one that spins 5 ms in every 20 (a quarter of a core), the kind of neighbour a
 * shared runner has; BACKGROUND=ps runs `ps` every 20 ms instead (a light process that forks, execs and reads all
 * of /proc, as monitoring agents do).
 */
function startBackground() {
  const code =
    process.env.BACKGROUND === 'ps'
      ? "const { execFileSync } = require('node:child_process'); " +
        "const run = () => { execFileSync('ps', ['ax'], { stdio: 'ignore' }); setTimeout(run, 20) }; run(); " +
        'setTimeout(() => process.exit(0), 600000)'
      : 'const spin = () => { const end = Date.now() + 5; while (Date.now() < end); setTimeout(spin, 15) }; spin(); ' +
        'setTimeout(() => process.exit(0), 600000)'
  // free to run on any CPU, whatever this process is pinned to (PIN_GENERATOR)
  const anywhere = HOST_CPUS.length > 1 ? ['taskset', '-c', HOST_CPUS.join(',')] : []
  const [command, ...args] = [...anywhere, process.execPath, '-e', code]
  const child = spawn(command, args, { stdio: 'ignore' })
  return async () => {
    child.kill('SIGKILL')
    if (child.exitCode === null) await once(child, 'exit')
  }
}

const scenario = (url, load) => ({
  name: 'open-bench',
  request: { method: 'GET', url, headers: {} },
  load: { durationMs: DURATION_S * 1000, warmupMs: 500, timeoutMs: 10_000, ...load },
  thresholds: [],
  regression: [],
  minRequests: 1,
  maxErrorRate: 1
})

async function autocannonRate(url, rate, durationS) {
  const result = await autocannon({ url, connections: 100, overallRate: rate, duration: durationS })
  return { p99Ms: result.latency.p99 }
}

/**
 * One `exchange` (resolving with its latency in ms) at a time, each started at its turn of the rate, for half a
 * second of warm-up (left out) plus `durationS`: the p50 and p99 of what it measured.
 */
async function sequentialAtRate(exchange, rate, durationS) {
  const latencies = []
  const start = performance.now()
  for (let i = 0; ; i++) {
    const due = start + (i * 1000) / rate
    if (due - start > (durationS + 0.5) * 1000) break
    const wait = due - performance.now()
    if (wait > 0) await new Promise(resolve => setTimeout(resolve, wait))
    const ms = await exchange()
    if (due - start >= 500) latencies.push(ms)
  }
  latencies.sort((a, b) => a - b)
  const at = q => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]
  return { p50Ms: at(0.5), p99Ms: at(0.99) }
}

/**
 * An independent client: a raw keep-alive TCP socket, one request at a time, each sent at its turn of the rate,
 * timed from the write to the last byte of the response (no HTTP library: the leanest client there is).
 */
async function sequentialClient(url, rate, durationS) {
  const { hostname, port, pathname } = new URL(url)
  const socket = net.connect({ host: hostname, port: Number(port) })
  await once(socket, 'connect')
  socket.setNoDelay(true)
  const request = Buffer.from(`GET ${pathname} HTTP/1.1\r\nHost: ${hostname}:${port}\r\n\r\n`)
  let failed = () => undefined
  socket.on('error', err => failed(err))
  const exchange = () =>
    new Promise((resolve, reject) => {
      let buffer = Buffer.alloc(0)
      const onData = chunk => {
        buffer = Buffer.concat([buffer, chunk])
        const end = buffer.indexOf('\r\n\r\n')
        if (end < 0) return
        const length = Number(/content-length: *(\d+)/i.exec(buffer.subarray(0, end).toString())?.[1] ?? 0)
        if (buffer.length < end + 4 + length) return
        socket.off('data', onData)
        resolve(performance.now() - sent)
      }
      socket.on('data', onData)
      failed = reject
      const sent = performance.now()
      socket.write(request)
    })
  try {
    return await sequentialAtRate(exchange, rate, durationS)
  } finally {
    socket.destroy()
  }
}

/**
 * The plain sequential client a user would write: Node's own http.request on a keep-alive agent, one request at a
 * time at its turn of the rate, timed from the call to the response's end (the reference).
 */
async function httpSequentialClient(url, rate, durationS) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  const exchange = () =>
    new Promise((resolve, reject) => {
      const sent = performance.now()
      const req = http.get(url, { agent }, res => {
        res.resume()
        res.on('end', () => resolve(performance.now() - sent))
      })
      req.on('error', reject)
    })
  try {
    return await sequentialAtRate(exchange, rate, durationS)
  } finally {
    agent.destroy()
  }
}

/**
 * The CPU floor of any open-model client in Node on this machine: raw keep-alive TCP sockets (no HTTP library,
 * no histogram, no sampler), requests written at their turn of the rate from a plain setTimeout loop (coarser, and
 * so cheaper, than perfgate's ticker), a new socket only when every open one is busy. Its CPU per request is the
 * cost of the event loop's wake-ups and the socket syscalls themselves, which no open-model client escapes.
 */
async function leanOpenClient(url, rate, durationS) {
  const { hostname, port, pathname } = new URL(url)
  const request = Buffer.from(`GET ${pathname} HTTP/1.1\r\nHost: ${hostname}:${port}\r\n\r\n`)
  const idle = []
  const all = []
  let answered = 0
  const open = () => {
    const socket = net.connect({ host: hostname, port: Number(port) })
    socket.setNoDelay(true)
    all.push(socket)
    let buffer = Buffer.alloc(0)
    socket.on('data', chunk => {
      buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk
      const end = buffer.indexOf('\r\n\r\n')
      if (end < 0) return
      const length = Number(/content-length: *(\d+)/i.exec(buffer.subarray(0, end).toString())?.[1] ?? 0)
      if (buffer.length < end + 4 + length) return
      buffer = Buffer.alloc(0)
      answered++
      idle.push(socket)
    })
    socket.on('error', () => undefined)
    return socket
  }
  const send = () => (idle.pop() ?? open()).write(request)
  for (let i = 0; i < 4; i++) idle.push(open())
  await new Promise(resolve => setTimeout(resolve, 100))
  const cpu = process.cpuUsage()
  const start = performance.now()
  let sent = 0
  await new Promise(resolve => {
    const loop = () => {
      const elapsed = performance.now() - start
      if (elapsed >= durationS * 1000) return resolve()
      while (sent < (elapsed * rate) / 1000) {
        send()
        sent++
      }
      setTimeout(loop, Math.max(0, ((sent + 1) * 1000) / rate - elapsed))
    }
    loop()
  })
  await new Promise(resolve => setTimeout(resolve, 50))
  const used = process.cpuUsage(cpu)
  for (const socket of all) socket.destroy()
  return { cpuPerReqUs: (used.user + used.system) / Math.max(1, answered), answered, sent }
}

/**
 * How late a bare thread wakes from a timed sleep (Atomics.wait, a futex) at `rate` wake-ups a second: the
 * machine's own wake-up jitter, which no generator that sleeps between sends can beat (only one that spins a core).
 * It runs in this thread and blocks it, with nothing else running.
 */
function bareWakeups(rate, durationS) {
  const word = new Int32Array(new SharedArrayBuffer(4))
  const late = []
  const start = performance.now()
  let due = start
  while (due - start < durationS * 1000) {
    due += 1000 / rate
    const wait = due - performance.now()
    if (wait > 0) Atomics.wait(word, 0, 0, wait)
    late.push(performance.now() - due)
  }
  late.sort((a, b) => a - b)
  return { p99Ms: late[Math.floor(0.99 * (late.length - 1))] }
}

export async function benchOpenModel({ compile = true } = {}) {
  if (compile) compileSources()
  const { runOpenLoad } = await import('../build/src/load/open.js')
  const { runClosedLoad } = await import('../build/src/load/closed.js')
  const { startResourceSampler } = await import('../build/src/service/sampler.js')
  const perfgate = async (server, rate, durationS = DURATION_S) => {
    const sampler = startResourceSampler(server.pid)
    const cpu = process.cpuUsage()
    const r = await runOpenLoad(
      scenario(`${server.url}/reservations/42`, {
        mode: 'rate',
        rate,
        connections: 100,
        durationMs: durationS * 1000
      })
    )
    const used = process.cpuUsage(cpu)
    sampler.stop()
    return {
      lagP99Ms: r.generatorLagUs / 1000,
      p50Ms: r.latency.p50 / 1000,
      p99Ms: r.latency.p99 / 1000,
      cpuPerReqUs: (used.user + used.system) / (r.counts.sent * (1 + 500 / (durationS * 1000))),
      rps: r.achievedRate,
      saturated: r.generatorSaturated
    }
  }
  const closed = async server => {
    const sampler = startResourceSampler(server.pid)
    const r = await runClosedLoad(
      scenario(`${server.url}/reservations/42`, { mode: 'closed', connections: 10 })
    )
    sampler.stop()
    return { cpuPerReqUs: ((r.generatorCpu / 100) * 1e6) / (r.counts.responses / (r.durationMs / 1000)) }
  }

  const m = (list, key) => median(list.map(s => s[key]))
  // the CPUs as perfgate lays them out (service.cpus: auto): the service off the first CPU, left to the clients
  const { choosePinning } = await import('../build/src/gate/pinning.js')
  const { hostInfo } = await import('../build/src/measure/environment.js')
  const host = hostInfo()
  HOST_CPUS = host.cpus
  const pinning = choosePinning({}, host)
  // PIN_GENERATOR=1: this process (every client in it) on the first CPU too, to compare with perfgate's free generator
  if (process.env.PIN_GENERATOR === '1' && pinning.service.length) {
    execFileSync('taskset', ['-a', '-p', '-c', String(host.cpus[0]), String(process.pid)], {
      stdio: 'ignore'
    })
    pinning.reason += `; PIN_GENERATOR=1: the generator pinned to CPU ${host.cpus[0]}`
  }
  await measureAll(pinning)

  async function measureAll(pinning) {
    const server = await startExample({ CPU_US: '20' }, pinning.service)
    const rows = [
      [
        'rate (req/s)',
        'neighbour',
        'achieved',
        'lag p99',
        'bare thread wake-up p99',
        'lag / bare',
        'CPU µs/req',
        'CPU vs closed model',
        'CPU vs leanest open client',
        'errored as lag'
      ]
    ]
    let latencyRow
    try {
      const reference = []
      for (let i = 0; i < ROUNDS; i++) reference.push(await closed(server))
      const closedCpu = m(reference, 'cpuPerReqUs')
      rows.push(['closed model, 10 conns', '-', '-', '-', '-', '-', closedCpu.toFixed(1), '1.00', '-', '-'])
      // the floor, measured at each rate on a quiet machine, alternated with perfgate's own runs
      const floor = new Map()
      for (const neighbour of [false, true]) {
        const stopBackground = neighbour ? startBackground() : undefined
        try {
          for (const rate of RATES) {
            const runs = []
            const leanest = []
            const bare = []
            for (let i = 0; i < ROUNDS; i++) {
              runs.push(await perfgate(server, rate))
              bare.push(bareWakeups(rate, DURATION_S))
              if (!neighbour)
                leanest.push(await leanOpenClient(`${server.url}/reservations/42`, rate, DURATION_S))
            }
            if (!neighbour) {
              floor.set(rate, m(leanest, 'cpuPerReqUs'))
              rows.push([
                `${rate}, leanest Node open client`,
                'none',
                '-',
                '-',
                '-',
                '-',
                floor.get(rate).toFixed(1),
                (floor.get(rate) / closedCpu).toFixed(2),
                '1.00',
                '-'
              ])
            }
            rows.push([
              String(rate),
              neighbour ? (process.env.BACKGROUND === 'ps' ? 'ps every 20 ms' : '25% core') : 'none',
              m(runs, 'rps').toFixed(0),
              `${m(runs, 'lagP99Ms').toFixed(2)} ms`,
              `${m(bare, 'p99Ms').toFixed(2)} ms`,
              (m(runs, 'lagP99Ms') / m(bare, 'p99Ms')).toFixed(2),
              m(runs, 'cpuPerReqUs').toFixed(1),
              (m(runs, 'cpuPerReqUs') / closedCpu).toFixed(2),
              (m(runs, 'cpuPerReqUs') / floor.get(rate)).toFixed(2),
              `${runs.filter(r => r.saturated).length}/${runs.length}`
            ])
          }
        } finally {
          await stopBackground?.()
        }
      }
      const ours = []
      const theirs = []
      const plain = []
      for (let i = 0; i < ROUNDS; i++) {
        ours.push(await perfgate(server, 200))
        theirs.push(await sequentialClient(`${server.url}/reservations/42`, 200, DURATION_S))
        plain.push(await httpSequentialClient(`${server.url}/reservations/42`, 200, DURATION_S))
      }
      latencyRow = { ours, theirs, plain }
    } finally {
      await server.stop()
    }
    console.log(
      `\nopen model on the example service (CPU_US=20), /proc sampler running, ${ROUNDS} rounds of ${DURATION_S} s, medians; ${pinning.reason}`
    )
    console.log(table(rows))
    const { ours, theirs, plain } = latencyRow
    console.log(
      `\nlatency at 200 req/s: perfgate's open model vs independent sequential clients at the same rate (alternated)`
    )
    const ms = (list, key) => `${m(list, key).toFixed(3)} ms`
    const ratio = (list, key) => (m(ours, key) / m(list, key)).toFixed(2)
    console.log(
      table([
        ['client', 'p50', 'p99', 'perfgate / it, p50', 'perfgate / it, p99'],
        [
          'sequential http.request (keep-alive)',
          ms(plain, 'p50Ms'),
          ms(plain, 'p99Ms'),
          ratio(plain, 'p50Ms'),
          ratio(plain, 'p99Ms')
        ],
        [
          'sequential raw socket (no HTTP library)',
          ms(theirs, 'p50Ms'),
          ms(theirs, 'p99Ms'),
          ratio(theirs, 'p50Ms'),
          ratio(theirs, 'p99Ms')
        ],
        ['perfgate rate mode', ms(ours, 'p50Ms'), ms(ours, 'p99Ms'), '1.00', '1.00']
      ])
    )

    const stall = await startStallServer()
    const stalls = { perfgate: [], autocannon: [] }
    try {
      for (let i = 0; i < ROUNDS; i++) {
        stalls.perfgate.push(await perfgate({ url: stall.url, pid: process.pid }, STALL_RATE, DURATION_S + 2))
        stalls.autocannon.push(await autocannonRate(stall.url, STALL_RATE, DURATION_S + 2))
      }
    } finally {
      await stall.stop()
    }
    console.log(
      `\nstalling server (200 ms stall once a second) at ${STALL_RATE} req/s: true open-model p99 = ${TRUE_STALL_P99_MS} ms`
    )
    console.log(
      table([
        ['generator', 'reported p99', 'reported / true', 'errored as lag'],
        [
          'autocannon overallRate',
          `${m(stalls.autocannon, 'p99Ms').toFixed(1)} ms`,
          (m(stalls.autocannon, 'p99Ms') / TRUE_STALL_P99_MS).toFixed(2),
          'n/a'
        ],
        [
          'perfgate rate mode',
          `${m(stalls.perfgate, 'p99Ms').toFixed(1)} ms`,
          (m(stalls.perfgate, 'p99Ms') / TRUE_STALL_P99_MS).toFixed(2),
          `${stalls.perfgate.filter(r => r.saturated).length}/${stalls.perfgate.length}`
        ]
      ])
    )
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchOpenModel()
