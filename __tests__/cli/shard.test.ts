import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { main } from '../../src/cli/main.js'
import { captureIO } from '../../__fixtures__/cli.js'
import { exampleServiceYaml, freePort } from '../../__fixtures__/config.js'
import { stopAllServices } from '../../src/service/spawn.js'
import type { Report } from '../../src/model/report.js'
import { git } from '../../__fixtures__/git.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-cli-shard-'))
})
afterAll(async () => {
  await stopAllServices()
  await rm(dir, { recursive: true, force: true })
})

const io = () => captureIO(dir)
const read = async (file: string) => JSON.parse(await readFile(path.join(dir, file), 'utf8')) as Report

describe('perfgate run --shard K/N against the example service', () => {
  it('two legs store their own records; a whole run finds every scenario in them; merge joins the legs', async () => {
    const port = await freePort()
    const extra = `    regression:
      throughput.ok_rps: "-60%"
  - name: other
    request: { url: http://127.0.0.1:${port}/reservations/2 }
    regression:
      throughput.ok_rps: "-60%"
`
    await writeFile(path.join(dir, 'perfgate.yml'), exampleServiceYaml(port, extra))
    for (const k of [1, 2]) {
      const out = io()
      const code = await main(
        ['run', '--shard', `${k}/2`, '--out', `leg-${k}`, '--save-baseline', 'store', '--rounds', '2', '-q'],
        out
      )
      expect({ code, err: out.err }).toEqual({ code: 0, err: '' })
    }
    const [one, two] = [await read('leg-1/report.json'), await read('leg-2/report.json')]
    // sorted names dealt round-robin: get, other
    expect(one.scenarios.map(s => s.name)).toEqual(['get'])
    expect(two.scenarios.map(s => s.name)).toEqual(['other'])
    expect(one.shard).toMatchObject({ kind: 'suite', index: 1, count: 2, suite: ['get', 'other'] })
    expect(one.config.hash).toBe(two.config.hash)
    // one record per leg, the leg in its path
    const stored = await readdir(path.join(dir, 'store/v1/runs/local'))
    expect(stored.sort()).toEqual([
      expect.stringMatching(/-1-shard-1-of-2-[0-9a-f]{16}\.json$/),
      expect.stringMatching(/-1-shard-2-of-2-[0-9a-f]{16}\.json$/)
    ])

    const whole = io()
    expect(await main(['run', '--baseline', 'store', '--out', 'whole', '-q'], whole)).toBe(0)
    const report = await read('whole/report.json')
    expect(report.config.hash).toBe(one.config.hash)
    expect(report.baseline?.state).toBe('used')
    expect(report.baseline?.message).toContain('other record')
    for (const s of report.scenarios)
      expect(s.checks.find(c => c.kind === 'regression')?.verdict).not.toBe('skipped')

    const merged = io()
    expect(await main(['merge', 'leg-1', 'leg-2', '--out', 'merged', '-q'], merged)).toBe(0)
    expect((await read('merged/report.json')).scenarios.map(s => s.name)).toEqual(['get', 'other'])
  }, 120_000)

  it('compare --shard K/N: a leg compares base and head of its own scenarios and records its commit', async () => {
    const repo = path.join(dir, 'repo')
    const port = await freePort()
    git(dir, 'init', '-q', repo)
    await writeFile(
      path.join(repo, 'perfgate.yml'),
      exampleServiceYaml(
        port,
        `    regression:
      throughput.ok_rps: "-60%"
  - name: other
    request: { url: http://127.0.0.1:${port}/reservations/2 }
compare: { mode: interleaved, rounds: { min: 2, max: 2 }, budget: 60s }
`
      )
    )
    git(repo, 'add', 'perfgate.yml')
    git(repo, 'commit', '-q', '-m', 'perf')
    const out = io()
    const code = await main(
      [
        'compare',
        '--config',
        path.join(repo, 'perfgate.yml'),
        '--base',
        repo,
        '--shard',
        '1/2',
        '--out',
        'cmp',
        '-q'
      ],
      out
    )
    expect(out.err).toBe('')
    expect([0, 1]).toContain(code)
    const report = await read('cmp/report.json')
    expect(report.mode).toBe('compare')
    expect(report.scenarios.map(s => s.name)).toEqual(['get'])
    expect(report.scenarios[0]!.runs.some(r => r.side === 'base')).toBe(true)
    expect(report.shard).toMatchObject({ index: 1, count: 2, scenarios: ['get'], suite: ['get', 'other'] })
    expect(report.git?.sha).toBe(git(repo, 'rev-parse', 'HEAD'))
  }, 120_000)
})
