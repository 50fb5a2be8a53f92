import { describe, expect, it } from '@jest/globals'
import {
  decideRegression,
  formatSignedPercent,
  formatTolerance,
  isDecided,
  type RegressionInput
} from '../../src/stats/decide.js'
import { decisionReason } from '../../src/report/decisions.js'

const rps = (base: number[], head: number[], extra: Partial<RegressionInput> = {}): RegressionInput => ({
  metric: 'throughput.rps',
  better: 'higher',
  direction: 'fall',
  tolerance: 0.05,
  base,
  head,
  confidence: 0.95,
  ...extra
})

const p99 = (base: number[], head: number[], extra: Partial<RegressionInput> = {}): RegressionInput => ({
  metric: 'latency.p99',
  better: 'lower',
  direction: 'rise',
  tolerance: 0.2,
  base,
  head,
  confidence: 0.95,
  ...extra
})

const neighbours = (n: number) => Array.from({ length: n }, (_, i): [number, number] => [i, i])

describe('decideRegression', () => {
  const base = [1000, 1040, 980, 1010]
  const head = [800, 850, 790, 820]

  it('fails a throughput drop whose whole interval is beyond the tolerance (paired, log scale)', () => {
    const d = decideRegression(rps(base, head, { pairs: neighbours(4) }))
    expect(d.verdict).toBe('fail')
    expect(d.method).toBe('paired-log')
    expect(d.pairs).toBe(4)
    // scipy: exp(mean of log ratios) - 1 and the paired t interval on log ratios
    expect(d.change).toBeCloseTo(-0.1911979061439668, 10)
    expect(d.interval![0]).toBeCloseTo(-0.20296823630521973, 10)
    expect(d.interval![1]).toBeCloseTo(-0.17925375521619555, 10)
    expect(d.noiseFloor).toBeCloseTo((d.interval![1] - d.interval![0]) / 2, 12)
    expect(d.n).toEqual({ base: 4, head: 4 })
    expect(decisionReason(d)).toBe(
      'throughput.rps fell 19.1% (CI -20.3% .. -17.9%, 4 paired rounds), beyond the -5% tolerance'
    )
    expect(isDecided(d)).toBe(true)
  })

  it("uses Welch's t on log values without pairs (ratio of geometric means)", () => {
    const d = decideRegression(rps(base, head))
    expect(d.method).toBe('welch-log')
    expect(d.pairs).toBe(0)
    expect(d.change).toBeCloseTo(-0.191197906143967, 10)
    expect(d.interval![0]).toBeCloseTo(-0.2310664813642495, 10)
    expect(d.interval![1]).toBeCloseTo(-0.14926217784533324, 10)
    expect(decisionReason(d)).toContain('CI -23.1% .. -14.9%, 4 vs 4 rounds')
    expect(d.verdict).toBe('fail')
  })

  it('passes a clear improvement and says so', () => {
    const d = decideRegression(rps(head, base, { pairs: neighbours(4) }))
    expect(d.verdict).toBe('pass')
    expect(d.change).toBeGreaterThan(0.2)
    expect(decisionReason(d)).toMatch(
      /^throughput\.rps rose 23\.6% \(CI \+\d+\.\d% \.\. \+\d+\.\d%, 4 paired rounds\), within the -5% tolerance: an improvement$/
    )
  })

  it('calls a clear latency drop an improvement', () => {
    const d = decideRegression(p99([10, 10.4, 9.8], [7, 7.1, 6.8], { pairs: neighbours(3) }))
    expect(d.verdict).toBe('pass')
    expect(decisionReason(d)).toMatch(
      /^latency\.p99 fell 30\.\d% .*within the \+20% tolerance: an improvement$/
    )
  })

  it('passes a change whose whole interval is inside the tolerance on the bad side', () => {
    const d = decideRegression(
      p99([10, 10.2, 9.9, 10.1, 10], [10.3, 10.4, 10.1, 10.3, 10.2], { pairs: neighbours(5) })
    )
    expect(d.verdict).toBe('pass')
    expect(d.interval![1]).toBeLessThanOrEqual(0.2)
    expect(d.interval![0]).toBeGreaterThan(0) // a small, clear rise: still within +20%
    expect(decisionReason(d)).toContain('within the +20% tolerance')
    expect(decisionReason(d)).not.toContain('improvement')
    // a pass says how far the metric may have risen (the interval's bad end) and what the run could detect
    expect(decisionReason(d)).toMatch(
      new RegExp(
        `: no rise beyond ${formatSignedPercent(d.interval![1]).slice(1).replace('.', '\\.')} ` +
          `\\(the smallest change this run could detect: ±${formatSignedPercent(d.noiseFloor!).slice(1).replace('.', '\\.')}\\)$`
      )
    )
  })

  it('is inconclusive when the interval straddles the tolerance, and says more rounds would decide', () => {
    const d = decideRegression(p99([10, 11, 9.5, 10.4], [10.5, 12, 10, 11.8]))
    expect(d.verdict).toBe('inconclusive')
    expect(d.interval![0]).toBeLessThan(0.2)
    expect(d.interval![1]).toBeGreaterThan(0.2)
    const change = formatSignedPercent(d.change!)
    const lo = formatSignedPercent(d.interval![0])
    const hi = formatSignedPercent(d.interval![1])
    const floor = formatSignedPercent(d.noiseFloor!).slice(1)
    expect(decisionReason(d)).toBe(
      `inconclusive: latency.p99 ${change} ± ${floor} (CI ${lo} .. ${hi}, 4 vs 4 rounds) straddles the +20% tolerance; this run could detect changes of ±${floor}, more rounds would decide`
    )
    expect(isDecided(d)).toBe(false)
    expect(d.firm).toBe(false)
  })

  it('treats the tolerance boundary as inside: fail needs the interval strictly beyond it', () => {
    // constant values: a point interval exactly at -5%
    const atBound = decideRegression(rps([100, 100], [95, 95]))
    expect(atBound.interval![0]).toBeCloseTo(-0.05, 12)
    expect(atBound.verdict).toBe('pass')
    const beyond = decideRegression(rps([100, 100], [94, 94]))
    expect(beyond.verdict).toBe('fail')
  })

  it('is inconclusive with fewer than 2 rounds per side', () => {
    for (const [b, h] of [
      [[1000], [900, 910]],
      [[1000, 1010], [900]],
      [[], []]
    ]) {
      const d = decideRegression(rps(b, h))
      expect(d.verdict).toBe('inconclusive')
      expect(d.interval).toBeNull()
      expect(d.noiseFloor).toBeNull()
      expect(d.method).toBe('none')
      expect(decisionReason(d)).toContain(
        `needs at least 2 rounds per side (base ${b.length}, head ${h.length})`
      )
    }
    expect(decideRegression(rps([1000], [900, 900])).change).toBeCloseTo(-0.1, 12)
    expect(decideRegression(rps([], [900])).change).toBeNull()
  })

  it('drops NaN, null and infinite values with a note, and skips the pairs they belonged to', () => {
    const withGaps = decideRegression(
      rps([1000, NaN, 1040, 980, 1010], [800, 850, null as unknown as number, 790, Infinity], {
        pairs: neighbours(5)
      })
    )
    expect(withGaps.n).toEqual({ base: 4, head: 3 })
    expect(withGaps.dropped).toBe(3)
    expect(withGaps.pairs).toBe(2) // (0,0) and (3,3) are the only complete pairs
    expect(decisionReason(withGaps)).toMatch(/; 3 missing values dropped$/)
    const oneGap = decideRegression(rps([1000, NaN, 1040], [800, 850, 790]))
    expect(decisionReason(oneGap)).toMatch(/; 1 missing value dropped$/)
  })

  it('falls back to Welch when fewer than 2 pairs are usable', () => {
    const d = decideRegression(rps(base, head, { pairs: [[0, 0]] }))
    expect(d.method).toBe('welch-log')
  })

  it('pairs by the given indexes, not by position', () => {
    // head listed in another order; pairs map each base round to its neighbour
    const d = decideRegression(
      rps(base, [820, 790, 850, 800], {
        pairs: [
          [0, 3],
          [1, 2],
          [2, 1],
          [3, 0]
        ]
      })
    )
    const inOrder = decideRegression(rps(base, head, { pairs: neighbours(4) }))
    expect(d.interval).toEqual(inOrder.interval)
  })

  it('pairing removes drift shared by neighbours that Welch counts as noise', () => {
    // a slow phase hits rounds 3-4 on both sides: the paired interval is much narrower
    const b = [1000, 1005, 760, 750, 998, 1003]
    const h = [900, 905, 680, 676, 899, 902]
    const paired = decideRegression(rps(b, h, { pairs: neighbours(6) }))
    const welch = decideRegression(rps(b, h))
    expect(paired.verdict).toBe('fail')
    expect(welch.verdict).toBe('inconclusive')
    expect(paired.noiseFloor!).toBeLessThan(welch.noiseFloor! / 5)
  })

  describe('values that are zero or negative (e.g. error counts)', () => {
    it('uses the difference of means relative to the base mean', () => {
      const d = decideRegression({ ...p99([0, 2, 1, 1], [10, 12, 9, 11]), metric: 'errors.total' })
      expect(d.method).toBe('welch-linear')
      expect(d.change).toBeCloseTo(9.5, 12) // (10.5 - 1) / 1
      expect(d.verdict).toBe('fail')
      expect(decisionReason(d)).toContain('the change is the difference of means relative to the base mean')
      const paired = decideRegression({
        ...p99([0, 2, 1, 1], [1, 2, 1, 0], { pairs: neighbours(4) }),
        metric: 'errors.total'
      })
      expect(paired.method).toBe('paired-linear')
      expect(paired.change).toBeCloseTo(0, 12)
    })

    it('passes zero on both sides', () => {
      const d = decideRegression({ ...p99([0, 0, 0], [0, 0, 0]), metric: 'errors.total' })
      expect(d.verdict).toBe('pass')
      expect(d.change).toBe(0)
      expect(d.interval).toEqual([0, 0])
      expect(decisionReason(d)).toBe('errors.total is 0 on both sides')
    })

    it('fails a clear rise from a zero base, where the relative change is undefined', () => {
      const d = decideRegression({ ...p99([0, 0, 0], [3, 5, 4]), metric: 'errors.total' })
      expect(d.verdict).toBe('fail')
      expect(d.change).toBeNull()
      expect(d.interval).toBeNull()
      expect(decisionReason(d)).toBe(
        'errors.total went from 0 to 4 (difference CI +1.52 .. +6.48, 3 vs 3 rounds); from a zero base any rise is beyond the +20% tolerance'
      )
    })

    it('is inconclusive when a rise from zero is not clear', () => {
      const d = decideRegression({ ...p99([0, 0, 0], [0, 3, 0]), metric: 'errors.total' })
      expect(d.verdict).toBe('inconclusive')
      expect(decisionReason(d)).toContain('interval straddles 0')
    })
  })

  describe('firm verdicts (the stricter interim level the adaptive loop stops on)', () => {
    it('marks a verdict firm when it also holds at the interim confidence', () => {
      expect(decideRegression(rps(base, head, { pairs: neighbours(4) })).firm).toBe(true)
    })

    it('does not mark a verdict firm when only the plain interval decides it', () => {
      // decided at 95% but not at 99%
      const b = [1000, 1000, 1000]
      const h = [831.4, 860.7, 891] // log ratios -0.15 ± 0.035: beyond -5% at 95%, not at 99%
      const plain = decideRegression(rps(b, h, { pairs: neighbours(3) }))
      expect(plain.verdict).toBe('fail')
      expect(plain.firm).toBe(false)
      expect(decideRegression(rps(b, h, { pairs: neighbours(3), interimConfidence: 0.95 })).firm).toBe(true)
    })
  })

  it('rejects bad inputs with errors that name the metric', () => {
    expect(() => decideRegression(rps(base, head, { tolerance: -0.05 }))).toThrow(
      'throughput.rps: the regression tolerance must be a fraction >= 0'
    )
    expect(() => decideRegression(rps(base, head, { confidence: 95 }))).toThrow(
      'throughput.rps: confidence must be a fraction'
    )
    expect(() => decideRegression(rps(base, head, { pairs: [[0, 4]] }))).toThrow(
      'throughput.rps: pair [0, 4] points outside the rounds (4 base, 4 head values)'
    )
    expect(() => decideRegression(rps(base, head, { interimConfidence: 0.9 }))).toThrow(
      'interimConfidence must lie between'
    )
    expect(() => decideRegression(rps(base, head, { direction: 'up' as 'rise' }))).toThrow(
      "throughput.rps: direction must be 'rise' or 'fall', got up"
    )
  })
})

describe('formatting', () => {
  it('formats signed percentages and tolerances', () => {
    expect(formatSignedPercent(-0.2312)).toBe('-23.1%')
    expect(formatSignedPercent(0.07)).toBe('+7.0%')
    expect(formatSignedPercent(-0.00001)).toBe('0.0%')
    expect(formatTolerance('fall', 0.05)).toBe('-5%')
    expect(formatTolerance('rise', 0.025)).toBe('+2.5%')
  })
})
