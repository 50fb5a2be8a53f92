/** Measured metrics by name (`latency.p95`, `throughput.ok_rps`, ...), in base units; null when not measured. */
export type MetricValues = Record<string, number | null>
