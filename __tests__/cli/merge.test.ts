import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { main } from '../../src/cli/main.js'
import { captureIO } from '../../__fixtures__/cli.js'
import { check, report, scenarioReport } from '../../__fixtures__/report.js'
import { exampleConfig } from '../../__fixtures__/config.js'
import { stampLeg } from '../../src/shard/identity.js'
import { shardScenarios } from '../../src/shard/split.js'
import type { Report } from '../../src/model/report.js'
import { overallVerdict } from '../../src/compare/verdict.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-cli-merge-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const io = () => captureIO(dir)
const config = exampleConfig(9, [{ name: 'a' }, { name: 'b' }, { name: 'c' }, { name: 'd' }])

function leg(index: number, count: number, failing: string[] = []): Report {
  const scenarios = shardScenarios(config, { index, count }).map(name =>
    failing.includes(name)
      ? scenarioReport({
          name,
          verdict: 'fail',
          checks: [check({ verdict: 'fail', message: `${name} too slow` })]
        })
      : scenarioReport({ name })
  )
  return stampLeg(
    report({ scenarios, verdict: overallVerdict(scenarios), git: { sha: 'd'.repeat(40) } }),
    config,
    { index, count }
  )
}

async function writeLegs(root: string, legs: Report[]): Promise<void> {
  for (const [i, r] of legs.entries()) {
    await mkdir(path.join(dir, root, `perfgate-leg-${i + 1}`), { recursive: true })
    await writeFile(path.join(dir, root, `perfgate-leg-${i + 1}`, 'report.json'), JSON.stringify(r))
  }
}

describe('perfgate merge', () => {
  it('joins the legs (a folder of downloaded artifacts) into one report, and exits by the merged verdict', async () => {
    await writeLegs('passing', [leg(1, 3), leg(2, 3), leg(3, 3)])
    const ok = io()
    expect(await main(['merge', 'passing', '--out', 'merged'], ok)).toBe(0)
    const merged = JSON.parse(await readFile(path.join(dir, 'merged/report.json'), 'utf8')) as Report
    expect(merged.scenarios.map(s => s.name)).toEqual(['a', 'b', 'c', 'd'])
    expect(merged.merge?.legs).toHaveLength(3)
    for (const file of ['report.html', 'summary.md', 'junit.xml', 'metrics.prom'])
      expect(existsSync(path.join(dir, 'merged', file))).toBe(true)
    expect(ok.out).toContain('merged from 3 of 3 legs')

    await writeLegs('failing', [leg(1, 2), leg(2, 2, ['b'])])
    const failing = io()
    // the legs named one by one work as well as their parent folder
    const dirs = ['failing/perfgate-leg-1', 'failing/perfgate-leg-2']
    expect(await main(['merge', ...dirs, '--out', 'merged-fail', '--quiet'], failing)).toBe(1)
    expect(failing.out).toMatch(/^fail: perfgate failed: b: b too slow\n$/)
  })

  it('a missing, foreign or duplicated leg exits 2 naming the leg', async () => {
    await writeLegs('missing', [leg(1, 3), leg(3, 3)])
    const missing = io()
    expect(await main(['merge', 'missing', '--out', 'm1', '--quiet'], missing)).toBe(2)
    expect(missing.out).toMatch(/^errored: perfgate errored: merge: leg 2\/3 is missing: no leg measured "b"/)

    const foreign = leg(2, 2)
    foreign.git = { sha: 'e'.repeat(40) }
    await writeLegs('foreign', [leg(1, 2), foreign])
    const other = io()
    expect(await main(['merge', 'foreign', '--out', 'm2', '--json'], other)).toBe(2)
    const json = JSON.parse(other.out) as Report
    expect(json.verdict).toBe('errored')
    expect(json.merge?.problems[0]).toMatch(/^leg 2\/2 \(foreign\/perfgate-leg-2\) is from another commit/)

    await writeLegs('twice', [leg(1, 2), leg(2, 2), leg(2, 2)])
    const twice = io()
    expect(await main(['merge', 'twice', '--out', 'm3', '--quiet'], twice)).toBe(2)
    expect(twice.out).toContain('leg 2/2 is duplicated: twice/perfgate-leg-2 and twice/perfgate-leg-3')
  })

  it('reads every leg as untrusted: no symlinks, JSON and the report schema checked, the leg named', async () => {
    await writeLegs('hostile', [leg(1, 3), leg(2, 3)])
    await mkdir(path.join(dir, 'hostile/perfgate-leg-3'))
    await writeFile(path.join(dir, 'outside.json'), JSON.stringify(leg(3, 3)))
    await symlink(path.join(dir, 'outside.json'), path.join(dir, 'hostile/perfgate-leg-3/report.json'))
    const linked = io()
    expect(await main(['merge', 'hostile', '--out', 'm4', '--quiet'], linked)).toBe(2)
    expect(linked.out).toMatch(
      /leg hostile\/perfgate-leg-3: .*report\.json is not a regular file; refusing it/
    )

    await writeLegs('malformed', [leg(1, 2)])
    await mkdir(path.join(dir, 'malformed/perfgate-leg-2'))
    const bad = { ...leg(2, 2), verdict: '<img src=x>' }
    await writeFile(path.join(dir, 'malformed/perfgate-leg-2/report.json'), JSON.stringify(bad))
    const malformed = io()
    expect(await main(['merge', 'malformed', '--out', 'm5', '--quiet'], malformed)).toBe(2)
    expect(malformed.out).toMatch(
      /leg malformed\/perfgate-leg-2: its report\.json is not a valid perfgate report: \/verdict must be equal to one of the allowed values/
    )

    const nothing = io()
    expect(await main(['merge', 'nowhere', '--out', 'm6'], nothing)).toBe(2)
    expect(nothing.err).toMatch(/no leg to merge: leg nowhere: no report\.json in .*nowhere/)
    const none = io()
    expect(await main(['merge'], none)).toBe(2)
    expect(none.err).toContain('merge needs the legs')
    const into = io()
    expect(await main(['merge', 'passing/perfgate-leg-1', '--out', 'passing/perfgate-leg-1'], into)).toBe(2)
    expect(into.err).toContain("is one of the legs' folders")
  })

  it('bad --shard values and --shard with --scenario are usage errors naming the flag', async () => {
    const file = path.resolve('thresholds/example.yml')
    for (const bad of ['0/2', '3/2', 'x/y', '2']) {
      const out = io()
      expect(await main(['run', '--config', file, '--shard', bad], out)).toBe(2)
      expect(out.err).toMatch(/^perfgate: --shard takes K\/N/)
    }
    const empty = io()
    expect(await main(['run', '--config', file, '--shard', '4/4'], empty)).toBe(2)
    expect(empty.err).toContain('--shard 4/4: shard 4 has no scenarios')
    const both = io()
    expect(
      await main(['compare', '--config', file, '--shard', '1/2', '--scenario', 'x', '--base', '.'], both)
    ).toBe(2)
    expect(both.err).toContain('--shard and --scenario cannot be combined')
    const help = io()
    expect(await main(['merge', '--help'], help)).toBe(0)
    expect(help.out).toContain('Usage: perfgate merge DIR...')
  })
})
