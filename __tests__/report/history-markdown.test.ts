import { describe, expect, it } from '@jest/globals'
import { analyseSeries, historyReport } from '../../src/history/analyse.js'
import { metricContext, newChanges } from '../../src/history/alerts.js'
import { buildSeries } from '../../src/history/series.js'
import { ago, changesTable, contextLine } from '../../src/report/history-markdown.js'
import { shaOf, syntheticHistory } from '../../__fixtures__/history.js'

function reportOf(runs: number, stepAt = 12) {
  const { line, records } = syntheticHistory({ runs, stepAt, step: 1.3 })
  return historyReport({
    store: 'test',
    order: 'line',
    series: analyseSeries(buildSeries(records, { line }).series),
    comparisons: [],
    skipped: { count: 0, reasons: [] }
  })
}

describe('the history in words', () => {
  const now = Date.parse('2026-11-05T00:00:00Z')

  it('words a PR check against main: stepped, stable, or too short to tell', () => {
    const stepped = metricContext(reportOf(24), 'list', 'latency.p99')!
    expect(contextLine('main', 'list', 'latency.p99', stepped, now)).toMatch(
      new RegExp(
        `^main stepped \\+\\d+\\.\\d% in latency.p99 of list at ${shaOf(12).slice(0, 7)} \\(4 days ago\\), stable for the 12 runs since$`
      )
    )
    const stable = metricContext(reportOf(24, 99), 'list', 'latency.p99')!
    expect(contextLine('main', 'list', 'latency.p99', stable, now)).toBe(
      'on main, latency.p99 of list has been stable for 24 runs'
    )
    const short = metricContext(reportOf(5, 99), 'list', 'latency.p99')!
    expect(contextLine('main', 'list', 'latency.p99', short, now)).toBe(
      'on main, latency.p99 of list has 5 stored runs: not enough history to tell (12 needed)'
    )
    expect(metricContext(reportOf(24), 'other', 'latency.p99')).toBeUndefined()
  })

  it('tables the newest change points, and says so when there are none', () => {
    const table = changesTable(reportOf(24).changes, now)
    expect(table).toContain('| commit | scenario | metric | step |')
    expect(table).toContain(`\`${shaOf(12).slice(0, 7)}\` handler does 30% more work | list |`)
    expect(changesTable([], now)).toContain('No change point in the stored history')
    expect(ago('2026-11-04T22:00:00Z', now)).toBe('2 h ago')
    expect(ago(undefined, now)).toBe('at an unknown time')
  })

  it('alerts on a step only on the run that brought it to light', () => {
    const alerted: number[] = []
    for (let runs = 12; runs <= 24; runs++) {
      const report = reportOf(runs)
      if (newChanges(report, shaOf(runs - 1)).some(c => c.metric === 'latency.p99')) alerted.push(runs)
    }
    expect(alerted).toHaveLength(1)
    expect(alerted[0]).toBeGreaterThanOrEqual(18)
  })
})
