import { describe, expect, it } from '@jest/globals'
import { compareGate } from '../../src/gate/compare.js'
import { noiseNotes } from '../../src/gate/judge.js'
import { reportProblems } from '../../src/report/validate.js'
import type { Config, RegressionCheck, Scenario } from '../../src/config/types.js'
import type { Check } from '../../src/model/check.js'
import type { RunRecord } from '../../src/model/run.js'
import { exampleConfig, REPO, rpsCheck } from '../../__fixtures__/config.js'
import {
  recordingMeasurer,
  replayMeasurer,
  syntheticMeasurer,
  type SyntheticSpec
} from '../harness/fake-measurer.js'

/**
 * The compare loop's logic over the fake measurer (no process, no load): confirmation, the budget, the
 * catastrophic stop, noise notes, errored rounds. __tests__/e2e/compare.test.ts runs it with real processes.
 */

/** server.rss.peak may rise by `tolerance`. */
const rssRise = (tolerance: number): RegressionCheck => ({
  metric: 'server.rss.peak',
  direction: 'rise',
  tolerance,
  expression: `+${tolerance * 100}%`,
  severity: 'fail'
})

const config = (scenarios: Array<Partial<Scenario>>, compare: Partial<Config['compare']> = {}): Config => {
  const c = exampleConfig(1, scenarios)
  c.compare = { ...c.compare, ...compare }
  return c
}

/** compareGate over a synthetic measurer; the host is pinned so the design is always rounds. */
async function compare(
  c: Config,
  spec: SyntheticSpec,
  options: Parameters<typeof compareGate>[1] | object = {}
) {
  const measurer = syntheticMeasurer(c, spec)
  const report = await compareGate(c, {
    baseDir: REPO,
    headDir: REPO,
    host: { cpus: [0, 1], taskset: false },
    measurer,
    // the loop's own steps: the profiling step after the verdict is __tests__/gate/profile-after-verdict.test.ts's
    profile: 'never',
    ...options
  })
  expect(reportProblems(report)).toEqual([])
  return { report, calls: measurer.calls }
}

const crashed = { kind: 'crashed' as const, message: 'the service exited (code 1) during the load' }
const generatorLag = {
  kind: 'generator-lag' as const,
  message:
    'the load generator fell behind its schedule (p99 132 ms late): the numbers would describe the generator, not the service'
}

