import { describe, expect, it } from '@jest/globals'
import { compareGate } from '../../src/gate/compare.js'
import { profileAfterVerdict, scenarioToProfile } from '../../src/gate/profile.js'
import { reportProblems } from '../../src/report/validate.js'
import type { Config } from '../../src/config/types.js'
import type { ProfileMode } from '../../src/config/cpu-profile.js'
import { exampleConfig, REPO, rpsCheck } from '../../__fixtures__/config.js'
import { fixtureProfile, syntheticMeasurer, type SyntheticSpec } from '../harness/fake-measurer.js'

/**
 * The profiling step after the verdict (gate/profile.ts) on the fake measurer: it runs once the loop has decided,
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
      expect(never.report.profile).toBeUndefined()
      expect(never.calls.some(c => c.startsWith('profile'))).toBe(false)
      const profile = onRegression.report.profile!
      expect(profile.mode).toBe('compare')
      expect(profile.scenario).toBe('get')
      expect(profile.increased[0]!.frame.name).toBe('addedWork')
      expect(profile.increased[0]!.frame.file).toBe('bench/profile-service.cjs')
    })
  }

  it('on-regression profiles nothing when every regression check passes; always does', async () => {
    const passing = await compare(rounds(), { cv: 0.002 })
    expect(passing.report.verdict).toBe('pass')
    expect(passing.report.profile).toBeUndefined()
    expect(passing.calls.some(c => c.startsWith('profile'))).toBe(false)
    const always = await compare(rounds(), { cv: 0.002 }, 'always')
    expect(always.report.scenarios).toEqual(passing.report.scenarios)
    expect(always.report.profile!.scenario).toBe('get')
  })

  it('drops the profile of a side that exited while profiled, with its note; the verdict stands', async () => {
    const exited = await compare(rounds(), {
      ...slower,
      profile: () => ({
        sides: { head: fixtureProfile('head') },
        notes: ['the base service exited while it was profiled: its profile was dropped']
      })
    })
    expect(exited.report.verdict).toBe('fail')
    expect(exited.report.profile).toBeUndefined()
    expect(exited.report.notes.slice(-2)).toEqual([
      'the base service exited while it was profiled: its profile was dropped',
      'not profiled: the base profile could not be taken (see the notes above); the verdict stands'
    ])
  })

  it('profiles the scenario whose regression check failed or is undecided, else (always) the first', async () => {
    const { report } = await compare(rounds(), slower, 'never')
    expect(scenarioToProfile(report, 'on-regression')).toBe('get')
    expect(scenarioToProfile(report, 'never')).toBeUndefined()
    const passed = { ...report, scenarios: report.scenarios.map(s => ({ ...s, checks: [] })) }
    expect(scenarioToProfile(passed, 'on-regression')).toBeUndefined()
    expect(scenarioToProfile(passed, 'always')).toBe('get')
  })

  it('says a running target is not profiled, and a measurer that cannot profile says so', async () => {
    const { report } = await compare(rounds(), slower, 'never')
    const target = { ...rounds(), service: undefined }
    const measurer = { profile: undefined }
    expect(
      (
        await profileAfterVerdict(report, target, {
          measurer,
          sides: ['head'],
          together: false,
          mode: 'always'
        })
      ).notes.at(-1)
    ).toBe('not profiled: a running target is not a process perfgate starts')
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
    expect(profiled.profile!.mode).toBe('run')
    expect(profiled.profile!.base).toBeUndefined()
    expect(profiled.profile!.increased).toEqual([])
    expect(profiled.profile!.top[0]!.frame.name).toBe('baseWork')
  })
})
