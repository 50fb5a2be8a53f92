// npm run zoo: perfgate run and an A/A compare against every server of the zoo (__tests__/zoo/servers), the
// cleanup check after each, and closed-model throughput against wrk and raw autocannon; writes docs/zoo.md and
// exits 1 when any server failed (or could not be run: nginx, wrk and python3 are required here).
// `npm run zoo -- nginx koa` runs only the named servers and prints their table without writing docs/zoo.md.
// ZOO_LOCK=/tmp/perfgate-load.lock takes that lock (flock) for each server in turn, not for the whole zoo.
// It runs in plain Node on perfgate's compiled sources (build/), as users run perfgate, not under jest.
import { execFileSync } from 'node:child_process'

execFileSync('npx', ['tsc', '-p', 'tsconfig.zoo.json'], { stdio: 'inherit' })
const { runZoo } = await import('../build/__tests__/zoo/harness/zoo.js')
process.exit(await runZoo(process.argv.slice(2)))
