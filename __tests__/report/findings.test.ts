import { describe, expect, it } from '@jest/globals'
import { findingsFor } from '../../src/report/findings.js'
import { scenarioReport } from '../../__fixtures__/report.js'
import type { ResourceSample } from '../../src/service/types.js'

const samples = (n: number, rss: (i: number) => number, cpu = 50): ResourceSample[] =>
  Array.from({ length: n }, (_, i) => ({ t: i * 0.5, cpu, rssBytes: rss(i), fds: 20, processes: 1 }))

describe('findings', () => {
  it('flags a saturated single-process service with the evidence', () => {
    const s = scenarioReport({
      runs: [{ side: 'head', round: 1, metrics: {}, resources: samples(10, () => 50e6, 99) }]
    })
    const [finding] = findingsFor(s, 2)
    expect(finding!.kind).toBe('server-cpu-saturated')
    expect(finding!.evidence).toContain('97% CPU')
  })

  it('flags memory that keeps growing, and not memory that is flat', () => {
    const growing = scenarioReport({
      metrics: {},
      runs: [{ side: 'head', round: 1, metrics: {}, resources: samples(20, i => 50e6 + i * 5e6) }]
    })
    expect(findingsFor(growing, 2).map(f => f.kind)).toEqual(['memory-growing'])
    const flat = scenarioReport({
      metrics: {},
      runs: [{ side: 'head', round: 1, metrics: {}, resources: samples(20, () => 50e6) }]
    })
    expect(findingsFor(flat, 2)).toEqual([])
  })

  it('flags an error burst and tail outliers, and says nothing for an errored run', () => {
    const s = scenarioReport({
      metrics: { 'latency.p50': 1000, 'latency.p99.9': 45_000 },
      runs: [
        {
          side: 'head',
          round: 1,
          metrics: {},
          timeline: [
            { t: 1, rps: 100, errors: 1, p50: 1, p99: 2 },
            { t: 2, rps: 100, errors: 30, p50: 1, p99: 2 },
            { t: 3, rps: 100, errors: 2, p50: 1, p99: 2 }
          ]
        }
      ]
    })
    expect(findingsFor(s, 2).map(f => f.kind)).toEqual(['error-burst', 'tail-outliers'])
    expect(findingsFor({ ...s, error: { kind: 'crashed', message: 'x' } }, 2)).toEqual([])
  })
})
