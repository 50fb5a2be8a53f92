import { describe, expect, it } from '@jest/globals'
import { formatChange, formatInterval, formatMetric, formatMs } from '../../src/config/format.js'

describe('formatting values with their units', () => {
  it('formats each metric kind', () => {
    expect(formatMetric('latency.p99', 612)).toBe('612 µs')
    expect(formatMetric('latency.p99', 61_234)).toBe('61.2 ms')
    expect(formatMetric('latency.max', 2_500_000)).toBe('2.5 s')
    expect(formatMetric('throughput.rps', 1523.4)).toBe('1,523 req/s')
    expect(formatMetric('throughput.bytes', 12_500_000)).toBe('12.5 MB/s')
    expect(formatMetric('errors.rate', 0.001)).toBe('0.1%')
    expect(formatMetric('server.rss.peak', 71_000_000)).toBe('71 MB')
    expect(formatMetric('server.cpu.mean', 97.25)).toBe('97.3% CPU')
    expect(formatMetric('status.5xx', 12)).toBe('12')
    expect(formatMetric('latency.p50', null)).toBe('n/a')
  })

  it('formats changes and intervals with signs', () => {
    expect(formatChange(0.123)).toBe('+12.3%')
    expect(formatChange(-0.04)).toBe('-4.0%')
    expect(formatChange(1.5)).toBe('+150%')
    expect(formatInterval([-0.27, -0.19])).toBe('-27.0% … -19.0%')
    expect(formatMs(850)).toBe('850 ms')
    expect(formatMs(12_345)).toBe('12.3 s')
    expect(formatMs(185_000)).toBe('3 min 5 s')
  })
})
