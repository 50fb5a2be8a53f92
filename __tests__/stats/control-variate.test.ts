import { describe, expect, it } from '@jest/globals'
import { covariateSlope, decideSlices, fitControlVariate, type SlicePair } from '../../src/stats/slices.js'
import { createRng } from '../../src/stats/rng.js'
import { normalDraw } from '../harness/simulate.js'
import { decisionReason } from '../../src/report/decisions.js'

/**
 * The control variate of the slices (docs/statistics.md, section 12): slice pairs whose log ratio is the true change,
 * plus `explained` times a covariate measured beside both slices (other load on the service's CPUs), plus noise.
 */
function comparison(seed: number, change: number, explained: number, epochs = 8, perEpoch = 6): SlicePair[] {
  const rng = createRng(seed)
  const pairs: SlicePair[] = []
  for (let epoch = 1; epoch <= epochs; epoch++) {
    for (let k = 0; k < perEpoch; k++) {
      const covariate = 0.3 * normalDraw(rng)
      const d = Math.log1p(change) + explained * covariate + 0.01 * normalDraw(rng)
      pairs.push({ epoch, base: 1000, head: 1000 * Math.exp(d), covariate })
    }
  }
  return pairs
}

const decide = (pairs: SlicePair[]) =>
  decideSlices({
    metric: 'throughput.rps',
    better: 'higher',
    direction: 'fall',
    tolerance: 0.02,
    pairs,
    confidence: 0.95
  })

describe('the control variate on slice pairs', () => {
  it('covariateSlope finds the slope within epochs, and is 0 with too few pairs or a covariate missing', () => {
    const pairs = comparison(1, 0, -0.2).map(p => ({
      epoch: p.epoch,
      d: Math.log(p.head / p.base),
      x: p.covariate
    }))
    expect(covariateSlope(pairs)).toBeCloseTo(-0.2, 1)
    expect(covariateSlope(pairs.slice(0, 11))).toBe(0)
    expect(covariateSlope(pairs.map((p, i) => (i === 3 ? { ...p, x: undefined } : p)))).toBe(0)
    expect(covariateSlope(pairs.map(p => ({ ...p, x: 0.1 })))).toBe(0)
  })

  it('measures the share of the variance within epochs the covariate removed', () => {
    const logs = (explained: number) =>
      comparison(3, 0, explained).map(p => ({ epoch: p.epoch, d: Math.log(p.head / p.base), x: p.covariate }))
    // noise 0.01 against 0.2 x 0.3 explained: r squared = 0.06² / (0.06² + 0.01²) = 0.97
    expect(fitControlVariate(logs(-0.2))!.varianceReduction).toBeGreaterThan(0.9)
    // nothing explained: close to 0 (what chance lets a slope fit)
    expect(fitControlVariate(logs(0))!.varianceReduction).toBeLessThan(0.15)
    expect(fitControlVariate(logs(0).slice(0, 11))).toBeUndefined()
  })

  it('narrows the interval when the covariate explains the noise, and says so', () => {
    const pairs = comparison(2, -0.05, -0.2)
    const adjusted = decide(pairs)
    const plain = decide(pairs.map(({ covariate: _, ...p }) => p))
    expect(adjusted.noiseFloor!).toBeLessThan(plain.noiseFloor! / 3)
    expect(adjusted.verdict).toBe('fail')
    expect(decisionReason(adjusted)).toMatch(/adjusted for other processes' load on the service's CPUs/)
    expect(decisionReason(plain)).not.toMatch(/adjusted/)
    expect(adjusted.basis.adjustment).toMatchObject({ covariate: 'others-cpu-share' })
    expect(adjusted.basis.adjustment!.varianceReduction).toBeGreaterThan(0.9)
    expect(plain.basis.adjustment).toBeUndefined()
  })

  it('keeps the interval calibrated, whether the covariate explains the noise or not', () => {
    for (const explained of [-0.2, 0]) {
      let missed = 0
      let errors = 0
      const runs = 400
      for (let seed = 1; seed <= runs; seed++) {
        const d = decide(comparison(1000 * seed + 7, -0.03, explained))
        const [low, high] = d.interval!
        if (low > -0.03 || high < -0.03) missed++
        errors += Math.log1p(d.change!) - Math.log1p(-0.03)
      }
      expect(missed / runs).toBeLessThan(0.09) // nominal 5%
      expect(Math.abs(errors / runs)).toBeLessThan(0.002) // unbiased
    }
  })
})
