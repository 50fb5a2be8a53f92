import { describe, expect, it } from '@jest/globals'
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { writeReportFiles } from '../../src/report/write.js'
import { renderComment } from '../../src/report/markdown.js'
import { renderTerminal } from '../../src/report/terminal.js'
import { renderHtml } from '../../src/report/html.js'
import { compareGate } from '../../src/gate/compare.js'
import { profileAfterVerdict, scenariosToProfile } from '../../src/gate/profile-after-verdict.js'
import { reportProblems } from '../../src/report/validate.js'
import type { Config } from '../../src/config/types.js'
import type { ProfileMode } from '../../src/config/cpu-profile.js'
import { exampleConfig, REPO, rpsCheck } from '../../__fixtures__/config.js'
import { fixtureProfile, syntheticMeasurer, type SyntheticSpec } from '../harness/fake-measurer.js'

/**
 * The profiling step after the verdict (gate/profile-after-verdict.ts) on the fake measurer: it runs once the loop has decided,
 * and the verdict, its interval and every measured figure are the same whether it runs or not.
 */

const rounds = (): Config => exampleConfig(1, [{ name: 'get', regression: [rpsCheck] }])

/** a config with {{service.port}}: the slices design, both sides up at once */
const sliced = (): Config => {
  const c = exampleConfig(1, [{ name: 'get', regression: [rpsCheck] }])
  c.compare = { ...c.compare, epochs: { min: 3, max: 8 } }
  c.service!.env = { PORT: '{{service.port}}' }
  c.scenarios[0]!.request.url = 'http://127.0.0.1:{{service.port}}/reservations/42'
  return c
}

async function compare(c: Config, spec: SyntheticSpec, profile?: ProfileMode) {
  const measurer = syntheticMeasurer(c, { seed: 7, ...spec })
  let clock = 0
  const report = await compareGate(c, {
    baseDir: REPO,
    headDir: REPO,
    host: { cpus: [0, 1], taskset: false },
    measurer,
    seed: 3,
    now: () => (clock += 1000),
    ...(profile ? { profile } : {})
  })
  expect(reportProblems(report)).toEqual([])
  return { report, calls: measurer.calls }
}

const slower = { change: { 'throughput.rps': -0.3 } }

