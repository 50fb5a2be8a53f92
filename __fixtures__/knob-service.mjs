// The example service with knobs that change from one start to the next, for tests of what happens across rounds.
// Each start appends a line to STARTS_FILE (when set); the start's number (1, 2, ...) picks the knobs:
//   CRASH_ON_START=N         on the Nth start the process exits after CRASH_AFTER_REQUESTS requests (default 100)
//   BALLAST_MB_BY_START=a,b  the starts cycle through these sizes of memory held (and touched) for the process's life,
//                            which moves server.rss.peak by a known amount whatever the machine's CPU load
import { appendFileSync, existsSync, readFileSync } from 'node:fs'

const env = process.env
let start = 1
if (env.STARTS_FILE) {
  if (existsSync(env.STARTS_FILE)) start = readFileSync(env.STARTS_FILE, 'utf8').split('\n').length
  appendFileSync(env.STARTS_FILE, `${start}\n`)
}

if (env.CRASH_ON_START && Number(env.CRASH_ON_START) === start) {
  env.CRASH_AFTER = env.CRASH_AFTER_REQUESTS || '100'
}
if (env.BALLAST_MB_BY_START) {
  const sizes = env.BALLAST_MB_BY_START.split(',').map(Number)
  globalThis.ballast = Buffer.alloc(sizes[(start - 1) % sizes.length] * 1024 * 1024, 1)
}

await import('../examples/service/server.mjs')
