import { afterEach, describe, expect, it } from '@jest/globals'
import { PROFILE_DEFAULTS } from '../../src/config/cpu-profile.js'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { compareGate } from '../../src/gate/compare.js'
import { liveProcessGroups, stopAllServices } from '../../src/service/spawn.js'
import { reportProblems } from '../../src/report/validate.js'
import type { Config, Scenario } from '../../src/config/types.js'
import { exampleConfig, freePort, REPO, rpsCheck } from '../../__fixtures__/config.js'

afterEach(async () => {
  await stopAllServices()
})

/** a short load: for the tests whose facts do not need a long one */
const quick = { mode: 'closed' as const, connections: 2, durationMs: 400, warmupMs: 100, timeoutMs: 5000 }

/** throughput.rps may fall 50%: wide, so a quiet comparison passes and only noise keeps it undecided */
const wideRps = { ...rpsCheck, tolerance: 0.5, expression: '-50%' }

/** The example config run through __fixtures__/knob-service.mjs, whose knobs change from start to start. */
function knobConfig(port: number, scenarios: Array<Partial<Scenario>>): Config {
  const config = exampleConfig(port, scenarios)
  config.service!.command = 'node __fixtures__/knob-service.mjs'
  return config
}

/**
 * compareGate end to end with real service processes: what the fake measurer of __tests__/gate/compare.test.ts
 * cannot show (a real slowdown caught, start failures, crashes, restarts and fresh processes, nothing left running).
 */
