import { describe, expect, it } from '@jest/globals'
import { anomalyNote, crossRunMargin, decideAgainstStored } from '../../src/stats/stored.js'
import { decisionReason } from '../../src/report/decisions.js'

const rps = (base: number[], head: number[], margin = 0.1) =>
  decideAgainstStored({
    metric: 'throughput.rps',
    better: 'higher',
    direction: 'fall',
    tolerance: 0.05,
    base,
    head,
    confidence: 0.95,
    margin,
    source: 'test'
  })

describe('decideAgainstStored', () => {
  it('fails a clear drop beyond tolerance plus the cross-run allowance', () => {
    const d = rps([1000, 1010, 990], [500, 505, 495])
    expect(d.verdict).toBe('fail')
    expect(d.change).toBeCloseTo(-0.5, 2)
    expect(decisionReason(d)).toMatch(/beyond the -5% tolerance/)
  })

  it('is inconclusive, not failing, on a change cross-run noise could explain', () => {
    const d = rps([1000, 1010, 990], [920, 925, 915])
    expect(d.verdict).toBe('inconclusive')
    expect(decisionReason(d)).toMatch(/a stored run cannot decide this/)
  })

  it('passes when even the widened interval is within tolerance', () => {
    const d = rps([1000, 1010, 990], [1200, 1210, 1190])
    expect(d.verdict).toBe('pass')
  })

  it('decides from one round a side by the point ratio widened by the allowance', () => {
    expect(rps([1000], [400]).verdict).toBe('fail')
    expect(rps([1000], [990]).verdict).toBe('inconclusive')
    expect(rps([1000], [990]).interval![0]).toBeCloseTo(0.99 / 1.1 - 1, 6)
  })

  it('without the allowance a 8% drop would fail: the allowance is what keeps it honest', () => {
    expect(rps([1000, 1010, 990], [920, 925, 915], 0).verdict).toBe('fail')
  })
})

describe('crossRunMargin', () => {
  it('uses the configured allowance until 5 runs are stored, then 2 SD of their spread', () => {
    expect(crossRunMargin([100, 101, 99], 0.1)).toMatchObject({ margin: 0.1 })
    const learnt = crossRunMargin([100, 102, 98, 101, 99, 100], 0.1)
    expect(learnt.margin).toBeGreaterThan(0.02)
    expect(learnt.margin).toBeLessThan(0.05)
    expect(learnt.source).toMatch(/last 6 stored runs/)
  })
})

describe('anomalyNote', () => {
  const history = [100, 102, 98, 101, 99, 100]
  it('notes a value 3+ SD from the stored history, never below 5 runs', () => {
    const note = anomalyNote('throughput.rps', history, 80)
    expect(note).toMatchObject({
      kind: 'history-anomaly',
      metric: 'throughput.rps',
      value: 80,
      runs: 6,
      mean: 100
    })
    expect(note!.z).toBeLessThan(-3)
    expect(anomalyNote('throughput.rps', history, 101)).toBeUndefined()
    expect(anomalyNote('throughput.rps', history.slice(0, 4), 50)).toBeUndefined()
  })
})
