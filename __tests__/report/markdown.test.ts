import { describe, expect, it } from '@jest/globals'
import { p99Chart, renderComment, renderSummary } from '../../src/report/markdown.js'
import { check, report, scenarioReport } from '../../__fixtures__/report.js'

describe('the PR comment', () => {
  const failing = report({
    mode: 'compare',
    verdict: 'fail',
    headline: 'perfgate failed: list-reservations: throughput.rps fell 31%',
    scenarios: [
      scenarioReport({
        verdict: 'fail',
        baseMetrics: { 'throughput.rps': 4210, 'latency.p99': 3100 },
        metrics: { 'throughput.rps': 2905, 'latency.p99': 4400, 'errors.rate': 0 },
        checks: [
          check(),
          check({
            kind: 'regression',
            metric: 'throughput.rps',
            expression: '-5%',
            verdict: 'fail',
            message: 'throughput.rps fell 31.0%',
            base: 4210,
            head: 2905,
            change: -0.31,
            interval: [-0.342, -0.276],
            rounds: 6,
            source: { file: 'perfgate.yml', line: 18, col: 24 }
          })
        ]
      }),
      scenarioReport({
        name: 'create',
        verdict: 'errored',
        checks: [],
        error: {
          kind: 'crashed',
          message: 'the service crashed during load (exit code 70)',
          outputTail: ['boom']
        }
      })
    ]
  })
  const body = renderComment(failing, {
    marker: '<!-- perfgate:perfgate.yml -->',
    runUrl: 'https://github.com/o/r/actions/runs/1',
    artifactName: 'perfgate-report'
  })

  it('starts with the marker and the verdict, then what regressed', () => {
    const lines = body.split('\n')
    expect(lines[0]).toBe('<!-- perfgate:perfgate.yml -->')
    expect(lines[1]).toBe('### ❌ perfgate: FAIL')
    expect(body.indexOf('throughput.rps fell 31.0%')).toBeLessThan(body.indexOf('| scenario |'))
    expect(body).toContain(
      '- ❌ **list-reservations** `throughput.rps` throughput.rps fell 31.0% (perfgate.yml:18)'
    )
    expect(body).toContain(
      '- 💥 **create**: measurement invalid, the service crashed during load (exit code 70)'
    )
  })

  it('shows base → head per scenario and folds the details with the interval', () => {
    expect(body).toContain(
      '| list-reservations | ❌ fail | 4,210 req/s → 2,905 req/s | 3.1 ms → 4.4 ms | 0% |'
    )
    expect(body).toContain(
      '| `throughput.rps` | -5% | 4,210 req/s | 2,905 req/s | -31.0% | -34.2% … -27.6% | 6 | ❌ fail |'
    )
    expect(body).toMatch(/<details>\n<summary>❌ list-reservations: fail, 2 checks<\/summary>/)
    expect(body).toContain('[workflow run](https://github.com/o/r/actions/runs/1)')
  })

  it('never shows percentiles for an errored scenario, but its output tail in the summary', () => {
    expect(body).toContain('| create | 💥 errored | — | — | — |')
    expect(renderSummary(failing)).toContain('```text\nboom\n```')
  })

  it('escapes user-controlled names: no mentions, no HTML, no broken tables', () => {
    const nasty = renderComment(
      report({ scenarios: [scenarioReport({ name: '@org/team <img src=x> | broken' })] })
    )
    expect(nasty).not.toContain('@org')
    expect(nasty).not.toContain('<img')
    expect(nasty).toContain('@\u200borg/team &lt;img src=x&gt; \\| broken')
  })

  it('the summary lists every metric', () => {
    const summary = renderSummary(report())
    expect(summary).toContain('| `server.rss.peak` | 71 MB |')
    expect(summary).toContain('Runner: AMD EPYC, 2 cores')
  })

  it('charts p99 base vs head in Mermaid when comparing, and only then', () => {
    expect(body).toContain(
      [
        '```mermaid',
        'xychart-beta',
        '  title "p99 latency (ms): bars base, line head"',
        '  x-axis ["list-reservations"]',
        '  y-axis "p99 (ms)" 0 --> 5.06',
        '  bar [3.1]',
        '  line [4.4]',
        '```'
      ].join('\n')
    )
    expect(p99Chart(report())).toEqual([])
    const quoted = report({
      mode: 'compare',
      scenarios: [
        scenarioReport({
          name: 'a "quoted" [name] that is rather long',
          baseMetrics: { 'latency.p99': 1000 }
        })
      ]
    })
    expect(p99Chart(quoted).join('\n')).toContain('x-axis ["a  quoted   name  that …"]')
  })
})
