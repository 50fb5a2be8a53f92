/** The per-slice values a slice pair compares (throughput and the latency centre); tails are pooled per epoch. */
export const SLICE_METRICS = [
  'throughput.rps',
  'throughput.ok_rps',
  'throughput.bytes',
  'latency.mean',
  'latency.p50'
] as const

export type SliceValues = Partial<Record<(typeof SLICE_METRICS)[number], number>>

/** One paired observation of a scenario: the two sides' slice values and the epoch they ran in. */
export interface SliceObservation {
  epoch: number
  base: SliceValues
  head: SliceValues
  /** each slice's latency histogram (hdr, compressed base64), for the tail pooled per block of slices */
  histograms?: { base: string; head: string }
}
