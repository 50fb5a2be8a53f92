import { describe, expect, it } from '@jest/globals'
import {
  bestSplit,
  changePoints,
  minRunsFor,
  segmentSpread,
  CHANGE_POINT_DEFAULTS
} from '../../src/stats/change-points.js'
import { createRng } from '../../src/stats/rng.js'

/** level × lognormal noise with coefficient of variation `cv`, seeded */
function series(levels: number[], cv: number, seed: number): number[] {
  const rng = createRng(seed)
  const sigma = Math.sqrt(Math.log1p(cv * cv))
  return levels.map(level => {
    const z = Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng())
    return level * Math.exp(sigma * z)
  })
}

const steps = (...parts: Array<[number, number]>) => parts.flatMap(([n, level]) => Array(n).fill(level))

describe('bestSplit (the E-divisive statistic)', () => {
  it('puts the split of a clean step exactly on it', () => {
    const x = steps([10, 1], [10, 2])
    expect(bestSplit(x, 0, x.length, 2)?.index).toBe(10)
    expect(bestSplit(x, 5, x.length, 2)?.index).toBe(10)
  })

  it('needs at least two minimum segments', () => {
    expect(bestSplit([1, 2, 3, 4, 5, 6, 7], 0, 7, 4)).toBeUndefined()
  })
})

describe('changePoints', () => {
  it('finds a 10 % step in 6 % noise at its run, with the step and an interval around it', () => {
    const values = series(steps([40, 1000], [40, 1100]), 0.06, 7)
    const cps = changePoints(values)
    expect(cps).toHaveLength(1)
    const [cp] = cps
    expect(Math.abs(cp!.index - 40)).toBeLessThanOrEqual(2)
    expect(cp!.change).toBeGreaterThan(0.05)
    expect(cp!.change).toBeLessThan(0.15)
    expect(cp!.interval.low).toBeLessThan(0.1)
    expect(cp!.interval.high).toBeGreaterThan(0.1)
    expect(cp!.interval.low).toBeGreaterThan(0)
    expect(cp!.pValue).toBeLessThan(CHANGE_POINT_DEFAULTS.maxPValue)
    expect(cp!.before).toMatchObject({ start: 0, end: cp!.index })
    expect(cp!.after).toMatchObject({ start: cp!.index, end: 80 })
    expect(cp!.after.mean / cp!.before.mean - 1).toBeCloseTo(cp!.change, 10)
  })

  it('finds several steps both ways in a long series', () => {
    const values = series(steps([60, 100], [60, 130], [60, 100], [60, 80]), 0.05, 3)
    const found = changePoints(values).map(c => c.index)
    expect(found).toHaveLength(3)
    for (const [got, want] of found.map((f, i) => [f, [60, 120, 180][i]!])) {
      expect(Math.abs(got! - want)).toBeLessThanOrEqual(2)
    }
    const signs = changePoints(values).map(c => Math.sign(c.change))
    expect(signs).toEqual([1, -1, -1])
  })

  it('finds at most one change point per 500 runs of pure noise on average, and is deterministic', () => {
    let total = 0
    for (let seed = 1; seed <= 10; seed++)
      total += changePoints(series(Array(500).fill(50), 0.09, seed)).length
    expect(total).toBeLessThanOrEqual(5)
    const values = series(steps([30, 5], [30, 6]), 0.05, 11)
    expect(changePoints(values)).toEqual(changePoints(values))
  })

  it('keeps no step smaller than the minimum magnitude, however certain', () => {
    const values = steps([30, 1000], [30, 1010]) // 1 %: no noise at all, p = 0
    expect(changePoints(values)).toEqual([])
    expect(changePoints(values, { minMagnitude: 0.005 })).toHaveLength(1)
  })

  it('works on a linear scale when a value is zero (error rates)', () => {
    const values = steps([20, 0], [20, 0.02]).map((v, i) => v + (i % 2) * 0.001)
    const [cp] = changePoints(values)
    expect(cp?.index).toBe(20)
    expect(cp?.change).toBeCloseTo(40, 6) // from a mean of 0.0005 to 0.0205: the difference over the mean before
  })

  it('needs the minimum number of runs and finite values', () => {
    expect(minRunsFor(CHANGE_POINT_DEFAULTS)).toBe(12)
    expect(changePoints([1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2])).toEqual([])
    expect(() => changePoints([1, NaN])).toThrow('finite')
  })
})

describe('segmentSpread', () => {
  it('is the spread around each segment mean, not across the step', () => {
    const values = series(steps([40, 100], [40, 200]), 0.05, 5)
    const spread = segmentSpread(values, changePoints(values))
    expect(spread).toBeGreaterThan(0.03)
    expect(spread).toBeLessThan(0.07)
  })
})
