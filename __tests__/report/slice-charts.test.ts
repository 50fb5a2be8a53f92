import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { chartsFor } from '../../src/report/charts.js'
import type { Report } from '../../src/model/report.js'
import { richReport } from '../../__fixtures__/rich-report.js'
import { SLICE_METRICS } from '../../src/model/slices.js'
import { reportProblems } from '../../src/report/validate.js'

/** The demo's comparison in slices (docs/example, a real run): what report.html draws for the default design. */
const example = (): Report => JSON.parse(readFileSync('docs/example/report.json', 'utf8'))

describe('report.html charts for the slices design', () => {
  const report = example()
  const scenario = report.scenarios[0]!
  const charts = chartsFor(report).filter(c => c.scenario === scenario.name)
  const byTitle = (title: string) => charts.find(c => c.title === title)
  const pairs = scenario.slices!
  const epochs = [...new Set(pairs.map(p => p.epoch))]

  it('draws no per-second series (slices have none) and counts epochs, not rounds', () => {
    expect(charts.map(c => c.title)).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/over time|per round|during load/)])
    )
    for (const chart of charts) expect(chart.caption).not.toMatch(/\bround/)
  })

  it('draws every slice pair in measured order, base and head, the epochs separated', () => {
    const throughput = byTitle('throughput per slice pair')!
    expect(throughput.x).toEqual(pairs.map((_, i) => i + 1))
    expect(throughput.xUnit).toBe('pair')
    expect(throughput.series.map(s => s.label)).toEqual(['base', 'head'])
    expect(throughput.series[0]!.values).toEqual(pairs.map(p => p.base['throughput.ok_rps']))
    expect(throughput.series[1]!.values).toEqual(pairs.map(p => p.head['throughput.ok_rps']))
    expect(throughput.dividers).toHaveLength(epochs.length - 1)
    expect(throughput.caption).toContain(`${pairs.length} slice pairs in ${epochs.length} epochs`)
    expect(byTitle('p50 per slice pair')!.series[1]!.values).toEqual(pairs.map(p => p.head['latency.p50']))
  })

  it('draws each epoch with the interval of the change as a band', () => {
    const perEpoch = byTitle('successful throughput per epoch')!
    expect(perEpoch.xUnit).toBe('epoch')
    expect(perEpoch.x).toEqual(epochs)
    expect(perEpoch.bands).toHaveLength(1)
    expect(byTitle('p99 per epoch')).toBeDefined()
  })

  it('draws resources as base vs head: a mean line and a band over epochs each, not a line per run', () => {
    for (const title of [
      'server CPU during an epoch, base vs head',
      'server RSS during an epoch, base vs head'
    ]) {
      const chart = byTitle(title)!
      expect(chart.series.map(s => s.label)).toEqual([
        `base mean of ${epochs.length} epochs`,
        'base highest',
        'base lowest',
        `head mean of ${epochs.length} epochs`,
        'head highest',
        'head lowest'
      ])
      expect(chart.bands).toEqual([
        { upper: 1, lower: 2 },
        { upper: 4, lower: 5 }
      ])
      const [mean, high, low] = chart.series.map(s => s.values)
      mean!.forEach((m, i) => {
        if (m === null) return
        expect(high![i]!).toBeGreaterThanOrEqual(m - 1e-9)
        expect(low![i]!).toBeLessThanOrEqual(m + 1e-9)
      })
    }
  })

  it('report.json holds every slice metric the slices measure (the schema names none it could miss)', () => {
    const values = Object.fromEntries(SLICE_METRICS.map((m, i) => [m, i + 1]))
    const sliced = richReport()
    sliced.scenarios[0]!.slices = [{ epoch: 1, base: values, head: values }]
    expect(reportProblems(sliced)).toEqual([])
    sliced.scenarios[0]!.slices = [
      { epoch: 1, base: { 'latency.p50': 'fast' as unknown as number }, head: {} }
    ]
    expect(reportProblems(sliced)).toEqual(['/scenarios/0/slices/0/base/latency.p50 must be number'])
  })

  it('keeps the rounds views for a report measured in rounds', () => {
    const titles = chartsFor(richReport()).map(c => c.title)
    expect(titles).toEqual(
      expect.arrayContaining([
        'throughput over time',
        'p50 and p99 over time',
        'throughput per round',
        'server CPU during a round, base vs head'
      ])
    )
    expect(titles).not.toContain('throughput per slice pair')
  })
})