describe('compareGate with real processes', () => {
  it('catches a head that does three times the CPU work per request', async () => {
    const port = await freePort()
    // a whole second per round: the per-round throughput a slowdown is decided from, not a counting fact
    const config = exampleConfig(port, [
      {
        regression: [rpsCheck],
        load: { mode: 'closed', connections: 4, durationMs: 1000, warmupMs: 200, timeoutMs: 5000 }
      }
    ])
    config.service!.env.CPU_US = '300'
    // on a busy machine a clear 3x slowdown may need more rounds to be decided: allow them, assert the verdict
    config.compare.rounds = { min: 2, max: 10 }
    config.compare.budgetMs = 120_000
    const report = await compareGate(config, {
      baseDir: REPO,
      headDir: REPO,
      env: { head: { SLOWDOWN: '2' } }
    })
    expect(reportProblems(report)).toEqual([])
    const [scenario] = report.scenarios
    const check = scenario!.checks[0]!
    expect(check.verdict).toBe('fail')
    expect(check.change!).toBeLessThan(-0.3)
    expect(check.interval![1]).toBeLessThan(-0.05)
    expect(check.rounds).toBeGreaterThanOrEqual(2)
    expect(scenario!.baseMetrics!['throughput.rps']).toBeGreaterThan(scenario!.metrics['throughput.rps']!)
    const sides = scenario!.runs.map(r => `${r.round}${r.side[0]}`)
    expect(sides.slice(0, 4)).toEqual(['1b', '1h', '2b', '2h'])
    expect(liveProcessGroups()).toEqual([])
  }, 180_000)

  it('a base that cannot start errors the comparison and says which side', async () => {
    const port = await freePort()
    const empty = await mkdtemp(path.join(os.tmpdir(), 'perfgate-empty-base-'))
    try {
      const report = await compareGate(exampleConfig(port, [{ regression: [rpsCheck] }]), {
        baseDir: empty,
        headDir: REPO
      })
      expect(report.verdict).toBe('errored')
      expect(report.scenarios[0]!.error!.message).toMatch(/^the base service could not be started: /)
    } finally {
      await rm(empty, { recursive: true, force: true })
    }
  })

  it('a head that cannot start while the base starts is errored too', async () => {
    const port = await freePort()
    const report = await compareGate(exampleConfig(port, [{ regression: [rpsCheck] }]), {
      baseDir: REPO,
      headDir: REPO,
      env: { head: { PORT: 'not-a-port' } }
    })
    expect(report.scenarios[0]!.error!.message).toMatch(/^the head service could not be started: /)
    expect(liveProcessGroups()).toEqual([])
  })

  it('a head that crashes is errored, shows only its own counts and stops the rounds', async () => {
    const port = await freePort()
    const config = exampleConfig(port, [{ regression: [rpsCheck] }])
    config.compare.rounds = { min: 3, max: 5 }
    const report = await compareGate(config, {
      baseDir: REPO,
      headDir: REPO,
      env: { head: { CRASH_AFTER: '100' } }
    })
    expect(reportProblems(report)).toEqual([])
    const [scenario] = report.scenarios
    expect(scenario!.verdict).toBe('errored')
    expect(scenario!.error!.kind).toBe('crashed')
    expect(scenario!.checks).toEqual([])
    // the base round before it was fine; none of its latency or throughput may pass for the scenario's
    expect(scenario!.runs.map(r => `${r.round}${r.side[0]}${r.error ? '!' : ''}`)).toEqual(['1b', '1h!'])
    expect(scenario!.runs[0]!.metrics['latency.p99']).toBeGreaterThan(0)
    for (const key of ['latency.p50', 'latency.p99', 'throughput.rps', 'server.cpu.mean'])
      expect(scenario!.metrics[key]).toBeUndefined()
    expect(scenario!.metrics['requests.total']).toBe(scenario!.runs[1]!.metrics['requests.total'])
    expect(report.notes).toContain('stopped after round pair 1: the head errored in scenario-1')
  })

  it('a crashed base round is dropped with a note, and a service that died is restarted for the next scenario', async () => {
    const port = await freePort()
    const dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-compare-crash-'))
    try {
      const config = knobConfig(port, [{ regression: [wideRps] }, { regression: [wideRps] }])
      config.compare.rounds = { min: 2, max: 2 }
      // the profiling step would start each side once more: this test counts the measured rounds' starts
      config.cpuProfile = { ...PROFILE_DEFAULTS, mode: 'never' }
      const report = await compareGate(config, {
        baseDir: REPO,
        headDir: REPO,
        env: {
          base: { STARTS_FILE: path.join(dir, 'base'), CRASH_ON_START: '1', CRASH_AFTER_REQUESTS: '60' },
          head: { STARTS_FILE: path.join(dir, 'head') }
        }
      })
      expect(reportProblems(report)).toEqual([])
      const [first, second] = report.scenarios
      // round 1: the base process crashed in scenario-1; scenario-2 got a fresh one
      expect(first!.verdict).not.toBe('errored')
      expect(first!.runs.filter(r => r.side === 'base').map(r => Boolean(r.error))).toEqual([true, false])
      expect(first!.notes).toContain('1 base round(s) errored and were not counted as data')
      expect(first!.checks[0]!.rounds).toBe(1)
      expect(second!.verdict).not.toBe('errored')
      expect(second!.runs.filter(r => r.side === 'base' && !r.error)).toHaveLength(2)
      expect(second!.checks[0]!.rounds).toBe(2)
      expect(report.notes).toContain(
        'the base service had exited and was restarted before scenario-2 (round 1)'
      )
      expect((await readFile(path.join(dir, 'base'), 'utf8')).trim().split('\n')).toHaveLength(3)
      expect(liveProcessGroups()).toEqual([])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('the scenario after a stress suite gets a fresh service process on each side', async () => {
    const port = await freePort()
    const config = exampleConfig(port, [
      { name: 'ramp', load: quick, suite: { kind: 'stress', start: 1, step: 1, max: 2, maxErrorRate: 0.05 } },
      { name: 'after', load: quick }
    ])
    config.compare.rounds = { min: 1, max: 1 }
    const spawned: number[] = []
    const report = await compareGate(config, {
      baseDir: REPO,
      headDir: REPO,
      onSpawned: pid => spawned.push(pid)
    })
    expect(reportProblems(report)).toEqual([])
    expect(spawned).toHaveLength(4)
    expect(report.scenarios.map(s => s.runs.map(r => r.side).sort())).toEqual([
      ['base', 'head'],
      ['base', 'head']
    ])
    expect(report.notes).toContain(
      'the scenario after a stress suite ran against a fresh service process in every round'
    )
    expect(liveProcessGroups()).toEqual([])
  })
})
