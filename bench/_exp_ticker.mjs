import { compileSources } from './lib.mjs'
compileSources()
const { startSendTicker, sendOnSchedule } = await import('../build/src/load/clock.js')
for (const rate of [10, 200, 2000]) {
  const ticker = await startSendTicker()
  const cpu = process.cpuUsage(); let n = 0
  await sendOnSchedule(ticker, 0, i => i * 1000 / rate, 3000, () => n++)
  const c = process.cpuUsage(cpu); await ticker.close()
  console.log('ticker only', rate, 'cpu/tick µs', ((c.user + c.system) / n).toFixed(0), 'ms/s', ((c.user + c.system) / 3000).toFixed(2))
  const cpu2 = process.cpuUsage(); let m = 0; const t0 = performance.now()
  await new Promise(r => { const loop = () => { const el = performance.now() - t0; if (el >= 3000) return r(); while (m < el * rate / 1000) m++; setTimeout(loop, Math.max(0, (m + 1) * 1000 / rate - el)) }; loop() })
  const c2 = process.cpuUsage(cpu2)
  console.log('setTimeout  ', rate, 'cpu/tick µs', ((c2.user + c2.system) / m).toFixed(0))
}
