// npm run bench:h2-floor: what HTTP/2 itself costs a client per response against HTTP/1.1 on the same server,
// measured with two C clients and no perfgate: h2load (HTTP/2, 10 connections x 1 stream) against wrk (HTTP/1.1,
// 10 connections), alternated, on bench:h2's TLS server (node:http2 with allowHTTP1, pinned to CPU 1 where there
// are two; the clients on CPU 0). A client's CPU time is its shell's `times` for its children (user + system),
// divided by the responses it counted. The ratio is the floor for perfgate's own HTTP/2 / HTTP/1.1 figure in
// bench:h2 (the bar: at most 1.5x). Each round runs under the load lock. ROUNDS=3 DURATION=3 by default.
import { execFileSync } from 'node:child_process'
import os from 'node:os'
import { median, startH2BenchServer, table, withLoadLock } from './lib.mjs'

const ROUNDS = Number(process.env.ROUNDS ?? 3)
const DURATION_S = Number(process.env.DURATION ?? 3)
const twoCpus = os.availableParallelism() > 1
const pin = cpu => (twoCpus ? ['taskset', '-c', String(cpu)] : [])

/** `times` prints the shell's then its children's user and system time, as 0m1.234s 0m0.567s */
function childrenCpuSeconds(timesOutput) {
  const line = timesOutput.trim().split('\n').at(-1)
  return [...line.matchAll(/(\d+)m([\d.]+)s/g)].reduce((sum, m) => sum + Number(m[1]) * 60 + Number(m[2]), 0)
}

const clients = {
  'wrk (HTTP/1.1)': {
    command: url => `wrk -t1 -c10 -d${DURATION_S}s ${url}`,
    responses: out => Number(/(\d+) requests in/.exec(out)?.[1])
  },
  'h2load (HTTP/2, 10 x 1)': {
    command: url => `h2load -c10 -m1 -D${DURATION_S} ${url}`,
    responses: out => Number(/requests: \d+ total, \d+ started, \d+ done, (\d+) succeeded/.exec(out)?.[1])
  }
}

function measure(name, url) {
  const client = clients[name]
  const [cmd, ...args] = [...pin(0), 'bash', '-c', `${client.command(url)}; times`]
  const out = execFileSync(cmd, args, { encoding: 'utf8' })
  const responses = client.responses(out)
  if (!responses) throw new Error(`${name} counted no response:\n${out}`)
  return { responses, usPerResponse: (childrenCpuSeconds(out) * 1e6) / responses }
}

async function round(index) {
  const server = await startH2BenchServer(false, pin(1))
  try {
    const { url } = server
    const names = Object.keys(clients)
    const result = {}
    for (const name of index % 2 ? names.reverse() : names) result[name] = measure(name, url)
    return result
  } finally {
    await server.stop()
  }
}

const rounds = []
for (let i = 0; i < ROUNDS; i++) rounds.push(await withLoadLock(() => round(i)))
const [http1, http2] = Object.keys(clients)
const rows = [['round', `${http1} µs/response`, `${http2} µs/response`, 'HTTP/2 / HTTP/1.1']]
rounds.forEach((r, i) =>
  rows.push([
    String(i + 1),
    r[http1].usPerResponse.toFixed(1),
    r[http2].usPerResponse.toFixed(1),
    (r[http2].usPerResponse / r[http1].usPerResponse).toFixed(2)
  ])
)
const ratio = median(rounds.map(r => r[http2].usPerResponse / r[http1].usPerResponse))
console.log(
  `${table(rows)}\nmedian HTTP/2 / HTTP/1.1 client CPU per response (C clients, same TLS server): ${ratio.toFixed(2)}`
)
