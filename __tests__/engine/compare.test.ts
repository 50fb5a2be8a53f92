import { afterEach, describe, expect, it } from '@jest/globals'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { compareGate, roundOrder } from '../../src/engine/compare.js'
import { liveProcessGroups, stopAllServices } from '../../src/service/spawn.js'
import { reportProblems } from '../../src/report/validate.js'
import { exampleConfig, freePort, REPO, rpsCheck } from '../../__fixtures__/config.js'

afterEach(async () => {
  await stopAllServices()
})

describe('compareGate', () => {
  it('alternates ABBA', () => {
    expect([1, 2, 3, 4].map(roundOrder)).toEqual([
      ['base', 'head'],
      ['head', 'base'],
      ['base', 'head'],
      ['head', 'base']
    ])
  })

  it('catches a head that does three times the CPU work per request', async () => {
    const port = await freePort()
    const config = exampleConfig(port, [{ regression: [rpsCheck] }])
    config.service.env.CPU_US = '300'
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
  })

  it('an accepted regression becomes accepted and names who accepted it', async () => {
    const port = await freePort()
    const config = exampleConfig(port, [{ name: 'get', regression: [rpsCheck] }])
    const report = await compareGate(config, {
      baseDir: REPO,
      headDir: REPO,
      env: { head: { SLOWDOWN: '3' } },
      acceptances: [
        { scenario: 'get', metric: 'throughput.rps', by: 'commit abc1234 (Perf-Accepted trailer)' }
      ]
    })
    expect(report.scenarios[0]!.checks[0]).toMatchObject({
      verdict: 'accepted',
      acceptedBy: 'commit abc1234 (Perf-Accepted trailer)'
    })
    expect(report.verdict).toBe('warn')
  })

  it('confirm: true re-measures a failing verdict with 2 more round pairs before failing', async () => {
    const port = await freePort()
    const wide = { ...rpsCheck, tolerance: 0.5, expression: '-50%' }
    const config = exampleConfig(port, [{ name: 'get', regression: [wide] }])
    config.service.env.CPU_US = '300'
    config.compare = { ...config.compare, rounds: { min: 3, max: 3 }, confirm: true }
    const report = await compareGate(config, {
      baseDir: REPO,
      headDir: REPO,
      env: { head: { SLOWDOWN: '3' } }
    })
    expect(report.verdict).toBe('fail')
    expect(report.notes).toContain('a failing verdict was confirmed with 2 extra round pairs')
    expect(report.scenarios[0]!.runs).toHaveLength(10)
    expect(report.scenarios[0]!.checks[0]!.rounds).toBe(5)
  }, 90_000)

  it('with no regression checks it reports the changes and decides nothing', async () => {
    const port = await freePort()
    const config = exampleConfig(port, [{}])
    config.compare.rounds = { min: 1, max: 1 }
    const report = await compareGate(config, { baseDir: REPO, headDir: REPO })
    const [scenario] = report.scenarios
    expect(scenario!.verdict).toBe('pass')
    expect(scenario!.baseMetrics!['throughput.rps']).toBeGreaterThan(0)
    expect(scenario!.notes).toContain(
      'no regression checks configured: changes are reported, nothing is decided'
    )
  })

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

  it('a round whose head crashes is errored and never counted as data', async () => {
    const port = await freePort()
    const report = await compareGate(exampleConfig(port, [{ regression: [rpsCheck] }]), {
      baseDir: REPO,
      headDir: REPO,
      env: { head: { CRASH_AFTER: '100' } }
    })
    const [scenario] = report.scenarios
    expect(scenario!.verdict).toBe('errored')
    expect(scenario!.error!.kind).toBe('crashed')
    expect(scenario!.checks).toEqual([])
  })
})
