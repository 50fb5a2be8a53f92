/**
 * The per-slice values a slice pair compares (throughput, the latency centre and the service's CPU time per
 * request); tails are pooled per epoch.
 */
export const SLICE_METRICS = [
  'server.cpu.per_request',
  'throughput.rps',
  'throughput.ok_rps',
  'throughput.bytes',
  'latency.mean',
  'latency.p50'
] as const

export type SliceValues = Partial<Record<(typeof SLICE_METRICS)[number], number>>

/** CPU accounting of one side's slice (service/cpu-probe.ts). */
export interface SliceCpu {
  /** the service's CPU time and its threads' run-queue wait in the slice, µs */
  runUs: number
  waitUs: number
  /** the share of the service's CPUs that other processes used, and that the hypervisor stole (0..1) */
  othersShare: number
  stealShare: number
}

/** One paired observation of a scenario: the two sides' slice values and the epoch they ran in. */
export interface SliceObservation {
  epoch: number
  base: SliceValues
  head: SliceValues
  /** each slice's latency histogram (hdr, compressed base64), for the tail pooled per block of slices */
  histograms?: { base: string; head: string }
  /** each slice's CPU accounting, where /proc tells it (Linux) */
  cpu?: { base: SliceCpu; head: SliceCpu }
}
