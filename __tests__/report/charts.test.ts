import { describe, expect, it } from '@jest/globals'
import { chartsFor, DISTRIBUTION_PERCENTILES } from '../../src/report/charts.js'
import { richReport } from '../../__fixtures__/rich-report.js'
import { report, scenarioReport } from '../../__fixtures__/report.js'

describe('chartsFor', () => {
  const charts = chartsFor(richReport())
  const byId = new Map(charts.map(c => [c.id, c]))

  it('makes the timeline, distribution, per-round, suite and resource charts of each scenario', () => {
    expect(charts.map(c => c.id)).toEqual([
      's0-rps',
      's0-latency',
      's0-distribution',
      's0-rounds-throughput-rps',
      's0-rounds-latency-p99',
      's0-resources',
      's1-rps',
      's1-latency',
      's1-distribution',
      's1-sweep',
      's1-resources'
    ])
  })

  it('overlays base and head percentiles on a log axis, head slower', () => {
    const d = byId.get('s0-distribution')!
    expect(d.xLog).toBe(true)
    expect(d.x).toHaveLength(DISTRIBUTION_PERCENTILES.length)
    expect(d.x[0]).toBeCloseTo(2)
    const [base, head] = d.series
    expect(base!.side).toBe('base')
    expect(head!.label).toMatch(/^head \(4000 responses, 2 rounds\)$/)
    expect(head!.values[0]!).toBeGreaterThan(base!.values[0]!)
  })

  it('aligns rounds and runs on a shared x, with gaps as null', () => {
    const rounds = byId.get('s0-rounds-throughput-rps')!
    expect(rounds.x).toEqual([1, 2])
    expect(rounds.series.map(s => s.side)).toEqual(['base', 'head'])
    expect(rounds.caption).toMatch(/change head vs base is -23.0% \(interval -25.0% .. -21.0%\)/)
    const sweep = byId.get('s1-sweep')!
    expect(sweep.marker).toEqual({ label: 'knee at 50 connections', x: 50 })
    expect(byId.get('s0-resources')!.shadeUntil).toBe(1)
    const rps = byId.get('s0-rps')!
    expect(rps.x).toEqual([0, 1, 2, 3])
    expect(rps.shadeUntil).toBe(0.5)
  })

  it('draws nothing for an errored scenario or one without data', () => {
    expect(
      chartsFor(
        report({
          scenarios: [scenarioReport({ verdict: 'errored', error: { kind: 'crashed', message: 'x' } })]
        })
      )
    ).toEqual([])
    expect(chartsFor(report({ scenarios: [scenarioReport()] }))).toEqual([])
  })
})
