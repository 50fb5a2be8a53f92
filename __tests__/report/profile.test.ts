import { describe, expect, it } from '@jest/globals'
import { profileComparison } from '../../src/report/profile.js'
import { renderSummary } from '../../src/report/markdown.js'
import { renderHtml } from '../../src/report/html.js'
import { report, scenarioReport } from '../../__fixtures__/report.js'

describe('the service against its profile', () => {
  const r = report({
    config: { file: 'perfgate.yml', hash: 'abc', profile: 'api_gateway' },
    scenarios: [
      scenarioReport({
        name: 'get',
        metrics: { 'latency.p50': 1800, 'latency.p95': 150_000, 'throughput.bytes': 3e8 }
      }),
      scenarioReport({ name: 'broken', verdict: 'errored', error: { kind: 'crashed', message: 'x' } })
    ]
  })

  it('holds every measured scenario against every limit of the profile', () => {
    const view = profileComparison(r)!
    expect(view.profile).toBe('api_gateway')
    expect(view.rows).toEqual([
      { scenario: 'get', metric: 'latency.p50', limit: '< 20ms', value: 1800, meets: true },
      { scenario: 'get', metric: 'latency.p95', limit: '< 100ms', value: 150_000, meets: false },
      { scenario: 'get', metric: 'throughput.bytes', limit: '> 200MB', value: 3e8, meets: true },
      {
        scenario: 'get',
        metric: 'stress.breaking_point.connections',
        limit: '> 5000',
        value: null,
        meets: null
      }
    ])
  })

  it('is shown in the summary and the HTML report, and absent without a profile', () => {
    expect(renderSummary(r)).toContain('| get | `latency.p95` | &lt; 100ms | 150 ms | ⚠️ misses |')
    expect(renderHtml(r)).toContain('<h2>Against the api_gateway profile</h2>')
    expect(profileComparison(report())).toBeUndefined()
  })
})
