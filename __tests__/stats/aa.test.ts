import { describe, expect, it } from '@jest/globals'
import { aaNoiseCheck } from '../../src/stats/aa.js'
import { createRng, MEASURED_NOISE, roundPairs } from '../../src/stats/simulate.js'

/** base rounds of a simulated run (the head side is discarded) */
function baseRounds(rounds: number, seed: number, cv: number): number[] {
  const next = roundPairs({ effect: 0, better: 'higher', noise: { ...MEASURED_NOISE, cv } }, createRng(seed))
  return Array.from({ length: rounds }, (_, i) => next(i + 1).base * 1000)
}

describe('aaNoiseCheck', () => {
  it('compares alternate base rounds: odd rounds vs even rounds', () => {
    // every second round 10% higher: the A/A "change" is that 10%
    const aa = aaNoiseCheck([100, 110, 101, 112, 99, 108, 100, 110], 0.95)
    expect(aa.change).toBeCloseTo(0.1, 2)
    expect(aa.spread).toBeGreaterThan(0)
    expect(aa.spread).toBeLessThan(0.02)
  })

  it('finds no spread in perfectly steady rounds', () => {
    const aa = aaNoiseCheck([500, 500, 500, 500, 500, 500], 0.95)
    expect(aa.spread).toBe(0)
    expect(aa.change).toBe(0)
    expect(aa.tooNoisy(0)).toBe(false)
  })

  it('flags a runner too noisy for a 5% tolerance but not for 20% at the measured noise (9% CV, 15 rounds)', () => {
    let noisyFor5 = 0
    let noisyFor20 = 0
    const runs = 40
    for (let seed = 1; seed <= runs; seed++) {
      const aa = aaNoiseCheck(baseRounds(15, seed, 0.09), 0.95)
      expect(aa.projectedSpread).toBeLessThan(aa.spread) // projected to all 15 rounds: narrower than 7 vs 7
      if (aa.tooNoisy(0.05)) noisyFor5++
      if (aa.tooNoisy(0.2)) noisyFor20++
    }
    expect(noisyFor5).toBeGreaterThanOrEqual(runs * 0.75)
    expect(noisyFor20).toBeLessThanOrEqual(runs * 0.1)
  })

  it('does not flag a quiet runner for a 5% tolerance', () => {
    const quiet = aaNoiseCheck([1000, 1004, 998, 1003, 1001, 999, 1002, 1000, 997, 1001], 0.95)
    expect(quiet.tooNoisy(0.05)).toBe(false)
    expect(quiet.tooNoisy(0.001)).toBe(true)
  })

  it('cannot judge fewer than 4 usable rounds and then never flags', () => {
    const aa = aaNoiseCheck([100, 130, NaN, 90], 0.95)
    expect(aa.spread).toBeNaN()
    expect(aa.tooNoisy(0.01)).toBe(false)
  })
})
