// Shared helpers for the benchmarks: start the example service, run commands, summarise samples.
import { spawn, execFileSync } from 'node:child_process'
import { once } from 'node:events'
import net from 'node:net'

export async function freePort() {
  const server = net.createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address()
  server.close()
  await once(server, 'close')
  return port
}

/**
 * Starts examples/service/server.mjs with the given knobs (on `cpus` with taskset, when given); resolves once it
 * prints its listening line.
 */
export async function startExample(env = {}, cpus = []) {
  const port = await freePort()
  const [command, ...args] = [
    ...(cpus.length ? ['taskset', '-c', cpus.join(',')] : []),
    process.execPath,
    'examples/service/server.mjs'
  ]
  const child = spawn(command, args, {
    env: { ...process.env, PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'inherit']
  })
  await new Promise((resolve, reject) => {
    child.once('exit', code => reject(new Error(`example service exited with ${code}`)))
    child.stdout.on('data', chunk => {
      if (String(chunk).includes('listening on')) resolve()
    })
  })
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    stop: async () => {
      child.kill('SIGKILL')
      if (child.exitCode === null) await once(child, 'exit')
    }
  }
}

export const median = xs => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

export function hasCommand(cmd) {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** Compiles src/ to build/ so the benchmarks import perfgate's real modules. */
export function compileSources() {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.bench.json'], { stdio: 'inherit' })
}

export function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map(r => String(r[i]).length)))
  return rows.map(r => r.map((c, i) => String(c).padEnd(widths[i])).join('  ')).join('\n')
}

/**
 * A suite of `count` closed-model scenarios named scenario-01, scenario-02, ... against a service nobody starts
 * (the benches that measure the gate's own work: merge, shards); `scenario` adds to every scenario, `rest` to the
 * config.
 */
export function syntheticSuite(count, scenario = {}, rest = {}) {
  const names = Array.from({ length: count }, (_, i) => `scenario-${String(i + 1).padStart(2, '0')}`)
  return {
    file: 'perfgate.yml',
    service: {
      command: 'node server.js',
      cwd: '.',
      env: {},
      ready: { kind: 'tcp', host: '127.0.0.1', port: 1, timeoutMs: 1, intervalMs: 1 },
      shutdownTimeoutMs: 1
    },
    scenarios: names.map(name => ({
      name,
      request: { method: 'GET', url: 'http://127.0.0.1:8080/', headers: {} },
      load: { mode: 'closed', connections: 10, durationMs: 10_000, warmupMs: 1000, timeoutMs: 10_000 },
      thresholds: [],
      regression: [],
      ...scenario
    })),
    ...rest
  }
}

/**
 * Runs `fn` holding the shared load lock (LOCK, default /tmp/perfgate-load.lock; LOCK= to run without), taken
 * with flock(1) by a child that holds it until its stdin closes: a long benchmark takes the lock per trial, so
 * other work on the machine gets in between its trials.
 */
export async function withLoadLock(fn) {
  const lock = process.env.LOCK ?? '/tmp/perfgate-load.lock'
  if (!lock || !hasCommand('flock')) return fn()
  const holder = spawn('flock', [lock, 'sh', '-c', 'echo locked; cat >/dev/null'], {
    stdio: ['pipe', 'pipe', 'inherit']
  })
  const exited = once(holder, 'exit')
  await new Promise((resolve, reject) => {
    holder.stdout.once('data', resolve)
    holder.once('error', reject)
    holder.once('exit', code => reject(new Error(`flock ${lock} exited (${code}) before locking`)))
  })
  try {
    return await fn()
  } finally {
    holder.stdin.end()
    await exited
  }
}

/**
 * UNTIL=hh:mm (UTC, today) or an ISO time, as a time in ms: a bench starts no trial after it, so a run cut short
 * still prints its table; Infinity without UNTIL.
 */
export function untilFromEnv(value = process.env.UNTIL) {
  if (!value) return Infinity
  return Date.parse(
    /^\d\d:\d\d$/.test(value) ? `${new Date().toISOString().slice(0, 10)}T${value}:00Z` : value
  )
}

/**
 * bench:h2's HTTP/2 server (bench/h2-server.mjs: TLS that also answers HTTP/1.1, or h2c), started under `prefix`
 * (a taskset pinning, or nothing); resolves once it listens, with its URL and a stop that waits for its exit.
 */
export async function startH2BenchServer(h2c = false, prefix = []) {
  const port = await freePort()
  const [cmd, ...args] = [...prefix, process.execPath, 'bench/h2-server.mjs']
  const child = spawn(cmd, args, {
    env: { ...process.env, PORT: String(port), H2C: h2c ? '1' : '0' },
    stdio: ['ignore', 'pipe', 'inherit']
  })
  await new Promise((resolve, reject) => {
    child.once('exit', code => reject(new Error(`h2 server exited with ${code}`)))
    child.stdout.on('data', chunk => String(chunk).includes('listening') && resolve())
  })
  return {
    url: `${h2c ? 'http' : 'https'}://127.0.0.1:${port}/`,
    stop: async () => {
      child.kill('SIGTERM')
      await new Promise(resolve => child.once('exit', resolve))
    }
  }
}
