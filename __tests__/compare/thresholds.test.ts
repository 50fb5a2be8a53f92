import { describe, expect, it } from '@jest/globals'
import { evaluateThresholds } from '../../src/compare/thresholds.js'
import type { ThresholdCheck } from '../../src/config/types.js'
import { checkMessage } from '../../src/report/checks.js'

const check = (
  metric: string,
  op: ThresholdCheck['op'],
  value: number,
  severity: 'fail' | 'warn' = 'fail'
): ThresholdCheck => ({
  metric,
  op,
  value,
  expression: `${op} ${value}`,
  severity,
  source: { file: 'perfgate.yml', line: 7, col: 20 }
})

describe('evaluateThresholds', () => {
  it('passes a latency under its limit and fails one over it, naming both values', () => {
    const [ok, bad] = evaluateThresholds(
      [check('latency.p95', '<', 50_000), check('latency.p99', '<', 50_000)],
      {
        'latency.p95': 12_300,
        'latency.p99': 61_200
      }
    )
    expect(ok).toMatchObject({ verdict: 'pass', actual: 12_300, limit: 50_000 })
    expect(bad!.verdict).toBe('fail')
    expect(bad!.basis).toEqual({ kind: 'limit', op: '<' })
    expect(checkMessage(bad!)).toBe('latency.p99 61.2 ms is not under the limit < 50 ms')
    expect(checkMessage(ok!)).toBe('latency.p95 12.3 ms < 50 ms')
    expect(bad!.source).toEqual({ file: 'perfgate.yml', line: 7, col: 20 })
  })

  it('uses the severity for a breach', () => {
    const [c] = evaluateThresholds([check('throughput.rps', '>', 1500, 'warn')], { 'throughput.rps': 900 })
    expect(c).toMatchObject({ verdict: 'warn', actual: 900, limit: 1500 })
    expect(checkMessage(c!)).toBe('throughput.rps 900 req/s is not over the limit > 1,500 req/s')
  })

  it('treats the boundary according to the operator', () => {
    const at = { 'errors.rate': 0.01 }
    expect(evaluateThresholds([check('errors.rate', '<', 0.01)], at)[0]!.verdict).toBe('fail')
    expect(evaluateThresholds([check('errors.rate', '<=', 0.01)], at)[0]!.verdict).toBe('pass')
    expect(evaluateThresholds([check('errors.rate', '>=', 0.01)], at)[0]!.verdict).toBe('pass')
    expect(evaluateThresholds([check('errors.rate', '>', 0.01)], at)[0]!.verdict).toBe('fail')
  })

  it('skips a metric the run did not measure instead of passing it', () => {
    const [missing, nulled] = evaluateThresholds(
      [check('stress.breaking_point.rps', '>', 10), check('latency.p50', '<', 10)],
      { 'latency.p50': null }
    )
    expect(missing).toMatchObject({ verdict: 'skipped', actual: null })
    expect(nulled!.verdict).toBe('skipped')
  })
})
