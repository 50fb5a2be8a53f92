import { describe, expect, it } from '@jest/globals'
import { metricInfo, METRIC_NAMES, METRICS } from '../../src/config/metrics.js'
import { countsOnly } from '../../src/measure/once.js'

describe('metric registry', () => {
  it('knows latency percentiles and their direction', () => {
    expect(metricInfo('latency.p99.9')).toMatchObject({ kind: 'duration', better: 'lower' })
    expect(metricInfo('throughput.rps')?.better).toBe('higher')
    expect(new Set(METRIC_NAMES).size).toBe(METRIC_NAMES.length)
  })
})

describe('the catalogue says how each metric joins', () => {
  it('an invalid measurement keeps exactly the counted metrics, status.unexpected among them', () => {
    const all = Object.fromEntries(METRIC_NAMES.map((name, i) => [name, i]))
    const kept = countsOnly(all)
    expect(Object.keys(kept)).toEqual(METRICS.filter(m => m.count).map(m => m.name))
    expect(kept['status.unexpected']).toBe(all['status.unexpected'])
    expect(kept).not.toHaveProperty('latency.p99')
    expect(kept).not.toHaveProperty('server.rss.peak')
  })

  it('load legs sum every count they each made, and a count is summed', () => {
    for (const info of METRICS.filter(m => m.count && m.name !== 'errors.rate' && m.name !== 'generator.lag'))
      expect([info.name, info.legs]).toEqual([info.name, 'sum'])
    expect(metricInfo('errors.rate')?.legs).toBe('ratio')
    for (const info of METRICS.filter(m => m.name.startsWith('latency.')))
      expect([info.name, info.legs]).toEqual([info.name, 'histogram'])
  })
})
