import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { DirectoryStore } from '../../src/baseline/directory.js'
import { recordFromReport } from '../../src/baseline/record.js'
import { jobFails } from '../../src/compare/verdict.js'
import { planStoredBaseline } from '../../src/gate/baseline.js'
import { ignoreEvents, type EngineEvent } from '../../src/measure/events.js'
import { runGate } from '../../src/gate/run-gate.js'
import { reportProblems } from '../../src/report/validate.js'
import { renderSummary } from '../../src/report/markdown.js'
import { stopAllServices } from '../../src/service/spawn.js'
import { exampleConfig, freePort, rpsCheck } from '../../__fixtures__/config.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-stored-'))
})
afterEach(async () => {
  await stopAllServices()
  await rm(dir, { recursive: true, force: true })
})

describe('a run compared with a stored run', () => {
  it('stores rounds, finds them again and fails a head that does ten times the CPU work', async () => {
    const config = exampleConfig(await freePort(), [
      {
        name: 'get',
        regression: [rpsCheck],
        load: { mode: 'closed', connections: 4, durationMs: 1000, warmupMs: 100, timeoutMs: 5000 }
      }
    ])
    config.service!.env.CPU_US = '300'
    const store = new DirectoryStore(dir)

    const first = await runGate(config, { rounds: 4 })
    expect(first.verdict).not.toBe('errored')
    expect(first.scenarios[0]!.runs).toHaveLength(4)
    expect(first.scenarios[0]!.checks[0]!.verdict).toBe('skipped')
    await store.save(recordFromReport(first, { sha: 'local', runId: 'first', runAttempt: 1 }))

    const plan = await planStoredBaseline(config, store, undefined, undefined, ignoreEvents)
    expect(plan.info).toMatchObject({ state: 'used', sha: 'local', runId: 'first', history: 1 })
    // ten times the work: far past the cross-run allowance even when a round lands in a slow phase of a busy runner
    // four one-second rounds a side: a runner that starves the service for 0.4 s of a 0.4 s round leaves one round
    // near zero, and Welch's interval on five such rounds (or three, with a 0.6 s stall in one) cannot decide;
    // seconds-long rounds dilute a stall, and four rounds decide with one round 60% down
    const second = await runGate(config, {
      rounds: 4,
      stored: plan.stored,
      baselineInfo: plan.info,
      serviceEnv: { SLOWDOWN: '9' }
    })
    const check = second.scenarios[0]!.checks.find(c => c.kind === 'regression')!
    const rounds = (r: typeof first) =>
      r.scenarios[0]!.runs!.map(x => Math.round(x.metrics['throughput.rps']!))
    // the rounds go into the message so a verdict other than fail says why
    expect(
      `${check.verdict}: ${check.message} (stored ${rounds(first).join(', ')}; head ${rounds(second).join(', ')})`
    ).toMatch(/^fail: /)
    expect(check.message).toMatch(/vs the stored run .* cross-run allowance/)
    expect(second.scenarios[0]!.baseMetrics?.['throughput.rps']).toBeGreaterThan(0)
    expect(second.verdict).toBe('fail')
    expect(reportProblems(second)).toEqual([])
    expect(renderSummary(second)).toContain('📦 Compared with a stored run (directory')
  })

  it('says which config hash has no stored run', async () => {
    const config = exampleConfig(await freePort(), [{ name: 'get' }])
    const store = new DirectoryStore(dir)
    const other = { ...config, service: { ...config.service!, env: { ...config.service!.env, CPU_US: '1' } } }
    const run = await runGate(other, {})
    await store.save(recordFromReport(run, { sha: 'local', runId: 'other', runAttempt: 1 }))
    const plan = await planStoredBaseline(config, store, undefined, undefined, ignoreEvents)
    expect(plan.stored).toBeUndefined()
    expect(plan.info.message).toMatch(/no stored baseline for this config/)
  })

  it('a run far slower than a stored run from another runner kind ends inconclusive, naming the mismatch', async () => {
    const config = exampleConfig(await freePort(), [
      {
        name: 'get',
        regression: [rpsCheck],
        load: { mode: 'closed', connections: 2, durationMs: 400, warmupMs: 100, timeoutMs: 5000 }
      }
    ])
    const store = new DirectoryStore(dir)
    const measured = await runGate(config, {})
    expect(measured.verdict).not.toBe('errored')
    // the same config, as if measured on a machine with twice the cores, claiming a rate no head reaches
    const record = recordFromReport(measured, { sha: 'local', runId: 'big', runAttempt: 1 })
    record.runner = { ...record.runner, cores: record.runner.cores * 2 }
    for (const round of record.scenarios[0]!.rounds) round.metrics['throughput.rps'] = 1e9
    await store.save(record)
    const mismatch = `cores: ${measured.runner.cores} vs ${measured.runner.cores * 2}`

    const events: EngineEvent[] = []
    const plan = await planStoredBaseline(config, store, undefined, undefined, e => events.push(e))
    expect(events).toContainEqual({
      type: 'warning',
      message: `the stored baseline was measured on a different runner (${mismatch}): regression checks that would fail are inconclusive instead`
    })
    const report = await runGate(config, { stored: plan.stored, baselineInfo: plan.info })
    const check = report.scenarios[0]!.checks.find(c => c.kind === 'regression')!
    expect(check.verdict).toBe('inconclusive')
    expect(check.message).toMatch(
      new RegExp(
        `^inconclusive: the stored run was measured on a different runner \\(${mismatch}\\); .*beyond the -5% tolerance`
      )
    )
    expect(report.verdict).toBe('inconclusive')
    expect(report.baseline).toMatchObject({ state: 'used', runId: 'big', mismatches: [mismatch] })
    expect(jobFails(report.verdict, config.onInconclusive)).toBe(false)
    expect(reportProblems(report)).toEqual([])
  })
})
