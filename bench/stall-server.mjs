// A server that stalls: every request that arrives in the first STALL_MS of each second waits until the stall
// ends. An open-model client at a steady rate sees 20% of requests delayed uniformly by 0..200 ms, so the true
// p99 is 190 ms (P(latency > x) = 0.2 (200 - x) / 200 = 0.01).
import http from 'node:http'

const STALL_MS = Number(process.env.STALL_MS ?? 200)
const started = Date.now()
const server = http.createServer((_, res) => {
  const phase = (Date.now() - started) % 1000
  if (phase < STALL_MS) setTimeout(() => res.end('ok'), STALL_MS - phase)
  else res.end('ok')
})
server.keepAliveTimeout = 60_000
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`listening on ${process.env.PORT}`))
