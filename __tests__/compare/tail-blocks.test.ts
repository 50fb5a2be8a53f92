import { describe, expect, it } from '@jest/globals'
import { percentileOf, requestsFor, tailBlockPairs } from '../../src/compare/tail-blocks.js'
import { createLatencyHistogram, encodeHistogram } from '../../src/load/histogram.js'
import type { SliceObservation } from '../../src/model/slices.js'

/** A slice's encoded histogram: `count` requests at `us`, plus `slow` requests at `slowUs`. */
function slice(count: number, us: number, slow = 0, slowUs = 20_000): string {
  const h = createLatencyHistogram()
  h.recordValueWithCount(us, count - slow)
  if (slow) h.recordValueWithCount(slowUs, slow)
  return encodeHistogram(h)
}

function epoch(n: number, pairs: Array<[string, string]>): SliceObservation[] {
  return pairs.map(([base, head]) => ({ epoch: n, base: {}, head: {}, histograms: { base, head } }))
}

describe('percentileOf / requestsFor', () => {
  it('reads the percentile of latency percentiles only', () => {
    expect(percentileOf('latency.p99.9')).toBe(99.9)
    expect(percentileOf('latency.p99')).toBe(99)
    expect(percentileOf('latency.p50')).toBe(50)
    expect(percentileOf('latency.max')).toBeUndefined()
    expect(percentileOf('throughput.rps')).toBeUndefined()
  })

  it('asks a unit to hold 1/(1-q) requests', () => {
    expect(requestsFor(99.9)).toBe(1000)
    expect(requestsFor(99)).toBe(100)
    expect(requestsFor(50)).toBe(2)
  })
})

describe('tailBlockPairs', () => {
  it('is undefined when a measurer recorded no histograms, so the caller pools per epoch', () => {
    expect(tailBlockPairs([{ epoch: 1, base: {}, head: {} }], 99)).toBeUndefined()
    expect(tailBlockPairs([], 99)).toBeUndefined()
  })

  it('one pair per ABBA block when a block holds the tail', () => {
    const s = slice(600, 1000)
    const pairs = tailBlockPairs(
      epoch(
        1,
        Array.from({ length: 6 }, () => [s, s])
      ),
      99.9
    )!
    expect(pairs).toHaveLength(3)
    expect(pairs.every(p => p.epoch === 1)).toBe(true)
  })

  it('joins blocks until each side holds 1/(1-q) requests; a short remainder joins the unit before it', () => {
    const s = slice(300, 1000)
    // p99.9 needs 1000 a side: blocks of 600, so two blocks make a unit; the fifth pair (300) joins it
    expect(
      tailBlockPairs(
        epoch(
          1,
          Array.from({ length: 5 }, () => [s, s])
        ),
        99.9
      )
    ).toHaveLength(1)
    // p99 needs 100: every block is a unit, the last half block too
    expect(
      tailBlockPairs(
        epoch(
          1,
          Array.from({ length: 5 }, () => [s, s])
        ),
        99
      )
    ).toHaveLength(3)
  })

  it('an epoch too short for the tail is the epoch pooled: the tail is not diluted into small slices', () => {
    // 1% of 200 requests: 2 slow ones per head slice; p99.9 of one slice of 200 is the slice's max, of the
    // epoch's 1,200 the tail
    const pairs = tailBlockPairs(
      epoch(
        1,
        Array.from({ length: 6 }, () => [slice(200, 1000), slice(200, 1000, 2)])
      ),
      99.9
    )!
    expect(pairs).toHaveLength(1)
    expect(pairs[0]!.base).toBeGreaterThanOrEqual(999)
    expect(pairs[0]!.base).toBeLessThanOrEqual(1001)
    expect(pairs[0]!.head).toBeGreaterThan(19_000)
  })

  it('a burst in one block moves that block, not the epoch', () => {
    const quiet = slice(1000, 1000)
    const tail = slice(1000, 1000, 10)
    const burst = slice(1000, 1000, 50, 80_000)
    const pairs = tailBlockPairs(
      epoch(2, [
        [burst, tail],
        [quiet, tail],
        [quiet, tail],
        [quiet, tail]
      ]),
      99.9
    )!
    expect(pairs).toHaveLength(2)
    expect(pairs[0]!.base).toBeGreaterThan(70_000)
    expect(pairs[1]!.base).toBeLessThan(1100)
    expect(pairs[1]!.head).toBeGreaterThan(19_000)
  })
})
