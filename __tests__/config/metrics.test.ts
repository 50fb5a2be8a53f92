import { describe, expect, it } from '@jest/globals'
import { metricInfo, METRIC_NAMES } from '../../src/config/metrics.js'

describe('metric registry', () => {
  it('knows latency percentiles and their direction', () => {
    expect(metricInfo('latency.p99.9')).toMatchObject({ kind: 'duration', better: 'lower' })
    expect(metricInfo('throughput.rps')?.better).toBe('higher')
    expect(new Set(METRIC_NAMES).size).toBe(METRIC_NAMES.length)
  })
})