describe('compareGate', () => {
  it('noiseNotes: an undecided check whose base rounds alone spread beyond its tolerance gets a note', () => {
    const [scenario] = exampleConfig(1, [{ name: 'get', regression: [rpsCheck] }]).scenarios
    const rounds = (values: number[]): RunRecord[] =>
      values.map((v, i) => ({ side: 'base', round: i + 1, metrics: { 'throughput.rps': v } }))
    const check = (verdict: Check['verdict']): Check[] => [
      {
        kind: 'regression',
        metric: 'throughput.rps',
        expression: '-5%',
        severity: 'fail',
        verdict,
        message: ''
      }
    ]
    const noisy = rounds([1000, 800, 1150, 870])
    const quiet = rounds([1000, 1003, 998, 1001])
    expect(noiseNotes(scenario!, noisy, check('inconclusive'), 0.95)).toEqual([
      {
        kind: 'runner-noise',
        metric: 'throughput.rps',
        rounds: 4,
        roundSpread: expect.any(Number),
        projectedSpread: expect.any(Number),
        tolerance: 0.05
      }
    ])
    const [noise] = noiseNotes(scenario!, noisy, check('inconclusive'), 0.95) as Array<{
      roundSpread: number
      projectedSpread: number
    }>
    expect(noise!.roundSpread).toBeGreaterThan(0.05)
    expect(noise!.projectedSpread).toBeGreaterThan(0.05)
    expect(noiseNotes(scenario!, quiet, check('inconclusive'), 0.95)).toEqual([])
    // decided checks need no excuse, and 3 rounds are too few to judge the runner
    expect(noiseNotes(scenario!, noisy, check('pass'), 0.95)).toEqual([])
    expect(noiseNotes(scenario!, noisy.slice(0, 3), check('inconclusive'), 0.95)).toEqual([])
    // an errored base round is not data
    const withError = [
      ...quiet,
      { ...noisy[1]!, round: 5, error: { kind: 'crashed' as const, message: 'x' } }
    ]
    expect(noiseNotes(scenario!, withError, check('inconclusive'), 0.95)).toEqual([])
  })

  it('measures the round pairs in ABBA order and decides a clear slowdown', async () => {
    const { report, calls } = await compare(
      config([{ regression: [rpsCheck] }], { rounds: { min: 2, max: 10 } }),
      {
        change: { 'throughput.rps': -0.6 }
      }
    )
    expect(calls.slice(0, 4)).toEqual(['1b', '1h', '2h', '2b'])
    const [scenario] = report.scenarios
    const check = scenario!.checks[0]!
    expect(check.verdict).toBe('fail')
    expect(check.change!).toBeLessThan(-0.3)
    expect(check.interval![1]).toBeLessThan(-0.05)
    expect(scenario!.runs.map(r => `${r.round}${r.side[0]}`).slice(0, 4)).toEqual(['1b', '1h', '2b', '2h'])
  })

  it('a run is reproducible from its seed', async () => {
    const c = config([{ regression: [rpsCheck] }])
    const spec = { seed: 7, cv: 0.09 }
    const metrics = async () => (await compare(c, spec)).report.scenarios[0]!.runs.map(r => r.metrics)
    expect(await metrics()).toEqual(await metrics())
  })

  it('replays a recorded comparison to the same verdicts', async () => {
    const c = config([{ regression: [rpsCheck] }], { rounds: { min: 3, max: 3 } })
    const { report: recorded } = await compare(c, { change: { 'throughput.rps': -0.2 } })
    const replay = replayMeasurer(recorded)
    const again = await compareGate(c, { baseDir: REPO, headDir: REPO, measurer: replay })
    expect(replay.calls).toHaveLength(6)
    expect(again.scenarios[0]!.checks).toEqual(recorded.scenarios[0]!.checks)
    expect(again.verdict).toBe(recorded.verdict)
  })

  it('an accepted regression becomes accepted and names who accepted it', async () => {
    const { report } = await compare(
      config([{ name: 'get', regression: [rssRise(0.2)] }]),
      { change: { 'server.rss.peak': 2.5 } },
      {
        acceptances: [
          { scenario: 'get', metric: 'server.rss.peak', by: 'commit abc1234 (Perf-Accepted trailer)' }
        ]
      }
    )
    expect(report.scenarios[0]!.checks[0]).toMatchObject({
      verdict: 'accepted',
      acceptedBy: 'commit abc1234 (Perf-Accepted trailer)'
    })
    expect(report.verdict).toBe('warn')
  })

  it('confirm: true re-measures a failing verdict with 2 more round pairs before failing', async () => {
    // +250% against "+100%": a clear failure, but not a catastrophic one (beyond +700%)
    const { report, calls } = await compare(
      config([{ name: 'get', regression: [rssRise(1)] }], { rounds: { min: 3, max: 3 }, confirm: true }),
      { change: { 'server.rss.peak': 2.5 } }
    )
    expect(report.verdict).toBe('fail')
    expect(report.notes).toContain('a failing verdict was confirmed with 2 extra round pairs')
    expect(report.noteData).toContainEqual(
      expect.objectContaining({ kind: 'confirmation', ran: 2, planned: 2, outcome: 'confirmed' })
    )
    expect(calls).toHaveLength(10)
    expect(report.scenarios[0]!.runs).toHaveLength(10)
    expect(report.scenarios[0]!.checks[0]!.rounds).toBe(5)
  })

  it('a failing verdict that the confirmation rounds overturn is said so', async () => {
    // the head is far bigger in the first three rounds only: the confirmation pairs see no change
    const { report } = await compare(
      config([{ name: 'get', regression: [rssRise(1)] }], { rounds: { min: 3, max: 3 }, confirm: true }),
      { headSwing: round => ({ 'server.rss.peak': round <= 3 ? 2.5 : 0 }) }
    )
    expect(report.notes).toContain(
      'a failing verdict was re-measured with 2 extra round pairs and no longer fails'
    )
    expect(report.verdict).not.toBe('fail')
  })

  it('confirmation cut short by the budget says how many extra pairs really ran', async () => {
    const c = config([{ name: 'get', regression: [rssRise(1)] }], {
      rounds: { min: 3, max: 3 },
      confirm: true
    })
    let confirming = false
    const { report } = await compare(
      c,
      { change: { 'server.rss.peak': 2.5 } },
      {
        events: (e: { type: string; message?: string }) => {
          if (e.type === 'info' && e.message?.includes('confirming')) confirming = true
        },
        // once confirmation begins the clock jumps past the budget: one extra pair runs, then the budget stops it
        now: () => Date.now() + (confirming ? 10 * c.compare.budgetMs : 0)
      }
    )
    expect(confirming).toBe(true)
    expect(report.scenarios[0]!.runs).toHaveLength(8)
    expect(report.notes).toContain(
      'confirmation was cut short: only 1 of the 2 extra round pairs ran before the time budget ran out'
    )
    expect(report.notes.join('\n')).not.toContain('confirmed with')
  })

  it('stops when the time budget is spent, undecided', async () => {
    const c = config([{ name: 'get', regression: [rssRise(0.05)] }], { rounds: { min: 2, max: 15 } })
    let t = 0
    // every call of the clock advances it a tenth of the budget: the loop runs out of time before 15 pairs
    const { report, calls } = await compare(
      c,
      { cv: 0.1, change: { 'server.rss.peak': 0.04 } },
      { now: () => (t += c.compare.budgetMs / 10) }
    )
    expect(calls.length).toBeLessThan(30)
    expect(report.notes).toContain('the time budget was spent before every check was decided')
    expect(report.scenarios[0]!.checks[0]!.verdict).toBe('inconclusive')
  })

  it('stops early when a regression is far beyond its tolerance', async () => {
    const { report, calls } = await compare(
      config([{ name: 'get', regression: [rssRise(0.2)] }], { rounds: { min: 3, max: 15 }, confirm: true }),
      { change: { 'server.rss.peak': 20 } }
    )
    expect(report.verdict).toBe('fail')
    expect(report.notes).toContain('stopped early: a regression is far beyond its tolerance')
    // a catastrophic regression needs no confirmation rounds
    expect(report.notes.join('\n')).not.toContain('extra round pair')
    expect(calls.length).toBeLessThan(30)
  })

  it('with no regression checks it reports the changes and decides nothing', async () => {
    const { report } = await compare(config([{}], { rounds: { min: 1, max: 1 } }), {})
    const [scenario] = report.scenarios
    expect(scenario!.verdict).toBe('pass')
    expect(scenario!.baseMetrics!['throughput.rps']).toBeGreaterThan(0)
    expect(scenario!.notes).toContain(
      'no regression checks configured: changes are reported, nothing is decided'
    )
  })

  it('a base that cannot start errors the comparison and says which side', async () => {
    const { report } = await compare(config([{ regression: [rpsCheck] }]), {
      script: side =>
        side === 'base' ? { startError: { kind: 'spawn-failed', message: 'no such command' } } : undefined
    })
    expect(report.verdict).toBe('errored')
    expect(report.scenarios[0]!.error!.message).toBe('the base service could not be started: no such command')
    expect(report.notes).toContain('a service could not be started')
  })

  it('a service whose port stays held is errored as such, not as a start failure', async () => {
    const held = { kind: 'port-held' as const, message: 'pid 42 still listens on 8080' }
    const { report } = await compare(config([{ regression: [rpsCheck] }]), {
      script: (side, round) => (side === 'head' && round === 2 ? { startError: held } : undefined)
    })
    expect(report.scenarios[0]!.error).toMatchObject(held)
    expect(report.notes).toContain('a service could not be stopped')
  })

  it('a head that crashes is errored, shows only its own counts and stops the rounds', async () => {
    const { report, calls } = await compare(
      config([{ regression: [rpsCheck] }], { rounds: { min: 3, max: 5 } }),
      {
        script: side => (side === 'head' ? { error: crashed } : undefined)
      }
    )
    expect(calls).toEqual(['1b', '1h'])
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
    expect(report.noteData).toContainEqual(
      expect.objectContaining({ kind: 'head-errored', after: 1, unit: 'round pair', scenario: 'scenario-1' })
    )
  })

  it('a crashed base round is dropped with a note, and a service that died is restarted for the next scenario', async () => {
    const wideRps = { ...rpsCheck, tolerance: 0.5, expression: '-50%' }
    const { report } = await compare(
      config([{ regression: [wideRps] }, { regression: [wideRps] }], { rounds: { min: 2, max: 2 } }),
      {
        script: (side, round, scenario) =>
          side === 'base' && round === 1
            ? scenario === 'scenario-1'
              ? { error: crashed }
              : { restarted: true }
            : undefined
      }
    )
    const [first, second] = report.scenarios
    expect(first!.verdict).not.toBe('errored')
    expect(first!.runs.filter(r => r.side === 'base').map(r => Boolean(r.error))).toEqual([true, false])
    expect(first!.notes).toContain('1 base round(s) errored and were not counted as data')
    expect(first!.checks[0]!.rounds).toBe(1)
    expect(second!.verdict).not.toBe('errored')
    expect(second!.checks[0]!.rounds).toBe(2)
    expect(report.notes).toContain(
      'the base service had exited and was restarted before scenario-2 (round 1)'
    )
  })

  it('no valid base round errors the scenario', async () => {
    const { report } = await compare(config([{ regression: [rpsCheck] }], { rounds: { min: 2, max: 2 } }), {
      script: side => (side === 'base' ? { error: crashed } : undefined)
    })
    expect(report.scenarios[0]!.verdict).toBe('errored')
    expect(report.scenarios[0]!.error!.message).toMatch(/^the base could not be measured: /)
  })

  it('a head round where the generator fell behind is dropped like a crashed base round; the loop goes on', async () => {
    const { report, calls } = await compare(
      config([{ regression: [rpsCheck] }], { rounds: { min: 4, max: 4 } }),
      { script: (side, round) => (side === 'head' && round === 2 ? { error: generatorLag } : undefined) }
    )
    expect(calls).toHaveLength(8)
    const [scenario] = report.scenarios
    expect(scenario!.verdict).not.toBe('errored')
    expect(scenario!.checks[0]!.rounds).toBe(3)
    expect(scenario!.notes).toContain(
      '1 head round(s) were not counted as data: the load generator fell behind its schedule there (a busy runner), which says nothing about the head'
    )
  })

  it('a generator that falls behind in more than one head round in four errors the scenario with its message', async () => {
    const { report, calls } = await compare(
      config([{ regression: [rpsCheck] }], { rounds: { min: 6, max: 6 } }),
      { script: (side, round) => (side === 'head' && round >= 2 ? { error: generatorLag } : undefined) }
    )
    // round pair 2 is tolerated (one lagged pair in the first four), pair 3 is one too many
    expect(calls).toHaveLength(6)
    expect(report.scenarios[0]!.verdict).toBe('errored')
    expect(report.scenarios[0]!.error).toMatchObject({
      kind: 'generator-lag',
      message: `head: ${generatorLag.message}`
    })
    expect(report.notes).toContain('stopped after round pair 3: the head errored in scenario-1')
  })

  it('a comparison whose only head round lagged is errored at its end', async () => {
    const { report } = await compare(config([{ regression: [rpsCheck] }], { rounds: { min: 1, max: 1 } }), {
      script: side => (side === 'head' ? { error: generatorLag } : undefined)
    })
    expect(report.scenarios[0]!.verdict).toBe('errored')
    expect(report.scenarios[0]!.error!.kind).toBe('generator-lag')
  })

  it('notes that the scenario after a stress suite runs against a fresh process', async () => {
    const { report } = await compare(
      config(
        [
          { name: 'ramp', suite: { kind: 'stress', start: 1, step: 1, max: 2, maxErrorRate: 0.05 } },
          { name: 'after' }
        ],
        { rounds: { min: 1, max: 1 } }
      ),
      {}
    )
    expect(report.notes).toContain(
      'the scenario after a stress suite ran against a fresh service process in every round'
    )
  })

  it('says the runner is too noisy when the base rounds alone spread wider than the tolerance', async () => {
    const c = config([{ name: 'get', regression: [rssRise(0.5)] }], { rounds: { min: 4, max: 4 } })
    // every other round holds 300 MB more on one side: base vs base swings far beyond the tolerance
    const swing = (round: number) => ({ 'server.rss.peak': round % 2 === 0 ? 5 : 0 })
    const { report: noisyBase } = await compare(c, { baseSwing: swing })
    expect(noisyBase.scenarios[0]!.checks[0]!.verdict).toBe('inconclusive')
    expect(noisyBase.scenarios[0]!.notes.join('\n')).toMatch(
      /^runner noise: the 4 base rounds alone \(A\/A\) vary ±.* round to round in server\.rss\.peak, .*wider than its 50(\.0)?% tolerance/m
    )
    // the same swings on the head side are a change, not the runner's noise: undecided, but no note
    const { report: noisyHead } = await compare(c, { headSwing: swing })
    expect(noisyHead.scenarios[0]!.checks[0]!.verdict).toBe('inconclusive')
    expect(noisyHead.scenarios[0]!.notes.join('\n')).not.toContain('runner noise')
  })

  describe('in the slices design (both sides up at once, {{service.port}})', () => {
    /** a config with {{service.port}}, so base and head can run side by side */
    const sliced = (compare: Partial<Config['compare']> = {}): Config => {
      const c = config([{ name: 'get', regression: [rpsCheck] }], { epochs: { min: 3, max: 8 }, ...compare })
      c.service!.env = { PORT: '{{service.port}}' }
      c.scenarios[0]!.request.url = 'http://127.0.0.1:{{service.port}}/reservations/42'
      return c
    }

    it('measures epochs through the port and decides a clear slowdown from the slice pairs', async () => {
      const { report, calls } = await compare(sliced(), { change: { 'throughput.rps': -0.3 } })
      expect(report.notes[0]).toMatch(/^design: fine interleaving/)
      expect(calls[0]).toBe('epoch 1')
      expect(calls.every(c => c.startsWith('epoch '))).toBe(true)
      const check = report.scenarios[0]!.checks[0]!
      expect(check.verdict).toBe('fail')
      expect(check.change!).toBeLessThan(-0.2)
      // the smallest change the run could detect: half the interval's width, in report.json
      expect(check.detectable).toBeCloseTo((check.interval![1] - check.interval![0]) / 2, 12)
      expect(report.scenarios[0]!.runs.filter(r => r.side === 'base')).toHaveLength(calls.length)
      // every slice pair's values, in measured order, for report.html (8 a scenario and epoch here)
      const pairs = report.scenarios[0]!.slices!
      expect(pairs).toHaveLength(8 * calls.length)
      expect(pairs.map(p => p.epoch)).toEqual([...pairs.map(p => p.epoch)].sort((a, b) => a - b))
      expect(pairs[0]!.head['throughput.rps']!).toBeLessThan(pairs[0]!.base['throughput.rps']!)
      expect(reportProblems(report)).toEqual([])
    })

    it('replays a recorded slices comparison, slice pairs included, to the same verdicts', async () => {
      const c = sliced()
      const recorder = recordingMeasurer(syntheticMeasurer(c, { change: { 'throughput.rps': -0.3 } }))
      const host = { cpus: [0, 1], taskset: false }
      const options = { baseDir: REPO, headDir: REPO, host, seed: 7 }
      const recorded = await compareGate(c, { ...options, measurer: recorder })
      expect(recorded.scenarios[0]!.checks[0]!.verdict).toBe('fail')
      const replay = replayMeasurer(recorder.recording)
      const again = await compareGate(c, { ...options, measurer: replay })
      expect(replay.calls).toEqual(recorder.calls)
      expect(again.scenarios[0]!.checks).toEqual(recorded.scenarios[0]!.checks)
      expect(again.verdict).toBe(recorded.verdict)
      // a report holds the slice pairs' values but not their histograms: replaying one in the slices design says so
      await expect(compareGate(c, { ...options, measurer: replayMeasurer(recorded) })).rejects.toThrow(
        /replay a Recording/
      )
    })

    it('an epoch where the generator fell behind on the head is dropped with a note; the slices decide', async () => {
      const { report } = await compare(sliced({ epochs: { min: 5, max: 5 } }), {
        cv: 0.01,
        script: (side, epoch) => (side === 'head' && epoch === 3 ? { error: generatorLag } : undefined)
      })
      const [scenario] = report.scenarios
      expect(scenario!.verdict).toBe('pass')
      expect(scenario!.checks[0]!.rounds).toBe(4)
      expect(scenario!.notes).toContain(
        '1 head epoch(s) were not counted as data: the load generator fell behind its schedule there (a busy runner), which says nothing about the head'
      )
    })

    it('passes the same code, and says an epoch is what it counted', async () => {
      const { report } = await compare(sliced({ epochs: { min: 3, max: 15 } }), { cv: 0.01 })
      expect(report.scenarios[0]!.checks[0]!.verdict).toBe('pass')
      expect(report.notes).toContain('every regression check was decided')
    })

    it('without compare.epochs an undecided comparison runs to its budget, past the rounds maximum', async () => {
      // a true change at the -5% tolerance under 20% noise is not firmly decided; an epoch costs 8 s of 180 s
      const c = sliced({ epochs: undefined, rounds: { min: 3, max: 15 }, budgetMs: 180_000 })
      const measurer = syntheticMeasurer(c, { change: { 'throughput.rps': -0.05 }, cv: 0.2, seed: 3 })
      const report = await compareGate(c, {
        baseDir: REPO,
        headDir: REPO,
        host: { cpus: [0, 1], taskset: false },
        measurer,
        profile: 'never',
        now: () => measurer.calls.length * 8000
      })
      expect(report.notes).toContain('the time budget was spent before every check was decided')
      // 22 epochs of 8 s fit in 180 s: the budget, not the 15 of rounds.max, ended the loop
      expect(measurer.calls).toHaveLength(22)
      expect(report.scenarios[0]!.checks[0]!.rounds).toBe(22)
    })

    it('an explicit compare.epochs.max still caps the epochs', async () => {
      const c = sliced({ epochs: { min: 3, max: 6 }, budgetMs: 180_000 })
      const measurer = syntheticMeasurer(c, { change: { 'throughput.rps': -0.05 }, cv: 0.2, seed: 3 })
      const report = await compareGate(c, {
        baseDir: REPO,
        headDir: REPO,
        host: { cpus: [0, 1], taskset: false },
        measurer,
        profile: 'never',
        now: () => measurer.calls.length * 8000
      })
      expect(measurer.calls).toHaveLength(6)
      expect(report.notes).toContain('the maximum number of epochs was reached')
    })

    it('a side that cannot start in an epoch errors the comparison', async () => {
      const { report } = await compare(sliced(), {
        script: (side, epoch) =>
          side === 'head' && epoch === 2
            ? {
                startError: {
                  kind: 'early-exit',
                  message: 'the head service could not be started: it exited'
                }
              }
            : undefined
      })
      expect(report.verdict).toBe('errored')
      expect(report.scenarios[0]!.error!.message).toBe('the head service could not be started: it exited')
    })
  })
})