describe('profiling after the verdict', () => {
  for (const [design, config] of [
    ['rounds', rounds],
    ['slices', sliced]
  ] as const) {
    it(`${design}: leaves the verdict, its interval and every measured figure as profile: never has them`, async () => {
      const never = await compare(config(), slower, 'never')
      const onRegression = await compare(config(), slower)
      const always = await compare(config(), slower, 'always')
      for (const profiled of [onRegression, always]) {
        expect(profiled.report.verdict).toBe('fail')
        expect(profiled.report.verdict).toBe(never.report.verdict)
        expect(profiled.report.headline).toBe(never.report.headline)
        expect(profiled.report.scenarios).toEqual(never.report.scenarios)
        // the measurement's steps are the same, and the profiling step comes after all of them
        expect(profiled.calls.slice(0, -1)).toEqual(never.calls)
        expect(profiled.calls.at(-1)).toBe(`profile get base+head${design === 'slices' ? ' together' : ''}`)
      }
      expect(never.report.profiles).toBeUndefined()
      expect(never.calls.some(c => c.startsWith('profile'))).toBe(false)
      const profile = onRegression.report.profiles![0]!
      expect(profile.mode).toBe('compare')
      expect(profile.scenario).toBe('get')
      expect(profile.increased[0]!.frame.name).toBe('addedWork')
      expect(profile.increased[0]!.frame.file).toBe('bench/profile-service.cjs')
    })
  }

  it('on-regression profiles nothing when every regression check passes; always does', async () => {
    const passing = await compare(rounds(), { cv: 0.002 })
    expect(passing.report.verdict).toBe('pass')
    expect(passing.report.profiles).toBeUndefined()
    expect(passing.calls.some(c => c.startsWith('profile'))).toBe(false)
    const always = await compare(rounds(), { cv: 0.002 }, 'always')
    expect(always.report.scenarios).toEqual(passing.report.scenarios)
    expect(always.report.profiles![0]!.scenario).toBe('get')
  })

  it('drops the profile of a side that exited while profiled, with its note; the verdict stands', async () => {
    const exited = await compare(rounds(), {
      ...slower,
      profile: () => ({
        sides: { head: fixtureProfile('head') },
        notes: [{ kind: 'profiled-service', side: 'base', problem: 'exited' }]
      })
    })
    expect(exited.report.verdict).toBe('fail')
    expect(exited.report.profiles).toBeUndefined()
    expect(exited.report.notes.slice(-2)).toEqual([
      'the base service exited while it was profiled: its profile was dropped',
      'not profiled: the base profile of get could not be taken (see the notes above); the verdict stands'
    ])
    expect(exited.report.noteData?.slice(-2).map(({ message: _, ...data }) => data)).toEqual([
      { kind: 'profiled-service', side: 'base', problem: 'exited' },
      { kind: 'not-profiled', why: 'no-profile', scenario: 'get', sides: ['base'] }
    ])
  })

  it('profiles the scenario whose regression check failed or is undecided, else (always) the first', async () => {
    const { report } = await compare(rounds(), slower, 'never')
    expect(scenariosToProfile(report, 'on-regression')).toEqual(['get'])
    expect(scenariosToProfile(report, 'never')).toEqual([])
    const passed = { ...report, scenarios: report.scenarios.map(s => ({ ...s, checks: [] })) }
    expect(scenariosToProfile(passed, 'on-regression')).toEqual([])
    expect(scenariosToProfile(passed, 'always')).toEqual(['get'])
  })

  it('says a running target is not profiled, and a measurer that cannot profile says so', async () => {
    const { report } = await compare(rounds(), slower, 'never')
    const target = { ...rounds(), service: undefined }
    const measurer = { profile: undefined }
    const targeted = await profileAfterVerdict(report, target, {
      measurer,
      sides: ['head'],
      together: false,
      mode: 'always'
    })
    expect(targeted.notes.at(-1)).toBe('not profiled: a running target is not a process perfgate starts')
    expect(targeted.noteData?.at(-1)).toMatchObject({ kind: 'not-profiled', why: 'running-target' })
    // the notes the loop made stay, with their data
    expect(targeted.notes.slice(0, -1)).toEqual(report.notes)
    expect(targeted.noteData?.slice(0, -1)).toEqual(report.noteData ?? [])
    expect(
      (
        await profileAfterVerdict(report, rounds(), {
          measurer,
          sides: ['head'],
          together: false,
          mode: 'always'
        })
      ).notes.at(-1)
    ).toBe('not profiled: this measurer cannot profile')
  })

  it("notes latency that rose while the head's CPU per request did not, as data in the profile", async () => {
    const { report } = await compare(rounds(), slower, 'never')
    const latencyFailed = {
      ...report,
      scenarios: report.scenarios.map(sc => ({
        ...sc,
        checks: sc.checks.map(c => ({ ...c, metric: 'latency.p99', verdict: 'fail' as const }))
      }))
    }
    const profiled = await profileAfterVerdict(latencyFailed, rounds(), {
      measurer: {
        profile: async () => ({
          sides: { base: fixtureProfile('base'), head: fixtureProfile('base') },
          notes: []
        })
      },
      sides: ['base', 'head'],
      together: false
    })
    const profile = profiled.profiles![0]!
    expect(profile.increased).toEqual([])
    expect(profile.noteData?.map(n => n.kind)).toEqual(['off-cpu'])
    expect(profile.notes).toEqual([
      expect.stringMatching(/^latency rose but the head's CPU per request did not/)
    ])
    expect(reportProblems(profiled)).toEqual([])
  })

  it('profiles the head alone (run --profile): its top functions, no diff', async () => {
    const c = rounds()
    const { report } = await compare(c, slower, 'never')
    const measurer = syntheticMeasurer(c)
    const profiled = await profileAfterVerdict(report, c, {
      measurer,
      sides: ['head'],
      together: false,
      mode: 'always',
      roots: { head: REPO }
    })
    expect(measurer.calls).toEqual(['profile get head'])
    expect(profiled.profiles![0]!.mode).toBe('run')
    expect(profiled.profiles![0]!.base).toBeUndefined()
    expect(profiled.profiles![0]!.increased).toEqual([])
    expect(profiled.profiles![0]!.top[0]!.frame.name).toBe('baseWork')
  })

  it('profiles every scenario whose regression check failed, each with its own section and files', async () => {
    const two = (): Config =>
      exampleConfig(1, [
        { name: 'list', regression: [rpsCheck] },
        { name: 'get', regression: [rpsCheck] }
      ])
    const never = await compare(two(), slower, 'never')
    const profiled = await compare(two(), slower)
    expect(profiled.report.scenarios).toEqual(never.report.scenarios)
    expect(profiled.calls.slice(never.calls.length)).toEqual([
      'profile list base+head',
      'profile get base+head'
    ])
    expect(profiled.report.profiles!.map(p => p.scenario)).toEqual(['list', 'get'])
    for (const p of profiled.report.profiles!) expect(p.increased[0]!.frame.name).toBe('addedWork')
    const comment = renderComment(profiled.report)
    expect(comment.match(/\*\*Where the head spends more CPU per request\*\* \((list|get), /g)).toHaveLength(
      2
    )
    expect(
      renderTerminal(profiled.report).match(/^Where the head spends more CPU per request: /gm)
    ).toHaveLength(2)
    const html = renderHtml(profiled.report)
    expect(html).toContain('id="flame"')
    expect(html).toContain('id="flame-2"')
    expect(html.match(/__perfgateFlames = \{\}/g)).toHaveLength(1)
    // the files: the first scenario's in profile/, the second's in profile/2-get/
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pg-profiles-'))
    try {
      const copy = (name: string) => {
        const file = path.join(dir, `${name}.cpuprofile`)
        copyFileSync(path.resolve('__fixtures__/profile/base.cpuprofile'), file)
        return file
      }
      for (const p of profiled.report.profiles!) {
        p.base!.file = copy(`${p.scenario}-base`)
        p.head.file = copy(`${p.scenario}-head`)
      }
      await writeReportFiles(profiled.report, path.join(dir, 'out'))
      expect(profiled.report.profiles!.map(p => [p.base!.file, p.head.file])).toEqual([
        ['profile/base.cpuprofile', 'profile/head.cpuprofile'],
        ['profile/2-get/base.cpuprofile', 'profile/2-get/head.cpuprofile']
      ])
      for (const file of ['profile/base.cpuprofile', 'profile/2-get/head.cpuprofile'])
        expect(existsSync(path.join(dir, 'out', file))).toBe(true)
      const written = JSON.parse(readFileSync(path.join(dir, 'out', 'report.json'), 'utf8'))
      expect(written.profiles[1].head.file).toBe('profile/2-get/head.cpuprofile')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('profiles a further scenario only within the compare budget, and names the ones left out', async () => {
    const three = (budgetMs: number): Config => {
      const c = exampleConfig(1, [
        { name: 'a', regression: [rpsCheck] },
        { name: 'b', regression: [rpsCheck] },
        { name: 'c', regression: [rpsCheck] }
      ])
      c.compare = { ...c.compare, budgetMs }
      return c
    }
    const { report } = await compare(three(600_000), slower, 'never')
    // each profiling step takes 20 s of the fake clock
    const step = async (budgetMs: number) => {
      let clock = 0
      const inner = syntheticMeasurer(three(budgetMs))
      const measurer = {
        profile: async (request: Parameters<NonNullable<typeof inner.profile>>[0]) => {
          clock += 20_000
          return inner.profile!(request)
        }
      }
      return profileAfterVerdict(report, three(budgetMs), {
        measurer,
        sides: ['base', 'head'],
        together: false,
        now: () => clock,
        startedAt: 0
      })
    }
    expect((await step(600_000)).profiles!.map(p => p.scenario)).toEqual(['a', 'b', 'c'])
    const tight = await step(45_000)
    expect(tight.profiles!.map(p => p.scenario)).toEqual(['a', 'b'])
    expect(tight.notes.at(-1)).toBe(
      'not profiled: c (one more profiling step of about 20 s would pass the compare budget of 45 s); raise compare.budget to profile them too'
    )
    expect(tight.noteData?.at(-1)).toMatchObject({
      kind: 'not-profiled',
      why: 'budget',
      scenarios: ['c'],
      stepMs: 20_000,
      budgetMs: 45_000
    })
  })
})
