import net from 'node:net'
import { Pool, Client } from 'undici'
import { compileSources, startExample, median } from './lib.mjs'
compileSources()
const { runOpenLoad } = await import('../build/src/load/open.js')
const RATE = 200, DUR = 3000
const q = (xs, p) => { const s = [...xs].sort((a,b)=>a-b); return s[Math.min(s.length-1, Math.floor(p*s.length))] }
async function seqLoop(fn) {
  const lat = []; const start = performance.now(); const cpu = process.cpuUsage()
  for (let i = 0; ; i++) {
    const due = start + i * 1000 / RATE
    if (due - start > DUR) break
    const w = due - performance.now(); if (w > 0) await new Promise(r => setTimeout(r, w))
    const ms = await fn(); if (i > 50) lat.push(ms)
  }
  const c = process.cpuUsage(cpu)
  return { p50: q(lat, .5), p99: q(lat, .99), cpu: (c.user + c.system) / lat.length }
}
async function raw(url) {
  const { hostname, port, pathname } = new URL(url)
  const socket = net.connect({ host: hostname, port: Number(port) }); await new Promise(r => socket.once('connect', r)); socket.setNoDelay(true)
  const req = Buffer.from(`GET ${pathname} HTTP/1.1\r\nHost: ${hostname}:${port}\r\n\r\n`)
  const r = await seqLoop(() => new Promise(resolve => {
    let buf = Buffer.alloc(0)
    const on = ch => { buf = Buffer.concat([buf, ch]); const e = buf.indexOf('\r\n\r\n'); if (e < 0) return
      const len = Number(/content-length: *(\d+)/i.exec(buf.subarray(0, e).toString())?.[1] ?? 0); if (buf.length < e + 4 + len) return
      socket.off('data', on); resolve(performance.now() - t) }
    socket.on('data', on); const t = performance.now(); socket.write(req) }))
  socket.destroy(); return r
}
async function undiciSeq(url, Kind, fromConnect) {
  const u = new URL(url); const d = new Kind(u.origin, Kind === Pool ? { connections: 100, pipelining: 1 } : { pipelining: 1 })
  const r = await seqLoop(() => new Promise((resolve, reject) => {
    let t = performance.now()
    d.dispatch({ method: 'GET', path: u.pathname, headers: {} }, {
      onConnect() { if (fromConnect) t = performance.now() }, onHeaders() { return true }, onData() { return true },
      onComplete() { resolve(performance.now() - t) }, onError: reject })
  }))
  await d.destroy(); return r
}
const sc = (url) => ({ name: 'x', request: { method: 'GET', url, headers: {} }, load: { mode: 'rate', rate: RATE, connections: 100, durationMs: DUR, warmupMs: 500, timeoutMs: 10000 }, thresholds: [], regression: [], minRequests: 1, maxErrorRate: 1 })
const server = await startExample({ CPU_US: '20' })
const url = `${server.url}/reservations/42`
const res = {}
try {
  for (let k = 0; k < 3; k++) {
    for (const [name, fn] of [
      ['raw', () => raw(url)],
      ['undici pool from dispatch', () => undiciSeq(url, Pool, false)],
      ['undici pool from connect', () => undiciSeq(url, Pool, true)],
      ['undici client from connect', () => undiciSeq(url, Client, true)],
      ['perfgate open', async () => { const c = process.cpuUsage(); const r = await runOpenLoad(sc(url)); const u = process.cpuUsage(c); return { p50: r.latency.p50 / 1000, p99: r.latency.p99 / 1000, cpu: (u.user + u.system) / (r.counts.sent * 3.5/3) } }]
    ]) (res[name] ??= []).push(await fn())
  }
} finally { await server.stop() }
for (const [name, rs] of Object.entries(res)) console.log(name.padEnd(28), 'p50', median(rs.map(r => r.p50)).toFixed(3), 'p99', median(rs.map(r => r.p99)).toFixed(3), 'cpu/req', median(rs.map(r => r.cpu)).toFixed(0))
