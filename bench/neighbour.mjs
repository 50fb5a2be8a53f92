// The noisy neighbour of bench:power and bench:noise: a child that spins one core for 1-4 s every 3-10 s.
import { spawn } from 'node:child_process'

const MAX_NOISE_S = Number(process.env.MAX_NOISE_S ?? 4 * 3600)

/** The noisy neighbour: a child that sleeps 3-10 s (0-10 s the first time), then spins one core for 1-4 s, until it is killed. */
const NEIGHBOUR = `
const parent = process.ppid
const end = Date.now() + ${MAX_NOISE_S * 1000}
const uniform = (a, b) => a + (b - a) * Math.random()
const sleep = ms => new Promise(r => setTimeout(r, ms))
;(async () => {
  let first = true
  while (Date.now() < end) {
    await sleep(first ? uniform(0, 10000) : uniform(3000, 10000))
    first = false
    if (process.ppid !== parent) break
    const until = Date.now() + uniform(1000, 4000)
    let x = 0
    while (Date.now() < until) x = (x * 31 + 7) | 0
  }
  process.exit(0)
})()
`

/** The neighbour for one trial: started inside the trial's lock, stopped at its end. */
export function startNeighbour() {
  const child = spawn(process.execPath, ['-e', NEIGHBOUR], { stdio: 'ignore' })
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  }
  process.once('exit', kill)
  const stop = () => {
    kill()
    process.removeListener('exit', kill)
  }
  return { pid: child.pid, stop }
}
