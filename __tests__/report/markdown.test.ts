import { describe, expect, it } from '@jest/globals'
import { p99Chart, renderComment, renderSummary } from '../../src/report/markdown.js'
import { check, regressionCheck, report, scenarioReport } from '../../__fixtures__/report.js'

describe('the PR comment', () => {
  const failing = report({
    mode: 'compare',
    verdict: 'fail',
    headline: 'perfgate failed: list-reservations: throughput.ok_rps fell 31%',
    scenarios: [
      scenarioReport({
        verdict: 'fail',
        baseMetrics: { 'throughput.ok_rps': 4210, 'latency.p99': 3100 },
        metrics: { 'throughput.ok_rps': 2905, 'latency.p99': 4400, 'errors.rate': 0 },
        checks: [
          check(),
          check({
            kind: 'regression',
            metric: 'throughput.ok_rps',
            expression: '-5%',
            verdict: 'fail',
            message: 'throughput.ok_rps fell 31.0%',
            base: 4210,
            head: 2905,
            change: -0.31,
            interval: [-0.342, -0.276],
            detectable: 0.033,
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
    expect(body.indexOf('throughput.ok_rps fell 31.0%')).toBeLessThan(body.indexOf('| scenario |'))
    expect(body).toContain('- ❌ **list-reservations** `throughput.ok_rps` fell 31.0% (perfgate.yml:18)')
    expect(body).toContain(
      '- 💥 **create**: measurement invalid, the service crashed during load (exit code 70)'
    )
  })

  it('says what decided the verdict once: the bullets, under the counts and the runner time', () => {
    const costly = renderComment({ ...failing, cost: { runnerMs: 144_000, legs: 1 } })
    expect(costly).not.toContain(failing.headline)
    expect(costly.match(/fell 31\.0%/g)).toHaveLength(1)
    expect(costly.split('\n')[2]).toBe(
      '2 scenarios, 2 checks: 1 errored, 1 failed. The gate took 2.4 runner-minutes.'
    )
    const legs = renderComment({ ...failing, cost: { runnerMs: 3 * 60_000, legs: 3 } })
    expect(legs).toContain('The gate took 3.0 runner-minutes (3 legs).')
  })

  it('a passing comment keeps its headline, then the runner time', () => {
    const passing = report({ verdict: 'pass', headline: 'perfgate passed: 1 scenario, 1 check' })
    const text = renderComment({ ...passing, cost: { runnerMs: 2_000, legs: 1 } })
    expect(text.split('\n')[2]).toBe(
      'perfgate passed: 1 scenario, 1 check. The gate took under 0.1 runner-minutes.'
    )
  })

  it('shows base → head per scenario and folds the details with the interval', () => {
    expect(body).toContain(
      '| list-reservations | ❌ fail | 4,210 req/s → 2,905 req/s | 3.1 ms → 4.4 ms | 0% |'
    )
    expect(body).toContain(
      '| `throughput.ok_rps` | -5% | 4,210 req/s | 2,905 req/s | -31.0% | -34.2% … -27.6% | ±3.3% | 6 | ❌ fail |'
    )
    expect(body).toMatch(/<details>\n<summary>❌ list-reservations: fail, 2 checks<\/summary>/)
    expect(body).toContain('[workflow run](https://github.com/o/r/actions/runs/1)')
    expect(body).toContain(
      'HTML report: [artifact `perfgate-report`](https://github.com/o/r/actions/runs/1#artifacts)'
    )
  })

  it('counts epochs, not rounds, where the slices design decided', () => {
    const sliced = report({
      mode: 'compare',
      scenarios: [scenarioReport({ checks: [regressionCheck({ unit: 'epochs' })] })]
    })
    expect(renderComment(sliced, { marker: 'm' })).toMatch(/\| -1\.0% … \+1\.0% \| ±1\.0% \| 4 epochs \|/)
  })

  it('quotes each note of the run as its own paragraph', () => {
    const noted = renderComment(report({ notes: ['design: slices', 'CPUs: the service ran on CPU 1'] }))
    expect(noted).toContain('> design: slices\n>\n> CPUs: the service ran on CPU 1\n')
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
    expect(nasty).toContain('@\u200borg/team &lt;img src=x&gt; &#124; broken')
  })

  describe('a hostile report (mode: report reads it from an untrusted artifact)', () => {
    const hostile = report({
      mode: 'compare',
      verdict: 'fail',
      headline: 'failed on ![x](https://evil.example/pixel.png) cc @org/admins fixes #1',
      notes: ['base built from branch `x`</details>[phish](https://evil.example) @everyone'],
      config: { file: 'perf`|.yml', hash: 'abc' },
      scenarios: [
        scenarioReport({
          name: '![img](https://evil.example/a.png) <b>x</b>\n\n## injected',
          verdict: 'fail',
          checks: [
            check({
              metric: 'latency.p99` [link](https://evil.example) `',
              verdict: 'fail',
              message: 'see [here](https://evil.example)'
            })
          ],
          metrics: { 'x|y\n| injected | row |': 1 }
        }),
        scenarioReport({
          name: 'crash',
          verdict: 'errored',
          checks: [],
          error: {
            kind: 'crashed',
            message: 'crashed',
            outputTail: ['```', '</details>', '![x](https://evil.example/tail.png)', '`````', '@org/team']
          }
        })
      ]
    })
    const renderings = {
      comment: renderComment(hostile, {
        marker: '<!-- perfgate:x -->',
        runUrl: 'https://github.com/o/r/actions/runs/9'
      }),
      summary: renderSummary(hostile)
    }

    it.each(Object.entries(renderings))(
      'the %s has no live image, link, mention, reference or HTML',
      (_, text) => {
        const outsideFences = text.replace(/^(`{3,})text\n[\s\S]*?\n\1$/gm, '')
        expect(outsideFences).not.toMatch(/!?\[[^\]]*\]\(https:\/\/evil/)
        expect(outsideFences).not.toMatch(/@(org|everyone)/)
        expect(outsideFences).not.toMatch(/#1\b/)
        expect(outsideFences).not.toContain('<b>')
        expect(outsideFences).not.toMatch(/^## injected/m)
        expect(outsideFences).not.toMatch(/^\| injected/m)
        expect(outsideFences.match(/<\/details>/g)?.length).toBe(outsideFences.match(/<details>/g)?.length)
      }
    )

    it('fences the output tail so no line of it closes the block', () => {
      const summary = renderings.summary
      expect(summary).toContain(
        [
          '``````text',
          '```',
          '</details>',
          '![x](https://evil.example/tail.png)',
          '`````',
          '@org/team',
          '``````'
        ].join('\n')
      )
    })

    it('shows a metric that could leave a code span as escaped text, one table cell', () => {
      expect(renderings.comment).toContain(
        'latency.p99&#96; &#91;link&#93;(https:/\u200b/evil.example) &#96;'
      )
      expect(renderings.summary).toMatch(/^\| x&#124;y &#124; injected &#124; row &#124; \| 1 \|$/m)
    })
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

describe('a pull request’s changes to the limits', () => {
  it('are shown side by side in a block names cannot break, in comment, summary and HTML, and pass the schema', async () => {
    const { renderHtml } = await import('../../src/report/html.js')
    const { reportProblems } = await import('../../src/report/validate.js')
    const gated = report({
      gate: {
        source: 'base',
        base: 'main at 0123456789ab',
        message:
          "this pull request changes perfgate's limits; the gate used the base's (main at 0123456789ab)",
        changes: [
          { scenario: 'list', limit: 'latency.p99', base: '< 50ms', head: '< 80ms' },
          {
            scenario: '``` @org/team <img>',
            limit: 'throughput.rps (regression)',
            base: '-5%',
            head: '-50%'
          },
          { limit: 'on-inconclusive', base: 'fail', head: 'warn' }
        ]
      }
    })
    expect(reportProblems(gated)).toEqual([])
    const comment = renderComment(gated)
    expect(comment).toContain("> 🔒 This pull request changes perfgate's limits")
    expect(comment).toMatch(/^list +latency\.p99 +< 50ms {2}-> {2}< 80ms$/m)
    expect(comment).toMatch(/^\(all\) +on-inconclusive +fail +-> {2}warn$/m)
    // the fence is longer than any run of backticks inside, so the name cannot close it
    expect(comment).toContain('````text')
    expect(renderSummary(gated)).toContain('latency.p99')
    const html = renderHtml(gated)
    expect(html).toContain('<td>&lt; 50ms</td><td>&lt; 80ms</td>')
    expect(html).not.toContain('<img>')
    expect(renderComment(report())).not.toContain('changes perfgate')
  })
})
