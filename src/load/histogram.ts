import * as hdr from 'hdr-histogram-js'
import type { LatencySummary } from './types.js'

export type Histogram = hdr.Histogram

/** Microsecond latency histogram: 1 µs to 60 s at 3 significant digits, JS implementation (no wasm to free). */
export function createLatencyHistogram(): Histogram {
  return hdr.build({
    bitBucketSize: 32,
    autoResize: true,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false
  })
}

export function encodeHistogram(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h)
}

export function decodeHistogram(encoded: string): Histogram {
  return hdr.decodeFromCompressedBase64(encoded, 32, false)
}

export function mergeHistograms(encoded: readonly string[]): Histogram {
  const merged = createLatencyHistogram()
  for (const e of encoded) if (e) merged.add(decodeHistogram(e))
  return merged
}

/** The percentiles perfgate reports, in µs; null for an empty histogram. */
export function summarize(h: Histogram): LatencySummary | null {
  if (h.totalCount === 0) return null
  return {
    count: h.totalCount,
    min: h.minNonZeroValue,
    mean: h.mean,
    stddev: h.stdDeviation,
    p50: h.getValueAtPercentile(50),
    p75: h.getValueAtPercentile(75),
    p90: h.getValueAtPercentile(90),
    p95: h.getValueAtPercentile(95),
    p99: h.getValueAtPercentile(99),
    'p99.9': h.getValueAtPercentile(99.9),
    max: h.maxValue
  }
}
