import { describe, expect, it } from '@jest/globals'
import { startResourceSampler } from '../../src/service/sampler.js'
import { toMetrics } from '../../src/load/metrics.js'
import { evaluateThresholds } from '../../src/compare/thresholds.js'
import { parseThreshold } from '../../src/config/units.js'
import { loadResult } from '../../__fixtures__/load.js'
import { wordCheck } from '../../src/report/checks.js'

describe('off Linux the server.* metrics are missing, never 0', () => {
  it('the sampler measures nothing and says so; the metrics leave server.* out', () => {
    const summary = startResourceSampler(process.pid, { platform: 'darwin' }).stop()
    expect(summary.measured).toBe(false)
    expect(summary.samples).toEqual([])
    const metrics = toMetrics(loadResult({ responses: 100 }), summary)
    expect(Object.keys(metrics).filter(k => k.startsWith('server.'))).toEqual([])
    expect(metrics['throughput.rps']).toBeGreaterThan(0)
  })

  it('a server.* limit is skipped with the reason instead of passing on a 0', () => {
    const limit = { metric: 'server.rss.peak', expression: '< 256MB', severity: 'fail' as const }
    const check = { ...limit, ...parseThreshold(limit.metric, limit.expression) }
    const summary = startResourceSampler(process.pid, { platform: 'darwin' }).stop()
    const [skipped] = evaluateThresholds(
      [check],
      toMetrics(loadResult({ responses: 100 }), summary),
      'darwin'
    )
    expect(skipped).toMatchObject({ verdict: 'skipped', actual: null })
    expect(wordCheck(skipped!).message).toBe(
      'server.rss.peak was not measured: server.* metrics are sampled from /proc, which only Linux has (this runner is darwin)'
    )
  })

  it('on Linux they are measured', () => {
    if (process.platform !== 'linux') return
    const summary = startResourceSampler(process.pid).stop()
    expect(summary.measured).toBe(true)
    expect(toMetrics(loadResult({ responses: 100 }), summary)['server.rss.peak']).toBeGreaterThan(0)
  })
})
