/**
 * Tail pairs for the slices and duet designs: a latency percentile compared per block of slices rather than per
 * epoch. See docs/statistics.md, section 11.
 */
import { decodeHistogram, type Histogram, createLatencyHistogram } from '../load/histogram.js'
import type { SliceObservation } from '../model/slices.js'
import type { SlicePair } from '../stats/slices.js'

/** The percentile a latency metric names ('latency.p99.9' -> 99.9); undefined for any other metric. */
export function percentileOf(metric: string): number | undefined {
  const m = /^latency\.p(\d+(?:\.\d+)?)$/.exec(metric)
  if (!m) return undefined
  const q = Number(m[1])
  return q > 0 && q < 100 ? q : undefined
}

/** The fewest requests a side's unit must hold for percentile q to lie inside it: 1 / (1 - q). */
export function requestsFor(percentile: number): number {
  return Math.ceil(1 / (1 - percentile / 100) - 1e-9)
}

const decoded = new WeakMap<SliceObservation, { base: Histogram; head: Histogram }>()

function histogramsOf(o: SliceObservation): { base: Histogram; head: Histogram } | undefined {
  if (!o.histograms) return undefined
  let h = decoded.get(o)
  if (!h) {
    h = { base: decodeHistogram(o.histograms.base), head: decodeHistogram(o.histograms.head) }
    decoded.set(o, h)
  }
  return h
}

function pool(histograms: readonly Histogram[]): Histogram {
  const merged = createLatencyHistogram()
  for (const h of histograms) merged.add(h)
  return merged
}

/**
 * A percentile per unit of slices, paired: within each epoch, the slice pairs in plan order form ABBA blocks of
 * two (B H H B or H B B H, so a slow phase of the runner weighs on both sides of a block alike); consecutive
 * blocks are joined until each side's pooled histogram holds at least 1/(1-q) requests, and a short remainder
 * joins the unit before it. Each unit gives one pair (the percentile of each side's pooled histograms), so a
 * burst that hits one block moves one unit of the epoch, not the epoch's whole pooled tail, while no unit is too
 * small to hold the tail it is asked about. An epoch whose slices all fit one unit is the epoch pooled.
 *
 * Undefined when some observation carries no histograms (a measurer that records slice values only): the caller
 * then pools per epoch.
 */
export function tailBlockPairs(
  observations: readonly SliceObservation[],
  percentile: number
): SlicePair[] | undefined {
  if (observations.length === 0 || observations.some(o => !o.histograms)) return undefined
  const need = requestsFor(percentile)
  const byEpoch = new Map<number, SliceObservation[]>()
  for (const o of observations) byEpoch.set(o.epoch, [...(byEpoch.get(o.epoch) ?? []), o])
  const pairs: SlicePair[] = []
  for (const [epoch, list] of byEpoch) {
    const units: Array<{ base: Histogram[]; head: Histogram[] }> = []
    let current: { base: Histogram[]; head: Histogram[] } = { base: [], head: [] }
    const count = (hs: Histogram[]) => hs.reduce((n, h) => n + h.totalCount, 0)
    for (let k = 0; k < list.length; k += 2) {
      for (const o of list.slice(k, k + 2)) {
        const h = histogramsOf(o)!
        current.base.push(h.base)
        current.head.push(h.head)
      }
      if (count(current.base) >= need && count(current.head) >= need) {
        units.push(current)
        current = { base: [], head: [] }
      }
    }
    if (current.base.length) {
      const last = units.at(-1)
      if (last) {
        last.base.push(...current.base)
        last.head.push(...current.head)
      } else units.push(current)
    }
    for (const unit of units) {
      const base = pool(unit.base)
      const head = pool(unit.head)
      pairs.push({
        epoch,
        base: base.totalCount ? base.getValueAtPercentile(percentile) : NaN,
        head: head.totalCount ? head.getValueAtPercentile(percentile) : NaN
      })
    }
  }
  return pairs
}
