import { afterEach, describe, expect, it } from '@jest/globals'
import { compareGate } from '../../src/gate/compare.js'
import { runGate } from '../../src/gate/run-gate.js'
import { chooseDesign } from '../../src/gate/design.js'
import { noteMessage } from '../../src/report/notes.js'
import { parseCpuList, type HostInfo } from '../../src/measure/environment.js'
import { decideSliceScenario } from '../../src/gate/judge.js'
import type { SliceObservation } from '../../src/model/slices.js'
import { liveProcessGroups, stopAllServices } from '../../src/service/spawn.js'
import { reportProblems } from '../../src/report/validate.js'
import type { Config, RegressionCheck } from '../../src/config/types.js'
import type { RunRecord } from '../../src/model/run.js'
import { exampleConfig, REPO, rpsCheck } from '../../__fixtures__/config.js'
import { checkMessage } from '../../src/report/checks.js'
import { createLatencyHistogram, encodeHistogram } from '../../src/load/histogram.js'

afterEach(async () => {
  await stopAllServices()
})

const twoCores: HostInfo = { cpus: [0, 1], taskset: true }
const eightCores: HostInfo = { cpus: [0, 1, 2, 3, 4, 5, 6, 7], taskset: true }

/** The example config with {{service.port}} instead of a fixed port. */
function portConfig(
  overrides: Partial<Config['compare']> = {},
  regression: RegressionCheck[] = [rpsCheck]
): Config {
  const config = exampleConfig(1, [{ name: 'get', regression }])
  const base = 'http://127.0.0.1:{{service.port}}'
  config.service!.env = { PORT: '{{service.port}}', CPU_US: '100' }
  config.service!.ready = { kind: 'http', url: `${base}/health`, timeoutMs: 15_000, intervalMs: 50 }
  config.service!.preflightUrl = `${base}/health`
  config.scenarios[0]!.request.url = `${base}/reservations/42`
  config.compare = { ...config.compare, ...overrides }
  return config
}

describe('chooseDesign', () => {
  it('rounds when the config hard-codes its port, and says why', () => {
    const choice = chooseDesign(exampleConfig(8080, [{}]), eightCores)
    expect(choice.design).toBe('rounds')
    expect(choice.note).toEqual({ kind: 'design', design: 'rounds', why: 'fixed-port' })
    expect(noteMessage(choice.note)).toMatch(/hard-codes its port/)
  })

  it('slices on 2 cores, duet on 4 or more, pinned to disjoint CPUs', () => {
    expect(chooseDesign(portConfig(), twoCores)).toMatchObject({
      design: 'slices',
      note: { why: 'too-few-cores', cores: 2, duetCores: 4 }
    })
    expect(noteMessage(chooseDesign(portConfig(), twoCores).note)).toMatch(
      /fine interleaving.*2 cores are too few for duet/
    )
    const duet = chooseDesign(portConfig(), eightCores)
    expect(duet.design).toBe('duet')
    expect(duet.cpus).toEqual({ base: [1, 2, 3], head: [4, 5, 6] })
    expect(chooseDesign(portConfig(), { cpus: [0, 1, 2, 3], taskset: false })).toMatchObject({
      design: 'duet',
      cpus: { base: [], head: [] }
    })
    expect(noteMessage(chooseDesign(portConfig(), { cpus: [0, 1, 2, 3], taskset: false }).note)).toMatch(
      /not pinned/
    )
  })

  it('follows compare.design, falling back where it cannot run', () => {
    expect(chooseDesign(portConfig({ design: 'rounds' }), eightCores).design).toBe('rounds')
    expect(chooseDesign(portConfig({ design: 'slices' }), eightCores).design).toBe('slices')
    expect(chooseDesign(portConfig({ design: 'duet' }), twoCores)).toMatchObject({
      design: 'slices',
      note: { why: 'duet-needs-cores' }
    })
    expect(noteMessage(chooseDesign(portConfig({ design: 'duet' }), twoCores).note)).toMatch(
      /duet needs 4 cores and this runner has 2/
    )
    const sweep = portConfig()
    sweep.scenarios[0]!.suite = { kind: 'sweep', steps: [1, 2], kneeFactor: 2 }
    expect(chooseDesign(sweep, eightCores)).toMatchObject({
      design: 'rounds',
      note: { why: 'suite', scenario: sweep.scenarios[0]!.name, suiteKind: 'sweep' }
    })
  })

  it('parses CPU lists', () => {
    expect(parseCpuList('0-3,6')).toEqual([0, 1, 2, 3, 6])
    expect(parseCpuList('1')).toEqual([1])
  })
})

