import { describe, expect, it } from '@jest/globals'
import { differencedRate, parseWrkCount } from './harness/throughput.js'

describe("the zoo's reference clients", () => {
  it("reads wrk's count and time in any unit", () => {
    expect(parseWrkCount('  Latency ...\n  45678 requests in 2.00s, 6.1MB read\n')).toEqual({
      responses: 45678,
      seconds: 2
    })
    expect(parseWrkCount('  12 requests in 999.50ms, 1KB read\n')).toEqual({ responses: 12, seconds: 0.9995 })
    expect(parseWrkCount('  9 requests in 1.00m, 1KB read\n')).toEqual({ responses: 9, seconds: 60 })
    expect(() => parseWrkCount('unable to connect')).toThrow(/no "requests in" line/)
  })

  it('leaves a run’s start out by difference: a slow start costs both runs the same', () => {
    // 30 responses lost to the start in each run, 200 req/s after it
    const warmup = { responses: 200 * 1 - 30, seconds: 1 }
    const whole = { responses: 200 * 3 - 30, seconds: 3 }
    expect(differencedRate(warmup, whole)).toBe(200)
    expect(whole.responses / whole.seconds).toBeLessThan(200)
  })
})
