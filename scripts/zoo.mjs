// npm run zoo: perfgate run and an A/A compare against every server of the zoo (__tests__/zoo/servers), the
// cleanup check after each, and the references (the server's own count, an independent client's p50; wrk's and
// raw autocannon's throughput as information); writes docs/zoo.md and exits 1 when any server failed (or could
// not be run: the tools of scripts/ensure-tools.mjs --zoo are required here). Each row also goes to
// build/zoo-rows.jsonl as it is measured; `node scripts/zoo.mjs --from-rows a.jsonl b.jsonl` writes docs/zoo.md
// from such files (a zoo run in parts), naming the servers they lack.
// `npm run zoo -- nginx koa` runs only the named servers, in that order, and prints their table without writing
// docs/zoo.md.
// ZOO_LOCK=/tmp/perfgate-load.lock takes that lock (flock) for each server in turn, not for the whole zoo.
// It runs in plain Node on perfgate's compiled sources (build/), as users run perfgate, not under jest.
import { execFileSync } from 'node:child_process'

execFileSync('npx', ['tsc', '-p', 'tsconfig.zoo.json'], { stdio: 'inherit' })
const { runZoo, writeZooFromRows } = await import('../build/__tests__/zoo/harness/zoo.js')
const args = process.argv.slice(2)
process.exit(args[0] === '--from-rows' ? writeZooFromRows(args.slice(1)) : await runZoo(args))
