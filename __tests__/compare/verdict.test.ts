import { describe, expect, it } from '@jest/globals'
import { exitCodeFor, jobFails, overallVerdict, scenarioVerdict } from '../../src/compare/verdict.js'
import type { Check } from '../../src/model/check.js'

const c = (verdict: Check['verdict']): Check => ({
  kind: 'threshold',
  metric: 'latency.p99',
  expression: '< 1ms',
  severity: 'fail',
  verdict,
  message: ''
})

describe('verdicts', () => {
  it('a scenario takes its worst check', () => {
    expect(scenarioVerdict([c('pass'), c('warn')], false)).toBe('warn')
    expect(scenarioVerdict([c('pass'), c('inconclusive'), c('warn')], false)).toBe('inconclusive')
    expect(scenarioVerdict([c('fail'), c('inconclusive')], false)).toBe('fail')
    expect(scenarioVerdict([c('pass'), c('skipped')], false)).toBe('pass')
    expect(scenarioVerdict([c('skipped')], false)).toBe('skipped')
    expect(scenarioVerdict([c('accepted'), c('pass')], false)).toBe('warn')
    expect(scenarioVerdict([], false)).toBe('pass')
  })

  it('an errored measurement decides nothing else', () => {
    expect(scenarioVerdict([c('pass')], true)).toBe('errored')
  })

  it('the run takes its worst scenario, errored first', () => {
    expect(overallVerdict([{ verdict: 'fail' }, { verdict: 'errored' }])).toBe('errored')
    expect(overallVerdict([{ verdict: 'pass' }, { verdict: 'inconclusive' }])).toBe('inconclusive')
    expect(overallVerdict([{ verdict: 'pass' }, { verdict: 'skipped' }])).toBe('pass')
  })

  it('maps verdicts to exit codes: 0 passed, 1 gate failed, 2 errored', () => {
    expect(exitCodeFor('pass', 'warn')).toBe(0)
    expect(exitCodeFor('warn', 'warn')).toBe(0)
    expect(exitCodeFor('fail', 'warn')).toBe(1)
    expect(exitCodeFor('inconclusive', 'warn')).toBe(0)
    expect(exitCodeFor('inconclusive', 'fail')).toBe(1)
    expect(exitCodeFor('errored', 'warn')).toBe(2)
    expect(jobFails('errored', 'warn')).toBe(true)
  })
})
