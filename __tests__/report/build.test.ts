import { describe, expect, it } from '@jest/globals'
import { buildReport } from '../../src/report/build.js'
import { check, scenarioReport } from '../../__fixtures__/report.js'
import { exampleConfig } from '../../__fixtures__/config.js'
import type { Config } from '../../src/config/types.js'
import { VERSION } from '../../src/version.js'
import { readFileSync } from 'node:fs'

const config: Config = { ...exampleConfig(8080, [{}]), file: 'perfgate.yml' }

describe('buildReport', () => {
  it('leads with what decided a failure', () => {
    const report = buildReport({
      config,
      mode: 'run',
      startedAt: 0,
      now: new Date(1500),
      scenarios: [
        scenarioReport({
          verdict: 'fail',
          checks: [
            check({ verdict: 'fail', message: 'latency.p95 61 ms is not under the limit < 50 ms' }),
            check({ verdict: 'fail', message: 'second' })
          ]
        })
      ]
    })
    expect(report.verdict).toBe('fail')
    expect(report.headline).toBe(
      'perfgate failed: list-reservations: latency.p95 61 ms is not under the limit < 50 ms (+1 more)'
    )
    expect(report.durationMs).toBe(1500)
    expect(report.cost).toEqual({ runnerMs: 1500, legs: 1 })
    expect(report.tool).toEqual({ name: 'perfgate', version: VERSION })
    expect(report.runner.cores).toBeGreaterThan(0)
  })

  it('an errored run says what was invalid, not percentages', () => {
    const report = buildReport({
      config,
      mode: 'run',
      startedAt: 0,
      scenarios: [
        scenarioReport({
          verdict: 'errored',
          checks: [],
          error: { kind: 'crashed', message: 'the service crashed during load (exit code 70)' }
        })
      ]
    })
    expect(report.headline).toBe(
      'perfgate errored: list-reservations: the service crashed during load (exit code 70)'
    )
  })

  it('a pass counts scenarios and checks', () => {
    const report = buildReport({
      config,
      mode: 'run',
      startedAt: 0,
      scenarios: [scenarioReport()]
    })
    expect(report.headline).toBe('perfgate passed: 1 scenario, 1 check')
  })

  it('VERSION matches package.json', () => {
    expect(VERSION).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version)
  })
})