describe('decideSliceScenario (synthetic slices)', () => {
  const record = (side: 'base' | 'head', round: number, p999: number): RunRecord => ({
    side,
    round,
    metrics: { 'throughput.rps': 1000, 'latency.p99.9': p999 }
  })
  const p999: RegressionCheck = {
    metric: 'latency.p99.9',
    direction: 'rise',
    tolerance: 0.5,
    expression: '+50%',
    severity: 'fail'
  }

  it('throughput from slice pairs by epoch, the tail from per-epoch pooled values paired by epoch', () => {
    const [scenario] = portConfig({}, [rpsCheck, p999]).scenarios
    const observations: SliceObservation[] = []
    for (let epoch = 1; epoch <= 4; epoch++) {
      for (let k = 0; k < 6; k++) {
        observations.push({
          epoch,
          base: { 'throughput.rps': 1000 + 10 * k },
          head: { 'throughput.rps': 880 + 10 * k + epoch }
        })
      }
    }
    const base = [1, 2, 3, 4].map(e => record('base', e, 3000 + e * 10))
    const head = [1, 2, 3, 4].map(e => record('head', e, 20_000 + e * 100))
    const { checks, decisions } = decideSliceScenario(scenario!, base, head, observations, 0.95)
    expect(decisions).toHaveLength(2)
    expect(checks[0]).toMatchObject({ metric: 'throughput.rps', verdict: 'fail', rounds: 4 })
    expect(checkMessage(checks[0]!)).toMatch(/4 epochs \(24 slice pairs\)/)
    expect(checks[1]).toMatchObject({ metric: 'latency.p99.9', verdict: 'fail', rounds: 4 })
    expect(checkMessage(checks[1]!)).toMatch(/4 epochs \(slices pooled per side\)/)
  })

  it('the tail from blocks of slices when the slices carry histograms: a burst in one block does not hide it', () => {
    const [scenario] = portConfig({}, [p999]).scenarios
    const encoded = (slow: number, slowUs: number) => {
      const h = createLatencyHistogram()
      h.recordValueWithCount(1000, 1000 - slow)
      if (slow) h.recordValueWithCount(slowUs, slow)
      return encodeHistogram(h)
    }
    const observations: SliceObservation[] = []
    for (let epoch = 1; epoch <= 5; epoch++) {
      for (let k = 0; k < 6; k++) {
        // the head: 1% of requests +20 ms everywhere; the base: a 100 ms burst in the epoch's first block
        const base = k < 2 ? encoded(50, 100_000 + epoch) : encoded(0, 0)
        observations.push({ epoch, base: {}, head: {}, histograms: { base, head: encoded(10, 21_000) } })
      }
    }
    // pooled per epoch the burst dominates the base's p99.9: the head looks faster
    const base = [1, 2, 3, 4, 5].map(e => record('base', e, 100_000 + e))
    const head = [1, 2, 3, 4, 5].map(e => record('head', e, 21_000))
    const { checks } = decideSliceScenario(scenario!, base, head, observations, 0.95)
    expect(checks[0]).toMatchObject({ metric: 'latency.p99.9', verdict: 'fail', rounds: 5 })
    expect(checkMessage(checks[0]!)).toMatch(/5 epochs \(15 blocks of slices\)/)
  })

  it('an errored epoch leaves the statistics', () => {
    const [scenario] = portConfig().scenarios
    const observations: SliceObservation[] = [1, 2, 3].flatMap(epoch =>
      [0, 1].map(() => ({ epoch, base: { 'throughput.rps': 1000 }, head: { 'throughput.rps': 1000 } }))
    )
    const base = [1, 2, 3].map(e => record('base', e, 1))
    const head = [1, 2, 3].map(e => record('head', e, 1))
    base[1] = { ...base[1]!, error: { kind: 'crashed', message: 'x' } }
    const { checks } = decideSliceScenario(scenario!, base, head, observations, 0.95)
    expect(checks[0]!.rounds).toBe(2)
  })
})

