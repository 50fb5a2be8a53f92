import { describe, expect, it } from '@jest/globals'
import {
  decideSlices,
  epochLogRatios,
  slicePlan,
  trimmedMean,
  type SlicePair
} from '../../src/stats/slices.js'
import { createRng } from '../../src/stats/rng.js'
import {
  NOISY_NEIGHBOUR,
  SLICE_NOISE,
  simulateSliceIntervals,
  simulateSlicesComparison,
  speedTimeline
} from '../harness/simulate.js'
import { decisionReason } from '../../src/report/decisions.js'

const NOISY = { ...SLICE_NOISE, bursts: NOISY_NEIGHBOUR }

describe('slice statistics', () => {
  it('trimmedMean cuts 20% from each end from 5 values on', () => {
    expect(trimmedMean([1, 2, 3, 4])).toBe(2.5)
    expect(trimmedMean([1, 2, 3, 4, 100])).toBe(3)
    expect(trimmedMean([0, 1, 2, 3, 4, 5, 6, 7, 8, 1000])).toBe(4.5)
    expect(trimmedMean([])).toBeNaN()
  })

  it('slicePlan: randomized ABBA blocks, seeded', () => {
    const plan = slicePlan(6, createRng(1))
    expect(plan).toHaveLength(6)
    for (let b = 0; b < 6; b += 2) expect(plan[b + 1]).toEqual([plan[b]![1], plan[b]![0]])
    expect(slicePlan(6, createRng(1))).toEqual(plan)
    // both block orders occur
    const firsts = new Set(slicePlan(40, createRng(2)).map(p => p.join()))
    expect(firsts.size).toBe(2)
    expect(slicePlan(3, createRng(1))).toHaveLength(3)
  })

  it('epochLogRatios groups by epoch and drops unusable pairs', () => {
    const pairs: SlicePair[] = [
      { epoch: 2, base: 100, head: 90 },
      { epoch: 1, base: 100, head: 100 },
      { epoch: 1, base: 0, head: 100 },
      { epoch: 2, base: 100, head: 90 }
    ]
    const e = epochLogRatios(pairs)
    expect(e.map(x => x.epoch)).toEqual([1, 2])
    expect(e[0]!.ratio).toBeCloseTo(0)
    expect(e[1]!.ratio).toBeCloseTo(Math.log(0.9))
    expect(e.map(x => x.pairs)).toEqual([1, 2])
  })

  it('decideSlices: the interval is over epochs; one epoch is inconclusive', () => {
    const common = {
      metric: 'throughput.rps',
      better: 'higher' as const,
      direction: 'fall' as const,
      tolerance: 0.05,
      confidence: 0.95
    }
    const one = decideSlices({ ...common, pairs: [{ epoch: 1, base: 100, head: 50 }] })
    expect(one.verdict).toBe('inconclusive')
    expect(decisionReason(one)).toMatch(/needs at least 2 epochs per side/)
    const pairs: SlicePair[] = []
    for (let epoch = 1; epoch <= 4; epoch++)
      for (let k = 0; k < 6; k++) pairs.push({ epoch, base: 1000 + k, head: 700 + epoch + k })
    const d = decideSlices({ ...common, pairs })
    expect(d.verdict).toBe('fail')
    expect(decisionReason(d)).toMatch(/4 epochs \(24 slice pairs\)/)
    expect(d.n).toEqual({ base: 4, head: 4 })
  })

  it('the timeline of a noisy neighbour is slower on average, and 1 outside bursts and phases', () => {
    const quiet = speedTimeline(createRng(3), { ...SLICE_NOISE, slow: { ...SLICE_NOISE.slow, slowShare: 0 } })
    expect(quiet(0, 100)).toBeCloseTo(1)
    const noisy = speedTimeline(createRng(3), { ...NOISY, slow: { ...SLICE_NOISE.slow, slowShare: 0 } })
    const mean = noisy(0, 600)
    expect(mean).toBeLessThan(0.95)
    expect(mean).toBeGreaterThan(0.8)
  })

  // coverage: the 95% interval misses the true change about 2.5% of the time on each side
  it.each([
    { name: 'quiet', noise: SLICE_NOISE, epochs: 3 },
    { name: 'noisy neighbour', noise: NOISY, epochs: 3 },
    { name: 'noisy neighbour', noise: NOISY, epochs: 8 },
    { name: 'noisy neighbour, duet', noise: NOISY, epochs: 5 }
  ])('coverage of the epoch interval ($name, $epochs epochs)', ({ name, noise, epochs }) => {
    for (const effect of [0, -0.1]) {
      const intervals = simulateSliceIntervals({
        trials: 1000,
        seed: 17 + epochs,
        effect,
        better: 'higher',
        direction: 'fall',
        tolerance: 0.05,
        epochs,
        noise,
        design: String(name).includes('duet') ? 'duet' : 'slices'
      })
      let low = 0
      let high = 0
      for (const i of intervals) {
        if (i![0] > effect) low++
        if (i![1] < effect) high++
      }
      expect(low / intervals.length).toBeLessThan(0.05)
      expect(high / intervals.length).toBeLessThan(0.05)
      expect((low + high) / intervals.length).toBeGreaterThan(0.02)
    }
  })

  it('the adaptive loop over epochs: A/A rarely fails, -10% is caught at a 5% tolerance under the noisy neighbour', () => {
    const common = {
      trials: 300,
      better: 'higher' as const,
      direction: 'fall' as const,
      tolerance: 0.05,
      noise: NOISY,
      maxEpochs: 15
    }
    const aa = simulateSlicesComparison({ ...common, seed: 1, effect: 0 })
    expect(aa.share.fail).toBeLessThan(0.02)
    expect(aa.share.pass).toBeGreaterThan(0.9)
    const drop = simulateSlicesComparison({ ...common, seed: 2, effect: -0.1 })
    expect(drop.share.fail).toBeGreaterThan(0.9)
  })
})
