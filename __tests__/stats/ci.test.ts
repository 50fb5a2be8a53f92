import { describe, expect, it } from '@jest/globals'
import { mean, oneSampleInterval, tCdf, tQuantile, variance, welchInterval } from '../../src/stats/ci.js'

describe('tQuantile', () => {
  // Student's t table (two-sided 95% and 99%), 7 significant digits
  const table: Array<[number, number, number]> = [
    [1, 12.7062047, 63.6567412],
    [2, 4.3026527, 9.9248432],
    [5, 2.5705818, 4.032143],
    [10, 2.2281389, 3.1692727],
    [30, 2.0422725, 2.7499957]
  ]
  it.each(table)('matches the table for df=%d at 0.975 and 0.995', (df, q975, q995) => {
    expect(tQuantile(0.975, df)).toBeCloseTo(q975, 6)
    expect(tQuantile(0.995, df)).toBeCloseTo(q995, 6)
  })

  it('is symmetric and 0 at the median', () => {
    expect(tQuantile(0.025, 5)).toBeCloseTo(-2.5705818, 6)
    expect(tQuantile(0.5, 7)).toBe(0)
  })

  it('handles fractional (Welch) degrees of freedom and inverts the CDF', () => {
    expect(tQuantile(0.975, 3.7)).toBeCloseTo(2.8675207071911895, 9) // scipy.stats.t.ppf
    expect(tQuantile(0.9, 7.3)).toBeCloseTo(1.4089223177480423, 9)
    expect(tCdf(1.5, 2.5)).toBeCloseTo(0.8760817734568519, 9)
    for (const df of [1, 3, 4.5, 12, 250]) {
      for (const p of [0.6, 0.9, 0.995, 0.99999]) expect(tCdf(tQuantile(p, df), df)).toBeCloseTo(p, 9)
    }
  })

  it('approaches the normal quantile for large df', () => {
    expect(tQuantile(0.975, 1e6)).toBeCloseTo(1.959964, 5)
  })

  it('rejects impossible arguments with a clear error', () => {
    expect(() => tQuantile(1, 5)).toThrow('strictly between 0 and 1, got 1')
    expect(() => tQuantile(0.9, 0)).toThrow('degrees of freedom > 0, got 0')
  })
})

describe('mean and variance', () => {
  it('computes the sample mean and the n-1 variance', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5)
    expect(variance([1, 2, 3, 4])).toBeCloseTo(5 / 3, 12)
    expect(variance([7])).toBeNaN()
    expect(mean([])).toBeNaN()
  })
})

describe('intervals', () => {
  it('gives the one-sample t interval', () => {
    const ci = oneSampleInterval([1, 2, 3, 4, 5], 0.95)
    expect(ci.estimate).toBe(3)
    expect(ci.df).toBe(4)
    expect(ci.low).toBeCloseTo(1.0367568385224428, 9)
    expect(ci.high).toBeCloseTo(4.963243161477557, 9)
  })

  it("gives Welch's interval of head - base with Welch-Satterthwaite df", () => {
    const ci = welchInterval([1, 2, 3, 4], [2, 4, 6, 8, 10], 0.95)
    expect(ci.estimate).toBe(3.5)
    expect(ci.df).toBeCloseTo(5.520787746170677, 9)
    expect(ci.low).toBeCloseTo(-0.3853680805140449, 9)
    expect(ci.high).toBeCloseTo(7.385368080514045, 9)
  })

  it('collapses to the point when both sides are constant', () => {
    const ci = welchInterval([5, 5], [6, 6, 6], 0.95)
    expect([ci.low, ci.high, ci.halfWidth]).toEqual([1, 1, 0])
  })

  it('refuses too few values and a bad confidence', () => {
    expect(() => oneSampleInterval([1], 0.95)).toThrow('at least 2 values')
    expect(() => welchInterval([1, 2], [3], 0.95)).toThrow('at least 2 values per side, got 2 and 1')
    expect(() => oneSampleInterval([1, 2], 95)).toThrow('confidence must be a fraction between 0 and 1')
  })
})
