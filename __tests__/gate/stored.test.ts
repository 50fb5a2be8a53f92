import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { DirectoryStore } from '../../src/baseline/directory.js'
import { jobFails, scenarioVerdict } from '../../src/compare/verdict.js'
import { configHash, parseConfig } from '../../src/config/load.js'
import { ConfigError } from '../../src/config/problems.js'
import type { Config } from '../../src/config/types.js'
import { planStoredBaseline } from '../../src/gate/baseline.js'
import type { EngineEvent } from '../../src/measure/events.js'
import { storedScenarioChecks } from '../../src/gate/stored.js'
import { runnerFingerprint } from '../../src/report/fingerprint.js'
import type { RunRecord } from '../../src/model/run.js'
import { sampleRecord } from '../../__fixtures__/baseline.js'
import { checkMessage } from '../../src/report/checks.js'

const CONFIG = (extra = '') => `version: 1
service:
  command: node server.js
  ready: { url: http://127.0.0.1:8080/health }
scenarios:
  - name: get
    request: { method: GET, url: http://127.0.0.1:8080/reservations/42 }
    regression:
      throughput.rps: "-5%"
      latency.p99: { limit: "+20%", severity: warn }
${extra}`

const cores = runnerFingerprint().cores
/** what fingerprintMismatches says of a record measured with two more cores */
const MISMATCH = `cores: ${cores} vs ${cores + 2}`

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-mismatch-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** Head rounds of the `get` scenario at these requests per second (p99 follows inversely, as in sampleRecord). */
function headRounds(rps: number[]): RunRecord[] {
  return rps.map((value, i) => ({
    side: 'head',
    round: i + 1,
    metrics: { 'throughput.rps': value, 'latency.p99': 1e6 / value, 'errors.rate': 0 }
  }))
}

/** Stores one run of `config` (rps 1000, 1010, 990), measured on a runner with `extraCores` more cores. */
async function storeRun(config: Config, extraCores: number): Promise<DirectoryStore> {
  const store = new DirectoryStore(dir)
  const record = sampleRecord({ sha: 'local', hash: configHash(config), cores: cores + extraCores })
  expect((await store.save(record)).saved).toBe(true)
  return store
}

/** Plans against the store and checks a head at `rps`: the checks, the verdicts and the plan's warnings. */
async function compareWith(config: Config, store: DirectoryStore, rps: number[]) {
  const events: EngineEvent[] = []
  const plan = await planStoredBaseline(config, store, undefined, undefined, e => events.push(e))
  expect(plan.stored).toBeDefined()
  const head = headRounds(rps)
  const mean = rps.reduce((a, b) => a + b, 0) / rps.length
  const result = storedScenarioChecks(
    config.scenarios[0]!,
    head,
    { 'throughput.rps': mean, 'latency.p99': 1e6 / mean, 'errors.rate': 0 },
    plan.stored!
  )
  const verdict = scenarioVerdict(result.checks, false)
  return {
    plan,
    checks: Object.fromEntries(result.checks.map(c => [c.metric, c])),
    verdict,
    fails: jobFails(verdict, config.onInconclusive),
    warnings: events.filter(e => e.type === 'warning').map(e => (e as { message: string }).message)
  }
}

describe('a stored run from a different runner', () => {
  it('by default turns a would-be failure into inconclusive, naming the mismatch', async () => {
    const config = parseConfig(CONFIG(), 'perfgate.yml', dir)
    expect(config.baseline.onRunnerMismatch).toBe('inconclusive')
    const outcome = await compareWith(config, await storeRun(config, 2), [500, 505, 495])

    expect(outcome.plan.info).toMatchObject({ state: 'used', mismatches: [MISMATCH] })
    expect(outcome.plan.info.message).toContain(`measured on a different runner (${MISMATCH})`)
    expect(outcome.warnings).toEqual([
      `the stored baseline was measured on a different runner (${MISMATCH}): regression checks that would fail are inconclusive instead`
    ])
    const rps = outcome.checks['throughput.rps']!
    expect(rps.verdict).toBe('inconclusive')
    expect(checkMessage(rps)).toMatch(
      new RegExp(
        `^inconclusive: the stored run was measured on a different runner \\(${MISMATCH}\\); throughput\\.rps -50\\.0% vs the stored run .* beyond the -5% tolerance`
      )
    )
    expect(rps.change).toBeCloseTo(-0.5, 2)
    // a warn-severity check is held back the same way
    expect(outcome.checks['latency.p99']!.verdict).toBe('inconclusive')
    expect(outcome.verdict).toBe('inconclusive')
    expect(outcome.fails).toBe(false)
  })

  it('leaves passing checks passing: only failures become inconclusive', async () => {
    const config = parseConfig(CONFIG(), 'perfgate.yml', dir)
    const outcome = await compareWith(config, await storeRun(config, 2), [1300, 1310, 1290])
    expect(outcome.checks['throughput.rps']!.verdict).toBe('pass')
    expect(checkMessage(outcome.checks['throughput.rps']!)).not.toMatch(/different runner/)
    expect(outcome.verdict).toBe('pass')
  })

  it('the same slowdown against a run of the same runner kind fails', async () => {
    const config = parseConfig(CONFIG(), 'perfgate.yml', dir)
    const outcome = await compareWith(config, await storeRun(config, 0), [500, 505, 495])
    expect(outcome.plan.info.mismatches).toEqual([])
    expect(outcome.warnings).toEqual([])
    expect(outcome.checks['throughput.rps']!.verdict).toBe('fail')
    expect(outcome.checks['latency.p99']!.verdict).toBe('warn')
    expect(outcome.verdict).toBe('fail')
    expect(outcome.fails).toBe(true)
  })

  it('on-runner-mismatch: compare compares anyway, with the mismatch still warned about', async () => {
    const config = parseConfig(CONFIG('baseline: { on-runner-mismatch: compare }\n'), 'perfgate.yml', dir)
    expect(config.baseline.onRunnerMismatch).toBe('compare')
    const outcome = await compareWith(config, await storeRun(config, 2), [500, 505, 495])
    expect(outcome.plan.info.mismatches).toEqual([MISMATCH])
    expect(outcome.warnings).toEqual([
      `the stored baseline was measured on a different runner (${MISMATCH}): compared anyway (on-runner-mismatch: compare)`
    ])
    expect(outcome.checks['throughput.rps']!.verdict).toBe('fail')
    expect(checkMessage(outcome.checks['throughput.rps']!)).toMatch(
      /^throughput\.rps -50\.0% vs the stored run/
    )
    expect(outcome.checks['latency.p99']!.verdict).toBe('warn')
    expect(outcome.verdict).toBe('fail')
    expect(outcome.fails).toBe(true)
  })

  it('on-inconclusive: fail still fails the job on a mismatch, as inconclusive', async () => {
    const config = parseConfig(CONFIG('on-inconclusive: fail\n'), 'perfgate.yml', dir)
    const outcome = await compareWith(config, await storeRun(config, 2), [500, 505, 495])
    expect(outcome.verdict).toBe('inconclusive')
    expect(outcome.fails).toBe(true)
  })

  it('any other on-runner-mismatch value is a config error', () => {
    expect(() =>
      parseConfig(CONFIG('baseline: { on-runner-mismatch: ignore }\n'), 'perfgate.yml', dir)
    ).toThrow(ConfigError)
  })
})
