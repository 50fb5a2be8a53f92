import { describe, expect, it } from '@jest/globals'
import { measurementError } from '../../src/compare/validity.js'
import { loadResult, scenario } from '../../__fixtures__/load.js'

describe('measurementError', () => {
  it('accepts a healthy run', () => {
    expect(measurementError(scenario(), loadResult())).toBeUndefined()
  })

  it('a crash during load is errored with the exit and the output tail', () => {
    const error = measurementError(scenario(), loadResult({ responses: 40, status2xx: 40 }), {
      serviceExit: { code: 70, signal: null },
      serviceOutput: ['boom']
    })
    expect(error).toMatchObject({ kind: 'crashed', outputTail: ['boom'] })
    expect(error!.message).toContain('exit code 70')
    expect(error!.message).toContain('after 40 responses')
  })

  it('a service answering 500 to everything is errored, not fast', () => {
    const error = measurementError(scenario(), loadResult({ status2xx: 0, status5xx: 1000 }))
    expect(error!.kind).toBe('nothing-answered')
    expect(error!.message).toContain('5xx: 1000')
  })

  it('nothing listening gives a bind-address hint', () => {
    const error = measurementError(scenario(), loadResult({ responses: 0, status2xx: 0, connect: 5000 }))
    expect(error!.message).toContain('nothing answered on 127.0.0.1:18080')
  })

  it('an error rate over max-error-rate is errored and broken down by kind', () => {
    const error = measurementError(
      scenario(),
      loadResult({ status2xx: 800, status5xx: 150, timeout: 20, reset: 30, responses: 950 })
    )
    expect(error!.kind).toBe('error-rate')
    expect(error!.message).toMatch(/^20% of requests failed \(5xx: 150, timeout: 20, reset: 30\)/)
  })

  it('resets at exactly max-error-rate still make a valid measurement; one more is errored', () => {
    // max-error-rate is the most that still counts as valid: 5% of 1000 attempted is 50
    const at = measurementError(scenario(), loadResult({ responses: 950, status2xx: 950, reset: 50 }))
    expect(at).toBeUndefined()
    const over = measurementError(scenario(), loadResult({ responses: 949, status2xx: 949, reset: 51 }))
    expect(over!.kind).toBe('error-rate')
    expect(over!.message).toMatch(/^5\.1% of requests failed \(reset: 51\), over the 5% /)
  })

  it('too few requests is errored with what to do', () => {
    const error = measurementError(scenario({ minRequests: 5000 }), loadResult())
    expect(error!.kind).toBe('too-few-requests')
    expect(error!.message).toContain('fewer than min-requests 5000')
  })

  it('a generator that fell behind its schedule makes the run errored, whatever the service did', () => {
    const rate = scenario({
      load: { mode: 'rate', rate: 2000, connections: 100, durationMs: 2000, warmupMs: 500, timeoutMs: 10_000 }
    })
    const behind = loadResult(
      {},
      { generatorLagUs: 41_400, generatorSaturated: true, targetRate: 2000, achievedRate: 1650 }
    )
    const error = measurementError(rate, behind)
    expect(error!.kind).toBe('generator-lag')
    expect(error!.message).toMatch(
      /^the load generator fell behind its schedule \(p99 41 ms late; it sent 1,650 req\/s of the 2,000 req\/s asked for\): /
    )
    // a crash still explains more than the lag it caused
    expect(measurementError(rate, behind, { serviceExit: { code: 70, signal: null } })!.kind).toBe('crashed')
    const onTime = loadResult(
      {},
      { generatorLagUs: 300, generatorSaturated: false, targetRate: 2000, achievedRate: 1999 }
    )
    expect(measurementError(rate, onTime)).toBeUndefined()
  })
})
