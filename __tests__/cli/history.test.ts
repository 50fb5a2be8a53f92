import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { Ajv } from 'ajv'
import { main } from '../../src/cli/main.js'
import { stopAllServices } from '../../src/service/spawn.js'
import type { HistoryReport } from '../../src/model/history.js'
import { captureIO } from '../../__fixtures__/cli.js'
import { REPO, freePort } from '../../__fixtures__/config.js'
import { git } from '../../__fixtures__/git.js'

/**
 * A real store: `perfgate run --save-baseline` on 24 commits of a repository whose service is the example
 * service, the handler doing 60 % more work (a fixed hash loop: deterministic CPU) from the 13th commit on.
 * `perfgate history` must name that commit on the server's CPU time per request, which the config gates and so the
 * history analyses. Throughput and latency follow this shared machine's speed, which drifted by 20-50 % within two
 * minutes as other sessions' work came and went (measured while writing this test): such a drift is a change
 * point too, and it can hide or mimic a 30 % step. CPU time per request does not drift with the CPU share the
 * service gets from a busy machine, only with the work each request does. It still moves by up to ~10 % with
 * what runs beside it (cache and frequency sharing: in one CI run beside a CPU hog and the zoo suite, the early
 * runs read 8 % above the later ones, and a 30 % step measured 7.7 %), so the step is 60 % of the handler's work
 * and the test asks for more than 15 %.
 */
const BEFORE = 12
const AFTER = 12

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-cli-history-'))
})
afterAll(async () => {
  await stopAllServices()
  await rm(dir, { recursive: true, force: true })
})

const app = (cpuUs: number) =>
  `// the handler's work per request\nprocess.env.CPU_US = '${cpuUs}'\nawait import(${JSON.stringify(path.join(REPO, 'examples/service/server.mjs'))})\n`

describe('perfgate history over a store built by perfgate run', () => {
  it('names the commit where the handler started doing 60 % more work, in --json and on the page', async () => {
    const port = await freePort()
    git(dir, 'init', '-q', '-b', 'main')
    await writeFile(
      path.join(dir, 'perfgate.yml'),
      `version: 1
service:
  command: node app.mjs
  env: { PORT: "${port}" }
  ready: { url: http://127.0.0.1:${port}/health, timeout: 15s }
defaults: { warmup: 300ms, duration: 1s, connections: 4, min-requests: 5 }
scenarios:
  - name: get
    request: { url: http://127.0.0.1:${port}/reservations/1 }
    regression: { server.cpu.per_request: "+10%" }
`
    )
    let stepSha = ''
    for (let i = 0; i < BEFORE + AFTER; i++) {
      await writeFile(path.join(dir, 'app.mjs'), app(i < BEFORE ? 1000 : 1600))
      await writeFile(path.join(dir, 'CHANGES'), `change ${i + 1}\n`)
      git(dir, 'add', '-A')
      git(dir, 'commit', '-q', '-m', i === BEFORE ? 'handler does 60% more work' : `change ${i + 1}`)
      if (i === BEFORE) stepSha = git(dir, 'rev-parse', 'HEAD')
      const run = captureIO(dir)
      expect(await main(['run', '--save-baseline', 'store', '--rounds', '2', '-q'], run)).toBe(0)
    }
    const history = captureIO(dir)
    expect(
      await main(['history', '--baseline', 'store', '--ref', 'main', '--json', '--out', 'page'], history)
    ).toBe(0)
    const report = JSON.parse(history.out) as HistoryReport
    const schema = JSON.parse(await readFile(path.join(REPO, 'schema/history.schema.json'), 'utf8')) as object
    expect(new Ajv({ strict: false }).compile(schema)(report)).toBe(true)
    expect(report.order).toBe('the first-parent line of main')
    expect(report.series).toHaveLength(1)
    expect(report.series[0]!.runs).toHaveLength(BEFORE + AFTER)
    await writeFile(path.join(REPO, 'build/history-real.json'), JSON.stringify(report)).catch(() => undefined)
    const cpu = report.series[0]!.metrics.find(m => m.metric === 'server.cpu.per_request')!
    const atStep = cpu.changePoints.filter(c => c.sha === stepSha)
    expect(atStep).toHaveLength(1)
    expect(atStep[0]!.worse).toBe(true)
    expect(atStep[0]!.change).toBeGreaterThan(0.15)
    expect(atStep[0]!.change).toBeLessThan(1)
    expect(atStep[0]!.previousSha).toBe(git(dir, 'rev-parse', `${stepSha}~1`))
    expect(report.changes.some(c => c.sha === stepSha)).toBe(true)
    expect(history.err).toContain(`${stepSha.slice(0, 7)} server.cpu.per_request of get`)
    const page = await readFile(path.join(dir, 'page/index.html'), 'utf8')
    expect(page).toContain(`<code>${stepSha.slice(0, 7)}</code> handler does 60% more work`)
  }, 240_000)

  it('says what is missing: no store yet, and an unknown --since', async () => {
    const empty = captureIO(dir)
    expect(await main(['history', '--baseline', 'nothing-here', '--out', 'empty'], empty)).toBe(0)
    expect(empty.out).toContain('0 series')
    const since = captureIO(dir)
    expect(await main(['history', '--dir', 'store', '--since', 'not-a-commit', '--out', 'x'], since)).toBe(2)
    expect(since.err).toContain('--since not-a-commit: neither a commit on the line nor a date')
  })
})
