import { describe, expect, it } from '@jest/globals'
import { analyseSeries, historyReport } from '../../src/history/analyse.js'
import { metricContext, newChanges } from '../../src/history/alerts.js'
import { buildSeries } from '../../src/history/series.js'
import { ago, changesTable, contextLine, mainContextSection } from '../../src/report/history-markdown.js'
import { renderComment, renderSummary } from '../../src/report/markdown.js'
import { reportProblems } from '../../src/report/validate.js'
import { report, scenarioReport } from '../../__fixtures__/report.js'
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
    const stepped = metricContext(reportOf(24), 'list', 'latency.p99', 'main')!
    expect(stepped).toMatchObject({ kind: 'stepped', branch: 'main', sha: shaOf(12), runsAfter: 12 })
    expect(contextLine('list', 'latency.p99', stepped, now)).toMatch(
      new RegExp(
        `^main stepped \\+\\d+\\.\\d% in latency.p99 of list at ${shaOf(12).slice(0, 7)} \\(4 days ago\\), stable for the 12 runs since$`
      )
    )
    const stable = metricContext(reportOf(24, 99), 'list', 'latency.p99', 'main')!
    expect(stable).toEqual({ kind: 'stable', branch: 'main', runs: 24 })
    expect(contextLine('list', 'latency.p99', stable, now)).toBe(
      'on main, latency.p99 of list has been stable for 24 runs'
    )
    const short = metricContext(reportOf(5, 99), 'list', 'latency.p99', 'main')!
    expect(short).toEqual({ kind: 'short', branch: 'main', runs: 5, needed: 12 })
    expect(contextLine('list', 'latency.p99', short, now)).toBe(
      'on main, latency.p99 of list has 5 stored runs: not enough history to tell (12 needed)'
    )
    expect(metricContext(reportOf(24), 'other', 'latency.p99', 'main')).toBeUndefined()
  })

  it('keeps the context as data in report.json (schema-valid) and words the section from it alone', () => {
    const stepped = metricContext(reportOf(24), 'list', 'latency.p99', 'trunk')!
    const stable = metricContext(reportOf(24, 99), 'list', 'latency.p50', 'trunk')!
    const scenario = scenarioReport()
    const [check] = scenario.checks
    const withContext = report({
      scenarios: [
        {
          ...scenario,
          name: 'list',
          checks: [
            { ...check!, metric: 'latency.p99', verdict: 'fail', mainContext: stepped },
            { ...check!, metric: 'latency.p50', verdict: 'fail', mainContext: stable },
            { ...check!, metric: 'throughput.ok_rps' }
          ]
        }
      ]
    })
    expect(reportProblems(JSON.parse(JSON.stringify(withContext)))).toEqual([])
    expect(
      reportProblems(
        report({
          scenarios: [{ ...scenario, checks: [{ ...check!, mainContext: { kind: 'stable' } }] }] as never
        })
      )
    ).not.toEqual([])
    const section = mainContextSection(withContext, now)
    expect(section.split('\n').filter(l => l.startsWith('- '))).toEqual([
      expect.stringMatching(
        new RegExp(
          `^- trunk stepped \\+\\d+\\.\\d% in latency\\.p99 of list at ${shaOf(12).slice(0, 7)} \\(4 days ago\\)`
        )
      ),
      '- on trunk, latency.p50 of list has been stable for 24 runs'
    ])
    expect(mainContextSection(report(), now)).toBe('')
    // the comment and the summary word it from the report alone (so the workflow_run commenter has it too)
    for (const text of [renderComment(withContext, { now }), renderSummary(withContext, { now })]) {
      expect(text).toContain('**Meanwhile on the default branch** (its stored runs):')
      expect(text).toContain('- on trunk, latency.p50 of list has been stable for 24 runs')
    }
    expect(renderComment(report())).not.toContain('Meanwhile')
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
