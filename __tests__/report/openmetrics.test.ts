import { describe, expect, it } from '@jest/globals'
import { renderOpenMetrics } from '../../src/report/openmetrics.js'
import { report, scenarioReport } from '../../__fixtures__/report.js'

describe('renderOpenMetrics', () => {
  const text = renderOpenMetrics(
    report({
      mode: 'compare',
      scenarios: [
        scenarioReport({ name: 'list "all"', baseMetrics: { 'throughput.rps': 4000, 'latency.p99': 3000 } }),
        scenarioReport({ name: 'broken', verdict: 'errored', metrics: { 'requests.total': 0 } })
      ]
    })
  )
  const lines = text.trimEnd().split('\n')

  it('converts to SI base units and labels scenario, suite and side', () => {
    expect(lines).toContain(
      'perfgate_latency_p99_seconds{scenario="list \\"all\\"",suite="load",side="head"} 0.0031'
    )
    expect(lines).toContain(
      'perfgate_latency_p99_seconds{scenario="list \\"all\\"",suite="load",side="base"} 0.003'
    )
    expect(lines).toContain(
      'perfgate_server_cpu_mean_ratio{scenario="list \\"all\\"",suite="load",side="head"} 0.97'
    )
    expect(lines).toContain(
      'perfgate_server_rss_peak_bytes{scenario="list \\"all\\"",suite="load",side="head"} 71000000'
    )
  })

  it('declares each family once with TYPE, UNIT and HELP and ends with # EOF', () => {
    expect(lines.filter(l => l === '# TYPE perfgate_latency_p99_seconds gauge')).toHaveLength(1)
    expect(lines).toContain('# UNIT perfgate_latency_p99_seconds seconds')
    expect(lines.at(-1)).toBe('# EOF')
    for (const line of lines.filter(l => !l.startsWith('#'))) {
      expect(line).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*\{[^}]*\} -?[\d.e+-]+$/)
    }
    expect(lines).toContain('perfgate_scenario_failed{scenario="broken",verdict="errored"} 1')
  })
})
