/** A bottleneck finding: what the evidence shows, and what to do about it. Never a tip without evidence. */
export interface Finding {
  kind:
    | 'server-cpu-saturated'
    | 'generator-saturated'
    | 'memory-growing'
    | 'error-burst'
    | 'latency-knee'
    | 'tail-outliers'
  evidence: string
  action: string
}
