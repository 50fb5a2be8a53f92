import { describe, expect, it } from '@jest/globals'
import { renderHtml } from '../../src/report/html.js'
import { check, report, scenarioReport } from '../../__fixtures__/report.js'

describe('renderHtml', () => {
  const timeline = [1, 2, 3].map(t => ({ t, rps: 4000 + t, errors: 0, p50: 1000, p99: 3000 + t }))
  const html = renderHtml(
    report({
      verdict: 'fail',
      headline: 'perfgate failed: x',
      scenarios: [
        scenarioReport({
          name: '<img src=x onerror=alert(1)>',
          verdict: 'fail',
          checks: [check({ verdict: 'fail', message: 'p95 over' })],
          runs: [{ side: 'head', round: 1, metrics: {}, timeline }]
        }),
        scenarioReport({
          name: 'create',
          verdict: 'errored',
          checks: [],
          error: { kind: 'crashed', message: 'crashed', outputTail: ['Error: boom'] }
        })
      ]
    })
  )

  it('puts the verdict and what decided it first', () => {
    expect(html.indexOf('FAIL')).toBeLessThan(html.indexOf('<h2'))
    expect(html).toContain('<li class="fail">&lt;img src=x onerror=alert(1)&gt;: p95 over</li>')
  })

  it('escapes names, embeds chart data and inlines its scripts (no network)', () => {
    expect(html).not.toContain('<img')
    expect(html).not.toMatch(/(src|href)="https?:/)
    expect(html).not.toMatch(/<script[^>]+src=/)
    expect(html).toContain('<figure class="chart" id="chart-s0-rps">')
    const data = /<script type="application\/json" id="perfgate-charts">(.*?)<\/script>/s.exec(html)![1]!
    const charts = JSON.parse(data) as Array<{ id: string; x: number[] }>
    expect(charts.map(c => c.id)).toEqual(['s0-rps', 's0-latency'])
    expect(charts[0]!.x).toEqual([1, 2, 3])
  })

  it('cannot be broken out of by a value that holds </script>', () => {
    const evil = renderHtml(
      report({
        scenarios: [
          scenarioReport({
            name: '</script><script>alert(1)</script>',
            runs: [{ side: 'head', round: 1, metrics: {}, timeline }]
          })
        ]
      })
    )
    expect(evil).not.toContain('</script><script>alert(1)')
    expect(evil.match(/<\/script>/g)).toHaveLength(3)
  })

  it('shows an errored scenario’s output, not percentiles', () => {
    expect(html).toContain('<strong>Measurement invalid:</strong> crashed')
    expect(html).toContain('Error: boom')
  })

  it('gives the interval column a numeric sort key: the half-width, none without an interval', () => {
    const withInterval = renderHtml(
      report({
        scenarios: [
          scenarioReport({
            checks: [
              check({ kind: 'regression', metric: 'throughput.rps', change: -0.2, interval: [-0.3, -0.1] }),
              check()
            ]
          })
        ]
      })
    )
    const key = /<td class="num" data-sort="([^"]*)">-30.0% … -10.0%<\/td>/.exec(withInterval)
    expect(Number(key![1])).toBeCloseTo(0.1, 12)
    expect(withInterval).toContain('<td class="num" data-sort="">n/a</td>')
  })

  it("names a check's control variate and the variance it removed, under its message", () => {
    const adjusted = renderHtml(
      report({
        scenarios: [
          scenarioReport({
            checks: [
              check({
                kind: 'regression',
                metric: 'throughput.rps',
                message: 'pass: no fall beyond 2%',
                adjustment: { covariate: 'others-cpu-share', slope: -0.214, varianceReduction: 0.342 }
              }),
              check({ message: 'plain' })
            ]
          })
        ]
      })
    )
    expect(adjusted).toContain(
      'pass: no fall beyond 2%<br><span class="muted adjustment">adjusted for other processes&#39; load on the service&#39;s CPUs (a control variate, slope -0.21): it removed 34 % of the slice pairs&#39; variance within epochs</span>'
    )
    expect(adjusted.match(/class="muted adjustment"/g)).toHaveLength(1)
  })
})
