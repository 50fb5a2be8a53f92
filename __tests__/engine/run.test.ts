import { afterEach, describe, expect, it } from '@jest/globals'
import http from 'node:http'
import { once } from 'node:events'
import { runGate } from '../../src/engine/run.js'
import { liveProcessGroups, stopAllServices } from '../../src/service/spawn.js'
import { reportProblems } from '../../src/report/validate.js'
import { exampleConfig, freePort } from '../../__fixtures__/config.js'

afterEach(async () => {
  await stopAllServices()
})

describe('runGate against the example service', () => {
  it('measures, checks absolute limits and stops the service', async () => {
    const port = await freePort()
    const config = exampleConfig(port, [
      {
        thresholds: [
          { metric: 'errors.rate', op: '<', value: 0.01, expression: '< 1%', severity: 'fail' },
          { metric: 'latency.p99', op: '<', value: 1, expression: '< 1us', severity: 'warn' },
          { metric: 'stress.breaking_point.rps', op: '>', value: 1, expression: '> 1', severity: 'fail' }
        ],
        regression: [
          {
            metric: 'throughput.rps',
            direction: 'fall',
            tolerance: 0.05,
            expression: '-5%',
            severity: 'fail'
          }
        ]
      }
    ])
    const report = await runGate(config)
    expect(reportProblems(report)).toEqual([])
    const [scenario] = report.scenarios
    expect(scenario!.checks.map(c => c.verdict)).toEqual(['pass', 'warn', 'skipped', 'skipped'])
    expect(scenario!.verdict).toBe('warn')
    expect(scenario!.metrics['requests.total']).toBeGreaterThan(20)
    expect(scenario!.metrics['latency.p50']).toBeGreaterThan(0)
    expect(scenario!.metrics['server.rss.peak']).toBeGreaterThan(1e6)
    expect(scenario!.runs[0]!.histogram).toBeTruthy()
    expect(liveProcessGroups()).toEqual([])
  })

  it('a crash during load is errored, shows no latency and names the exit', async () => {
    const port = await freePort()
    const config = exampleConfig(port, [{}, {}])
    config.service.env.CRASH_AFTER = '150'
    const report = await runGate(config)
    expect(report.verdict).toBe('errored')
    const [first] = report.scenarios
    expect(first!.error?.kind).toBe('crashed')
    expect(first!.metrics['latency.p99']).toBeUndefined()
    expect(report.scenarios[1]!.verdict).toBe('errored')
    expect(report.notes.join(' ')).toContain('restarted')
    expect(liveProcessGroups()).toEqual([])
  })

  it('a service answering 500 to everything is errored', async () => {
    const port = await freePort()
    const config = exampleConfig(port, [{}])
    config.service.env.ERROR_RATE = '1'
    const report = await runGate(config)
    expect(report.scenarios[0]!.error?.kind).toBe('nothing-answered')
    expect(report.headline).toContain('no request succeeded')
  })

  it('a port already in use errors every scenario before anything is spawned', async () => {
    const port = await freePort()
    const squatter = http.createServer((_, res) => res.end('stale')).listen(port, '127.0.0.1')
    await once(squatter, 'listening')
    try {
      const report = await runGate(exampleConfig(port, [{}, {}]))
      expect(report.scenarios.map(s => s.error?.kind)).toEqual(['port-in-use', 'port-in-use'])
      expect(report.scenarios[0]!.error!.message).toContain(String(port))
    } finally {
      squatter.close()
    }
  })
})
