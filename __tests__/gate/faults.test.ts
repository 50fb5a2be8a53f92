import { afterEach, describe, expect, it } from '@jest/globals'
import { runGate } from '../../src/gate/run-gate.js'
import { renderComment, renderSummary } from '../../src/report/markdown.js'
import { liveProcessGroups, stopAllServices } from '../../src/service/spawn.js'
import { exampleConfig, freePort } from '../../__fixtures__/config.js'

afterEach(async () => {
  await stopAllServices()
})

describe('a service that fails some requests', () => {
  it('hangs on a few requests (under max-error-rate): timeouts are counted and p99 says it leaves them out', async () => {
    const port = await freePort()
    const config = exampleConfig(port, [
      { load: { mode: 'closed', connections: 8, durationMs: 1500, warmupMs: 200, timeoutMs: 300 } }
    ])
    Object.assign(config.service!.env, { HANG_RATE: '0.01', SEED: '7' })
    const report = await runGate(config)
    const [scenario] = report.scenarios
    expect(scenario!.verdict).not.toBe('errored')
    const timeouts = scenario!.metrics['errors.timeout']!
    expect(timeouts).toBeGreaterThan(0)
    expect(scenario!.metrics['errors.rate']).toBeGreaterThan(0)
    expect(scenario!.metrics['errors.rate']).toBeLessThanOrEqual(0.05)
    expect(scenario!.notes.join('\n')).toContain(
      `the latency percentiles leave out ${timeouts} request${timeouts === 1 ? '' : 's'} that timed out`
    )
    expect(renderComment(report)).toContain('that timed out')
    expect(liveProcessGroups()).toEqual([])
  }, 60_000)

  it('hangs on a share over max-error-rate: errored, the timeouts counted, no latency comparison or "improved" p99', async () => {
    const port = await freePort()
    const config = exampleConfig(port, [
      { load: { mode: 'closed', connections: 8, durationMs: 1500, warmupMs: 200, timeoutMs: 300 } }
    ])
    Object.assign(config.service!.env, { HANG_RATE: '0.3', SEED: '7' })
    const report = await runGate(config)
    const [scenario] = report.scenarios
    expect(scenario!.verdict).toBe('errored')
    expect(scenario!.error!.kind).toBe('error-rate')
    expect(scenario!.error!.message).toMatch(/timeout: \d+/)
    expect(scenario!.error!.message).toContain('max-error-rate')
    expect(scenario!.metrics['errors.timeout']).toBeGreaterThan(0)
    expect(scenario!.checks.filter(c => c.verdict === 'pass')).toEqual([])
    for (const text of [renderComment(report), renderSummary(report)]) {
      expect(text).toMatch(/timeout: \d+/)
      expect(text).not.toMatch(/improved|faster/i)
    }
    expect(liveProcessGroups()).toEqual([])
  }, 60_000)

  it('resets connections on a share under max-error-rate: a valid run, the resets counted and shown', async () => {
    const port = await freePort()
    // 5% of requests reset, 20% allowed: resets happen in the few hundred requests a starved runner answers
    const config = exampleConfig(port, [{ maxErrorRate: 0.2 }])
    Object.assign(config.service!.env, { RESET_RATE: '0.05', SEED: '7' })
    const report = await runGate(config)
    const [scenario] = report.scenarios
    expect(scenario!.verdict).not.toBe('errored')
    expect(scenario!.metrics['errors.reset']).toBeGreaterThan(0)
    expect(scenario!.metrics['errors.rate']).toBeLessThanOrEqual(0.2)
    for (const text of [renderComment(report), renderSummary(report)])
      expect(text).toMatch(/the service reset the connection of \d+ requests?: they count in errors\.rate/)
  }, 60_000)

  it('resets connections on a share over max-error-rate: errored, with the resets counted in comment and summary', async () => {
    const port = await freePort()
    const config = exampleConfig(port, [{}])
    Object.assign(config.service!.env, { RESET_RATE: '0.2', SEED: '7' })
    const report = await runGate(config)
    const [scenario] = report.scenarios
    expect(scenario!.verdict).toBe('errored')
    expect(scenario!.error!.kind).toBe('error-rate')
    expect(scenario!.error!.message).toMatch(/reset: \d+/)
    expect(scenario!.metrics['errors.reset']).toBeGreaterThan(0)
    for (const text of [renderComment(report), renderSummary(report)]) expect(text).toMatch(/reset: \d+/)
  }, 60_000)
})
