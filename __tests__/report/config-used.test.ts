import { describe, expect, it } from '@jest/globals'
import path from 'node:path'
import { configUsed } from '../../src/report/config-used.js'
import { buildReport } from '../../src/report/build.js'
import { renderHtml } from '../../src/report/html.js'
import { reportProblems } from '../../src/report/validate.js'
import { exampleConfig, REPO, rpsCheck } from '../../__fixtures__/config.js'
import { scenarioReport } from '../../__fixtures__/report.js'
import type { Config } from '../../src/config/types.js'

function secretConfig(): Config {
  const config = exampleConfig(
    8080,
    [
      {
        name: 'mix',
        request: {
          method: 'GET',
          url: 'http://127.0.0.1:8080/a',
          headers: { authorization: 'Bearer s3cret-h' }
        },
        mix: [
          {
            method: 'GET',
            url: 'http://127.0.0.1:8080/a',
            headers: { authorization: 'Bearer s3cret-h' },
            weight: 3
          },
          {
            method: 'POST',
            url: 'http://127.0.0.1:8080/b',
            headers: {},
            body: '{"x":1}',
            expect: [201, 409],
            weight: 1
          }
        ],
        values: { city: ['Oslo', 'Rome'] },
        load: { mode: 'rate', rate: 200, connections: 50, durationMs: 5000, warmupMs: 1000, timeoutMs: 2000 },
        suite: { kind: 'stress', start: 10, step: 10, max: 100, maxErrorRate: 0.05, p99LimitUs: 50_000 },
        thresholds: [
          { metric: 'latency.p95', op: '<', value: 50_000, expression: '< 50ms', severity: 'fail' },
          { metric: 'latency.p99', op: '<', value: 90_000, expression: '< 90ms', severity: 'warn' }
        ],
        regression: [rpsCheck]
      }
    ],
    { baseline: { ...exampleConfig(8080, []).baseline, store: 'directory' } }
  )
  config.service!.env = { PORT: '8080', DB_PASSWORD: 's3cret-env' }
  config.service!.build = 'npm run build'
  return config
}

describe('configUsed', () => {
  it('says what the run used, in words, with header and env values left out', () => {
    const used = configUsed(secretConfig())
    const text = JSON.stringify(used)
    expect(text).not.toContain('s3cret')
    expect(used.service!).toEqual({
      command: 'node examples/service/server.mjs',
      build: 'npm run build',
      cwd: '.',
      ready: 'HTTP http://127.0.0.1:8080/health within 15 s',
      env: ['DB_PASSWORD', 'PORT']
    })
    const [s] = used.scenarios
    expect(s!.requests).toEqual([
      'GET http://127.0.0.1:8080/a, weight 3, headers authorization',
      'POST http://127.0.0.1:8080/b, weight 1, body 7 B, expect 201, 409'
    ])
    expect(s!.values).toEqual(['city'])
    expect(s!.load).toBe(
      'open model, 200 req/s, at most 50 in flight, generator lag up to 10 ms, 5 s after 1 s warmup, timeout 2 s'
    )
    expect(s!.suite).toBe(
      'stress from 10 by 10 up to 100, until errors > 5% or p99 > 50 ms, for at most 2 min'
    )
    expect(s!.thresholds).toEqual(['latency.p95 < 50ms', 'latency.p99 < 90ms (warn)'])
    expect(s!.regression).toEqual([`throughput.rps ${rpsCheck.expression}`])
    expect(used.baseline.store).toBe(
      `directory ${path.relative(REPO, path.join(REPO, '.perfgate/baselines'))}`
    )
    expect(used.compare).toEqual({
      mode: 'interleaved',
      rounds: '2 to 3',
      budget: '60 s',
      confirm: false,
      confidence: '95%'
    })
  })

  it('lands in report.json (valid against the schema) and in report.html, folded', () => {
    const report = buildReport({
      config: secretConfig(),
      mode: 'run',
      startedAt: 0,
      scenarios: [scenarioReport({ name: 'mix' })]
    })
    expect(reportProblems(report)).toEqual([])
    expect(report.config.used?.scenarios[0]?.name).toBe('mix')
    const html = renderHtml(report)
    expect(html).toMatch(/<details id="config-used">/)
    expect(html).toContain('stress from 10 by 10 up to 100')
    expect(html).not.toContain('s3cret')
  })
})