describe('compare in slices (example service, {{service.port}})', () => {
  it('runs fine interleaving on 2 cores: both sides up at once, A/A does not fail, nothing left running', async () => {
    const config = portConfig({ rounds: { min: 2, max: 3 }, epochs: { min: 2, max: 3 }, sliceMs: 200 })
    config.scenarios[0]!.load = {
      mode: 'closed',
      connections: 4,
      durationMs: 800,
      warmupMs: 200,
      timeoutMs: 5000
    }
    config.scenarios[0]!.regression = [{ ...rpsCheck, tolerance: 0.5, expression: '-50%' }]
    const report = await compareGate(config, { baseDir: REPO, headDir: REPO, host: twoCores, seed: 1 })
    expect(reportProblems(report)).toEqual([])
    expect(report.notes[0]).toMatch(/^design: fine interleaving/)
    const [scenario] = report.scenarios
    expect(scenario!.verdict).not.toBe('errored')
    expect(scenario!.checks[0]!.verdict).not.toBe('fail')
    // from 12 slice pairs on, each is adjusted for the other processes' load on the service's CPU (Linux)
    expect(scenario!.checks[0]!.message).toMatch(
      /epochs \(\d+ slice pairs(, adjusted for other processes' load on the service's CPUs)?\)/
    )
    // one record per side and epoch, and the timeline has a point per slice
    const epochs = scenario!.runs.filter(r => r.side === 'base').length
    expect(epochs).toBeGreaterThanOrEqual(2)
    expect(scenario!.runs.filter(r => r.side === 'head')).toHaveLength(epochs)
    expect(scenario!.runs[0]!.timeline).toHaveLength(4)
    expect(liveProcessGroups()).toEqual([])
  }, 120_000)

  it('duet (forced core count): both measured at once; run mode fills the port too', async () => {
    const config = portConfig({ rounds: { min: 2, max: 2 }, epochs: { min: 2, max: 2 }, sliceMs: 200 })
    config.scenarios[0]!.load = {
      mode: 'rate',
      rate: 200,
      connections: 20,
      durationMs: 600,
      warmupMs: 200,
      timeoutMs: 5000,
      // about the design, not the schedule: a CPU hog beside the test must not error an epoch as generator lag
      maxLagMs: 500
    }
    config.scenarios[0]!.regression = [{ ...rpsCheck, tolerance: 0.5, expression: '-50%' }]
    // 4 CPUs without taskset: duet runs unpinned (this machine has 2 cores; the pinning is tested above)
    const report = await compareGate(config, {
      baseDir: REPO,
      headDir: REPO,
      host: { cpus: [0, 1, 2, 3], taskset: false },
      seed: 2
    })
    expect(reportProblems(report)).toEqual([])
    expect(report.notes[0]).toMatch(/^design: duet/)
    expect(report.scenarios[0]!.verdict).not.toBe('errored')
    expect(report.scenarios[0]!.checks[0]!.verdict).not.toBe('fail')
    expect(liveProcessGroups()).toEqual([])
    const run = await runGate(config)
    expect(run.scenarios[0]!.verdict).not.toBe('errored')
    expect(liveProcessGroups()).toEqual([])
  }, 120_000)
})
