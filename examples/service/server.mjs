// The example reservation API used by perfgate's demo, tests and benchmarks: node:http, no dependencies.
// Knobs (environment variables) inject regressions; see README.md next to this file.
import http from 'node:http'

const env = process.env
const num = (name, fallback) => (env[name] === undefined || env[name] === '' ? fallback : Number(env[name]))
const HOST = env.HOST || '127.0.0.1'
const PORT = num('PORT', 8080)
const CPU_US = num('CPU_US', 200) * (1 + num('SLOWDOWN', 0))
const TAIL_SHARE = num('TAIL_SHARE', 0)
const TAIL_MS = num('TAIL_MS', 0)
const LEAK_KB = num('LEAK_KB', 0)
const ERROR_RATE = num('ERROR_RATE', 0)
const CRASH_AFTER = num('CRASH_AFTER', 0)
const HANG_RATE = num('HANG_RATE', 0)
const RESET_RATE = num('RESET_RATE', 0)
const STARTUP_MS = num('STARTUP_MS', 0)

if (!Number.isInteger(PORT) || PORT < 0 || PORT > 65535) {
  console.error(`example service: PORT must be an integer 0-65535, got "${env.PORT}"`)
  process.exit(2)
}

// mulberry32: a small seeded PRNG so the injected faults are repeatable
let seed = num('SEED', 1) >>> 0
function random() {
  seed = (seed + 0x6d2b79f5) >>> 0
  let t = seed
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

// Deterministic CPU work: a fixed hash loop, so more work really costs CPU. The iteration count per "µs" is a
// constant (measured once on a 2-vCPU EPYC runner), not calibrated per process: per-process calibration would give
// each fresh process a slightly different amount of work and add noise between rounds.
const ITERATIONS_PER_US = num('ITERATIONS_PER_US', 600)
let sink = 0
function hashWork(iterations) {
  let x = sink
  for (let i = 0; i < iterations; i++) x = (Math.imul(x ^ i, 2654435761) + 0x9e3779b9) | 0
  sink = x
}
const workIterations = Math.round(CPU_US * ITERATIONS_PER_US)

const reservations = []
for (let id = 1; id <= 200; id++) {
  reservations.push({
    id,
    guest: `guest-${id}`,
    seats: (id % 6) + 1,
    at: new Date(Date.UTC(2026, 0, 1 + (id % 28))).toISOString()
  })
}
const leaked = []
let served = 0

function send(res, status, body) {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = []
    let size = 0
    req.on('data', chunk => {
      size += chunk.length
      if (size > 65536) reject(new Error('body too large'))
      else chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

async function route(req, res, url) {
  if (req.method === 'GET' && url.pathname === '/health') return send(res, 200, { ok: true })
  if (req.method === 'GET' && url.pathname === '/reservations') {
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1)
    return send(res, 200, {
      page,
      items: reservations.slice((page - 1) * 20, page * 20),
      total: reservations.length
    })
  }
  const byId = /^\/reservations\/(\d+)$/.exec(url.pathname)
  if (req.method === 'GET' && byId) {
    const found = reservations[Number(byId[1]) - 1]
    return found ? send(res, 200, found) : send(res, 404, { error: 'not found' })
  }
  if (req.method === 'GET' && url.pathname === '/search') {
    const q = (url.searchParams.get('q') ?? '').toLowerCase()
    return send(res, 200, { items: reservations.filter(r => r.guest.includes(q)).slice(0, 20) })
  }
  if (req.method === 'POST' && url.pathname === '/reservations') {
    let input
    try {
      input = JSON.parse(await readBody(req))
    } catch {
      return send(res, 400, { error: 'body must be JSON' })
    }
    if (typeof input?.guest !== 'string' || !Number.isInteger(input?.seats) || input.seats < 1) {
      return send(res, 400, { error: 'guest (string) and seats (integer >= 1) are required' })
    }
    const created = {
      id: reservations.length + 1,
      guest: input.guest,
      seats: input.seats,
      at: new Date().toISOString()
    }
    reservations.push(created)
    if (reservations.length > 5000) reservations.splice(200, reservations.length - 1000)
    return send(res, 201, created)
  }
  return send(res, 404, { error: `no route ${req.method} ${url.pathname}` })
}

const server = http.createServer((req, res) => {
  served++
  if (CRASH_AFTER > 0 && served > CRASH_AFTER) {
    console.error(`example service: crashing after ${CRASH_AFTER} requests (CRASH_AFTER)`)
    process.exit(70)
  }
  const url = new URL(req.url ?? '/', 'http://localhost')
  if (url.pathname === '/health') return route(req, res, url)
  if (RESET_RATE > 0 && random() < RESET_RATE) return req.socket.destroy()
  if (HANG_RATE > 0 && random() < HANG_RATE) return
  if (workIterations > 0) hashWork(workIterations)
  // filled, so every leaked page is touched and counts in RSS (a repeated string can be a rope that holds little)
  if (LEAK_KB > 0) leaked.push(Buffer.alloc(LEAK_KB * 1024, served & 0xff))
  if (ERROR_RATE > 0 && random() < ERROR_RATE) return send(res, 500, { error: 'injected error (ERROR_RATE)' })
  const respond = () => route(req, res, url).catch(err => send(res, 500, { error: String(err) }))
  if (TAIL_SHARE > 0 && random() < TAIL_SHARE) setTimeout(respond, TAIL_MS)
  else respond()
})
server.keepAliveTimeout = 60_000

function shutdown(signal) {
  console.log(`example service: ${signal}, closing`)
  server.close(() => process.exit(0))
  server.closeAllConnections()
}
process.on('SIGTERM', () => shutdown('SIGTERM'))
process.on('SIGINT', () => shutdown('SIGINT'))

setTimeout(() => {
  server.listen(PORT, HOST, () => {
    const { port } = server.address()
    console.log(`listening on http://${HOST}:${port}`)
  })
}, STARTUP_MS)
server.on('error', err => {
  console.error(`example service: ${err.message}`)
  process.exit(1)
})
