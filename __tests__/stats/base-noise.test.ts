import { describe, expect, it } from '@jest/globals'
import { baseRoundNoise, MIN_NOISE_ROUNDS } from '../../src/stats/aa.js'
import { createRng } from '../../src/stats/rng.js'
import { MEASURED_NOISE, roundPairs } from '../harness/simulate.js'

/** base rounds of a simulated run (the head side is discarded) */
function baseRounds(rounds: number, seed: number, cv: number): number[] {
  const next = roundPairs({ effect: 0, better: 'higher', noise: { ...MEASURED_NOISE, cv } }, createRng(seed))
  return Array.from({ length: rounds }, (_, i) => next(i + 1).base * 1000)
}

describe('baseRoundNoise', () => {
  it('judges from 4 base rounds, the count the adaptive loop usually reaches', () => {
    expect(MIN_NOISE_ROUNDS).toBe(4)
    const three = baseRoundNoise([100, 150, 90], 0.95)
    expect(three.projectedSpread).toBeNaN()
    expect(three.tooNoisy(0)).toBe(false)
    const four = baseRoundNoise([100, 150, 90, 140], 0.95)
    expect(four.rounds).toBe(4)
    expect(four.tooNoisy(0.2)).toBe(true)
  })

  it('reads successive differences on the log scale, so a steady drift is not noise', () => {
    // each round 2% above the last: every successive difference is the same log step
    const drift = baseRoundNoise(
      [0, 1, 2, 3, 4].map(i => 100 * 1.02 ** i),
      0.95
    )
    const zigzag = baseRoundNoise([100, 102, 100, 102, 100], 0.95)
    expect(drift.roundSpread).toBeCloseTo(Math.exp(Math.log(1.02) / Math.SQRT2) - 1, 6)
    expect(zigzag.roundSpread).toBeCloseTo(drift.roundSpread, 6)
    expect(baseRoundNoise([500, 500, 500, 500], 0.95).projectedSpread).toBe(0)
  })

  it('flags a runner at the measured noise (9% CV) for a 5% tolerance, rarely for a wide one', () => {
    // the projection is honest about few rounds: at 4 rounds t(3) = 3.18 makes the floor ~20% at this noise
    for (const [rounds, wide] of [
      [4, 0.5],
      [8, 0.3]
    ] as const) {
      let noisyFor5 = 0
      let noisyForWide = 0
      const runs = 40
      for (let seed = 1; seed <= runs; seed++) {
        const noise = baseRoundNoise(baseRounds(rounds, seed, 0.09), 0.95)
        if (noise.tooNoisy(0.05)) noisyFor5++
        if (noise.tooNoisy(wide)) noisyForWide++
      }
      expect(noisyFor5).toBeGreaterThanOrEqual(runs * 0.75)
      expect(noisyForWide).toBeLessThanOrEqual(runs * 0.1)
    }
  })

  it('skips values that are not positive numbers', () => {
    const noise = baseRoundNoise([1000, NaN, 1002, 0, 999, -5, 1001, 1000], 0.95)
    expect(noise.rounds).toBe(5)
    expect(noise.tooNoisy(0.05)).toBe(false)
  })
})
