import { describe, expect, it } from '@jest/globals'
import { mean, variance } from '../../src/stats/ci.js'
import { createRng } from '../../src/stats/rng.js'
import { roundOrder } from '../../src/stats/order.js'
import { MEASURED_NOISE, roundPairs, simulateComparison, type SimulationSpec } from '../harness/simulate.js'

const TRIALS = 500

const rps = (effect: number, extra: Partial<SimulationSpec> = {}): SimulationSpec => ({
  trials: TRIALS,
  seed: 20240601,
  effect,
  better: 'higher',
  direction: 'fall',
  tolerance: 0.05,
  minRounds: 3,
  maxRounds: 15,
  ...extra
})

const p99 = (effect: number, extra: Partial<SimulationSpec> = {}): SimulationSpec => ({
  ...rps(effect, extra),
  better: 'lower',
  direction: 'rise',
  tolerance: 0.2,
  noise: { ...MEASURED_NOISE, cv: 0.11 },
  ...extra
})

describe('the noise model', () => {
  it('draws rounds with the configured CV and slows them in slow phases', () => {
    const quiet = roundPairs(
      { effect: 0, better: 'higher', noise: { ...MEASURED_NOISE, slowShare: 0 } },
      createRng(1)
    )
    const values = Array.from({ length: 2000 }, (_, i) => quiet(i + 1)).flatMap(v => [v.base, v.head])
    const cv = Math.sqrt(variance(values)) / mean(values)
    expect(cv).toBeGreaterThan(0.085)
    expect(cv).toBeLessThan(0.095)

    const phased = roundPairs({ effect: 0, better: 'higher' }, createRng(1))
    const slowed = Array.from({ length: 2000 }, (_, i) => phased(i + 1)).flatMap(v => [v.base, v.head])
    // 15% of the time 25% slower: the mean drops by about 3.75%
    expect(mean(slowed) / mean(values)).toBeGreaterThan(0.94)
    expect(mean(slowed) / mean(values)).toBeLessThan(0.98)
  })

  it('applies the effect to the head and runs rounds in ABBA order', () => {
    const next = roundPairs(
      { effect: -0.5, better: 'higher', noise: { ...MEASURED_NOISE, cv: 0, slowShare: 0 } },
      createRng(2)
    )
    expect(next(1)).toEqual({ base: 1, head: 0.5 })
    expect([1, 2, 3, 4].map(roundOrder)).toEqual([
      ['base', 'head'],
      ['head', 'base'],
      ['base', 'head'],
      ['head', 'base']
    ])
  })

  it('is deterministic for a seed', () => {
    expect(simulateComparison(rps(-0.1, { trials: 50 }))).toEqual(
      simulateComparison(rps(-0.1, { trials: 50 }))
    )
    expect(createRng(7)()).toBe(createRng(7)())
    expect(createRng(7)()).not.toBe(createRng(8)())
  })

  it('rejects a trial count that is not a positive integer', () => {
    expect(() => simulateComparison(rps(0, { trials: 0 }))).toThrow(
      'trials must be a positive integer, got 0'
    )
  })
})

describe('calibration of the decision rule in the adaptive loop (simulated, 9% CV + slow phases)', () => {
  it('A/A: throughput with a 5% tolerance fails in at most 2% of comparisons (paired)', () => {
    const r = simulateComparison(rps(0))
    expect(r.share.fail).toBeLessThanOrEqual(0.02)
  })

  it('A/A: throughput with a 5% tolerance fails in at most 2% of comparisons (unpaired, Welch)', () => {
    const r = simulateComparison(rps(0, { paired: false, seed: 99 }))
    expect(r.share.fail).toBeLessThanOrEqual(0.02)
  })

  it('A/A: p99 with a +20% tolerance almost never fails and mostly passes', () => {
    const r = simulateComparison(p99(0))
    expect(r.share.fail).toBeLessThanOrEqual(0.02)
    expect(r.share.pass).toBeGreaterThanOrEqual(0.8)
  })

  it('a 20% throughput drop with a 5% tolerance fails in >= 90% of comparisons within 15 rounds', () => {
    const paired = simulateComparison(rps(-0.2))
    expect(paired.share.fail).toBeGreaterThanOrEqual(0.9)
    expect(paired.rounds.max).toBeLessThanOrEqual(15)
    const unpaired = simulateComparison(rps(-0.2, { paired: false }))
    expect(unpaired.share.fail).toBeGreaterThanOrEqual(0.9)
  })

  it('a 50% throughput drop stops early as catastrophic', () => {
    const r = simulateComparison(rps(-0.5))
    expect(r.share.fail).toBe(1)
    expect(r.rounds.median).toBeLessThanOrEqual(4)
    expect(r.stops['stop-catastrophic']).toBeGreaterThan(TRIALS / 2)
  })

  it('a clear improvement never fails', () => {
    expect(simulateComparison(rps(0.2)).counts.fail).toBe(0)
    expect(simulateComparison(rps(0.2, { paired: false })).counts.fail).toBe(0)
    expect(simulateComparison(p99(-0.3)).counts.fail).toBe(0)
  })

  it('with one round per side every comparison is inconclusive', () => {
    const r = simulateComparison(rps(-0.5, { minRounds: 1, maxRounds: 1, trials: 50 }))
    expect(r.counts.inconclusive).toBe(50)
    expect(r.stops['stop-max-rounds']).toBe(50)
  })
})
