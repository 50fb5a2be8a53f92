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
      's0-resources-cpu',
      's0-resources-rss',
      's1-rps',
      's1-latency',
      's1-distribution',
      's1-sweep',
      's1-resources-cpu',
      's1-resources-rss',
      's2-rps',
      's2-latency',
      's2-distribution',
      's2-stress',
      's2-resources-cpu',
      's2-resources-rss',
      's3-rps',
      's3-latency',
      's3-distribution',
      's3-soak',
      's3-soak-latency',
      's3-resources-cpu',
      's3-resources-rss'
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
    expect(rounds.series.map(s => s.side)).toEqual(['base', 'head', 'base', 'head', 'head', 'head'])
    expect(rounds.caption).toMatch(/change head vs base is -23.0% \(interval -25.0% .. -21.0%\)/)
    expect(rounds.series.map(s => s.label)).toEqual([
      'base',
      'head',
      'base mean',
      'head mean',
      'head interval high',
      'head interval low'
    ])
    const sweep = byId.get('s1-sweep')!
    expect(sweep.marker).toEqual({ label: 'knee at 50 connections', x: 50 })
    const cpu = byId.get('s0-resources-cpu')!
    expect(cpu.shadeUntil).toBe(1)
    // one line a side (the mean over its runs) with its band, not a line a run
    expect(cpu.title).toBe('server CPU during a round, base vs head')
    expect(cpu.series.filter(s => !s.thin).map(s => s.label)).toEqual([
      'base mean of 2 rounds',
      'head mean of 2 rounds'
    ])
    expect(cpu.bands).toHaveLength(2)
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

  it('draws the interval of the change as a band around where head’s mean should be', () => {
    const rounds = byId.get('s0-rounds-throughput-rps')!
    const value = (label: string) => rounds.series.find(s => s.label === label)!.values
    // base rounds 4001 and 4002 (mean 4001.5), head 3077.9 and 3078.9 (mean 3078.4)
    expect(value('base mean')).toEqual([4001.5, 4001.5])
    expect(value('head mean')[0]).toBeCloseTo(3078.4, 0)
    expect(value('head interval high')[0]).toBeCloseTo(4001.5 * 0.79, 6)
    expect(value('head interval low')[0]).toBeCloseTo(4001.5 * 0.75, 6)
    expect(rounds.bands).toEqual([{ upper: 4, lower: 5 }])
    const [upper, lower] = [rounds.series[4]!, rounds.series[5]!]
    expect(upper.values[0]!).toBeGreaterThan(lower.values[0]!)
    // head's mean sits inside the band the interval implies
    expect(value('head mean')[0]!).toBeGreaterThan(lower.values[0]!)
    expect(value('head mean')[0]!).toBeLessThan(upper.values[0]!)
    const p99 = byId.get('s0-rounds-latency-p99')!
    expect(p99.bands).toEqual([{ upper: 4, lower: 5 }])
    expect(p99.caption).toContain('interval 10.0% .. 50.0%')
  })

  it('a per-round chart without a regression check has no band and says nothing of an interval', () => {
    const r = richReport()
    r.scenarios[0]!.checks = r.scenarios[0]!.checks.filter(c => c.kind !== 'regression')
    const rounds = chartsFor(r).find(c => c.id === 's0-rounds-throughput-rps')!
    expect(rounds.bands).toBeUndefined()
    expect(rounds.series.map(s => s.label)).toEqual(['base', 'head', 'base mean', 'head mean'])
    expect(rounds.caption).not.toContain('interval')
  })

  it('charts per round the throughput a regression check compares, else successes when measured', () => {
    const r = richReport()
    r.scenarios[0]!.checks = r.scenarios[0]!.checks.filter(c => c.kind !== 'regression')
    for (const run of r.scenarios[0]!.runs) run.metrics['throughput.ok_rps'] = 100
    const rounds = chartsFor(r).find(c => c.id === 's0-rounds-throughput-ok_rps')!
    expect(rounds.title).toBe('successful throughput per round')
    expect(new Set(rounds.series[0]!.values)).toEqual(new Set([100]))
    // with a check on throughput.rps, the chart shows throughput.rps and its band (richReport's own case)
    expect(byId.get('s0-rounds-throughput-rps')!.title).toBe('throughput per round')
  })

  it('charts a stress ramp with its breaking point and the error rate on its own scale', () => {
    const stress = byId.get('s2-stress')!
    expect(stress.title).toBe('stress ramp')
    expect(stress.x).toEqual([10, 20, 30, 40])
    expect(stress.xUnit).toBe('connections')
    expect(stress.marker).toEqual({ label: 'errors reached 12.0% at 40 connections', x: 30 })
    expect(stress.series.map(s => s.label)).toEqual(['throughput', 'p99', 'error rate'])
    expect(stress.series[0]!.values).toEqual([9000, 18000, 27000, 27000])
    expect(stress.series[2]).toMatchObject({ ownScale: 'ratio', values: [0, 0, 0, 0.12] })
  })

  it('charts soak windows: RSS and CPU, throughput and p99 against seconds', () => {
    const soak = byId.get('s3-soak')!
    expect(soak.x).toEqual([1, 2, 3])
    expect(soak.xUnit).toBe('s')
    expect(soak.yUnits).toEqual(['bytes', 'cpu'])
    expect(soak.series.map(s => [s.label, s.values])).toEqual([
      ['server RSS', [54e6, 58e6, 62e6]],
      ['server CPU', [70, 85, 78]]
    ])
    const latency = byId.get('s3-soak-latency')!
    expect(latency.series.map(s => [s.label, s.values])).toEqual([
      ['throughput', [3990, 3980, 3970]],
      ['p99', [3100, 3200, 3300]]
    ])
  })

  it('a rate sweep or ramp plots against the offered rate and ignores fields it does not chart', () => {
    const points = [100, 200, 400].map(rate => ({
      rate,
      rps: rate * 0.99,
      p50: 800,
      p95: 1500,
      p99: 2000 + rate,
      'p99.9': 9000,
      rssBytes: 4e7,
      errorRate: null
    }))
    const charts = chartsFor(
      report({
        scenarios: [
          scenarioReport({ suite: { kind: 'sweep', x: 'rate', points } }),
          scenarioReport({
            name: 'ramp',
            suite: { kind: 'stress', x: 'rate', points, marker: { label: 'no breaking point', x: 400 } }
          })
        ]
      })
    )
    const [sweep, stress] = charts
    expect(sweep).toMatchObject({ id: 's0-sweep', title: 'rate sweep', x: [100, 200, 400], xUnit: 'rate' })
    expect(sweep!.caption).toContain('offered rate')
    expect(sweep!.series.map(s => s.values)).toEqual([
      [99, 198, 396],
      [2100, 2200, 2400]
    ])
    expect(stress).toMatchObject({ id: 's1-stress', xUnit: 'rate', marker: { x: 400 } })
    // no step measured an error rate: no empty series for it
    expect(stress!.series.map(s => s.label)).toEqual(['throughput', 'p99'])
  })

  it('leaves out steps without an x value and draws no suite chart without any', () => {
    const charts = chartsFor(
      report({
        scenarios: [
          scenarioReport({
            suite: {
              kind: 'sweep',
              x: 'connections',
              points: [
                { connections: 1, rps: 10, p99: 1 },
                { connections: null, rps: 20, p99: 2 }
              ]
            }
          }),
          scenarioReport({ suite: { kind: 'soak', x: 't', points: [{ rps: 1 }] } })
        ]
      })
    )
    expect(charts.map(c => [c.id, c.x])).toEqual([['s0-sweep', [1]]])
  })
})
