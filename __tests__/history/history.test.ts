import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { Ajv } from 'ajv'
import { buildSeries } from '../../src/history/series.js'
import { analyseSeries, historyReport } from '../../src/history/analyse.js'
import { renderHistoryPage, pageData, thinned, MAX_DRAWN_POINTS } from '../../src/report/history-page.js'
import { RUNNER, shaOf, syntheticHistory } from '../../__fixtures__/history.js'

const schema = JSON.parse(readFileSync('schema/history.schema.json', 'utf8')) as object

function report(spec: Parameters<typeof syntheticHistory>[0], extra: { since?: string } = {}) {
  const { line, records } = syntheticHistory(spec)
  const built = buildSeries(records, { line, ...extra })
  return historyReport({
    store: 'directory test',
    order: 'the first-parent line of main',
    series: analyseSeries(built.series),
    comparisons: [],
    skipped: { count: built.skipped.length, reasons: built.skipped }
  })
}

describe('history', () => {
  it('names the commit of a 30 % step, with its size, interval and the runs on each side', () => {
    const r = report({ runs: 24, stepAt: 12, step: 1.3 })
    const p99 = r.series[0]!.metrics.find(m => m.metric === 'latency.p99')!
    expect(p99.changePoints).toHaveLength(1)
    const [cp] = p99.changePoints
    expect(cp).toMatchObject({
      index: 12,
      sha: shaOf(12),
      previousSha: shaOf(11),
      runsBefore: 12,
      runsAfter: 12
    })
    expect(cp!.subject).toBe('handler does 30% more work')
    expect(cp!.worse).toBe(true)
    expect(cp!.change).toBeGreaterThan(0.2)
    expect(cp!.interval.low).toBeLessThan(cp!.change)
    const rps = r.series[0]!.metrics.find(m => m.metric === 'throughput.ok_rps')!
    expect(rps.changePoints[0]).toMatchObject({ sha: shaOf(12), worse: true })
    expect(r.changes[0]).toMatchObject({ scenario: 'list', sha: shaOf(12), runsSince: 11 })
    expect(r.series[0]!.metrics.map(m => m.metric)).not.toContain('server.cpu.mean')
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema)
    expect(validate(JSON.parse(JSON.stringify(r)))).toBe(true)
  })

  it('says "not enough history" below the minimum runs', () => {
    const r = report({ runs: 7, stepAt: 3, step: 1.3 })
    expect(r.series[0]!.metrics[0]!.note).toBe('not enough history (7 runs; 12 needed)')
    expect(r.changes).toEqual([])
  })

  it('keeps runner kinds and scenario definitions apart, marking where a definition changed', () => {
    const a = syntheticHistory({
      runs: 20,
      stepAt: 99,
      step: 1,
      definitionAt: i => (i < 10 ? 'aaaaaa' : 'bbbbbb')
    })
    const b = syntheticHistory({ runs: 5, stepAt: 99, step: 1, runner: { ...RUNNER, cores: 4 }, seed: 2 })
    const { series } = buildSeries([...a.records, ...b.records], { line: a.line })
    expect(series.map(s => [s.runnerLabel, s.definition, s.runs.length, s.definitionChanged]).sort()).toEqual(
      [
        ['2 cores, AMD EPYC 7B13, linux, Node 20.20.0', 'aaaaaa', 10, false],
        ['2 cores, AMD EPYC 7B13, linux, Node 20.20.0', 'bbbbbb', 10, true],
        ['4 cores, AMD EPYC 7B13, linux, Node 20.20.0', 'abcdef0123456789', 5, false]
      ]
    )
    expect(series.find(s => s.definition === 'bbbbbb')!.id).toContain('definition bbbbbb')
  })

  it('skips and names runs off the line, orders by the line, and starts at --since', () => {
    const { line, records } = syntheticHistory({ runs: 12, stepAt: 99, step: 1 })
    const shuffled = [...records].reverse()
    const { series, skipped } = buildSeries(shuffled, { line: line.slice(0, 10) })
    expect(series[0]!.runs.map(r => r.sha)).toEqual(line.slice(0, 10).map(c => c.sha))
    expect(skipped).toHaveLength(2)
    expect(skipped[0]).toContain('is not on the line')
    const since = buildSeries(records, { line, since: shaOf(4).slice(0, 8) })
    expect(since.series[0]!.runs[0]!.sha).toBe(shaOf(4))
    expect(buildSeries(records, { line, since: '2026-11-01T05:00:00Z' }).series[0]!.runs).toHaveLength(7)
    expect(() => buildSeries(records, { line, since: 'nonsense' })).toThrow(
      'neither a commit on the line nor a date'
    )
  })
})

describe('the history page', () => {
  it('is one self-contained file with the change point in its table and the skipped records counted', () => {
    const r = report({ runs: 24, stepAt: 12, step: 1.3 })
    r.skipped = {
      count: 2,
      reasons: ['v1/runs/x/1.json: not valid JSON', 'v1/runs/y/2.json: commit y is not on the line']
    }
    const html = renderHistoryPage(r)
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/)
    expect(html).toContain(`<code>${shaOf(12).slice(0, 7)}</code> handler does 30% more work`)
    expect(html).toContain('2 records skipped')
    const data = pageData(r)
    const chart = data.series[0]!.charts.find(c => c.metric === 'latency.p99')!
    expect(chart.steps).toHaveLength(1)
    expect(chart.steps[0]!.x).toBe(12)
    expect(chart.segments.map(s => [s[0], s[1]])).toEqual([
      [0, 12],
      [12, 24]
    ])
    expect(chart.x).toBeUndefined() // every run drawn
  })

  it('thins long series for drawing only, keeping every change point and each bucket’s extremes', () => {
    const values = Array.from({ length: 10_000 }, (_, i) => (i === 5_000 ? 99 : i % 7))
    const drawn = thinned(values, [7_777])
    expect(drawn.length).toBeLessThanOrEqual(MAX_DRAWN_POINTS)
    expect(drawn).toContain(5_000)
    expect(drawn).toContain(7_777)
    expect(drawn).toContain(7_776)
  })
})
