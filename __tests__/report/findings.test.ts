import { describe, expect, it } from '@jest/globals'
import { findingsFor } from '../../src/report/findings.js'
import { scenarioReport } from '../../__fixtures__/report.js'
import type { ResourceSample } from '../../src/model/samples.js'

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

  it('flags a saturated generator with its numbers, and not a generator that kept up', () => {
    const busy = scenarioReport({ metrics: { 'generator.cpu': 93 } })
    expect(findingsFor(busy, 2)).toEqual([
      expect.objectContaining({
        kind: 'generator-saturated',
        evidence: 'the load generator itself used 93% of a core'
      })
    ])
    const behind = scenarioReport({
      metrics: { 'generator.cpu': 40, 'generator.rate.target': 2000, 'generator.rate.achieved': 1700 }
    })
    expect(findingsFor(behind, 2)[0]!.evidence).toBe('it sent 1,700 req/s of the 2,000 req/s asked for')
    const fine = scenarioReport({
      metrics: { 'generator.cpu': 40, 'generator.rate.target': 2000, 'generator.rate.achieved': 1990 }
    })
    expect(findingsFor(fine, 2)).toEqual([])
  })

  describe('latency knee', () => {
    const sweep = (points: Array<Record<string, number | null>>, x: number, axis = 'connections') =>
      scenarioReport({
        metrics: {},
        suite: { kind: 'sweep', x: axis, points, marker: { label: `knee at ${x}`, x } }
      })

    it('is reported with the numbers of the knee and the step after it', () => {
      const s = sweep(
        [
          { connections: 1, rps: 900, p99: 1500 },
          { connections: 8, rps: 3000, p99: 2500 },
          { connections: 32, rps: 3100, p99: 12_000 }
        ],
        8
      )
      expect(findingsFor(s, 2)).toEqual([
        {
          kind: 'latency-knee',
          evidence:
            'p99 rose from 2.5 ms at 8 connections to 12 ms at 32 connections while throughput went from 3,000 req/s to 3,100 req/s',
          action:
            'run the service at or below 8 concurrent connections (3,000 req/s), or remove the bottleneck that sets the knee'
        }
      ])
    })

    it('is reported when the step after the knee failed, with the offered rate in the open model', () => {
      const s = sweep(
        [
          { rate: 500, rps: 500, p99: 1500 },
          { rate: 1000, rps: 990, p99: 2000 },
          { rate: 2000, rps: 1200, p99: null, errorRate: 0.3 }
        ],
        1000,
        'rate'
      )
      const [finding] = findingsFor(s, 2)
      expect(finding!.evidence).toBe(
        'the step at 2000 req/s was not a valid measurement (errors 30%) while throughput went from 990 req/s to 1,200 req/s'
      )
      expect(finding!.action).toContain('at or below 1000 req/s')
    })

    it('is not reported at the last step, nor while throughput still rises past it', () => {
      const last = sweep(
        [
          { connections: 1, rps: 900, p99: 1500 },
          { connections: 8, rps: 3000, p99: 2500 }
        ],
        8
      )
      expect(findingsFor(last, 2)).toEqual([])
      const rising = sweep(
        [
          { connections: 1, rps: 900, p99: 1500 },
          { connections: 8, rps: 3000, p99: 2500 },
          { connections: 32, rps: 5000, p99: 4000 }
        ],
        8
      )
      expect(findingsFor(rising, 2)).toEqual([])
    })
  })
})
