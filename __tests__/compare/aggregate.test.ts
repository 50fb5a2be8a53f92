import { describe, expect, it } from '@jest/globals'
import { aggregateRounds, roundValues } from '../../src/compare/aggregate.js'
import { METRICS } from '../../src/config/metrics.js'

describe('aggregating rounds', () => {
  it('takes the max of peaks and maxima, the min of minima and the mean of the rest', () => {
    const out = aggregateRounds([
      {
        'throughput.rps': 100,
        'server.rss.peak': 10,
        'latency.max': 5,
        'latency.min': 2,
        'latency.p99': null
      },
      {
        'throughput.rps': 200,
        'server.rss.peak': 30,
        'latency.max': 9,
        'latency.min': 1,
        'latency.p99': null
      }
    ])
    expect(out).toEqual({
      'throughput.rps': 150,
      'server.rss.peak': 30,
      'latency.max': 9,
      'latency.min': 1,
      'latency.p99': null
    })
  })

  it('lists the values of one metric in round order, skipping rounds without it', () => {
    expect(roundValues([{ a: 1 }, { a: null }, { b: 2 }, { a: 3 }], 'a')).toEqual([1, 3])
  })

  it('joins every metric of the catalogue as its MetricInfo.rounds says', () => {
    const rounds = [1, 4].map(v => Object.fromEntries(METRICS.map(m => [m.name, v])))
    const out = aggregateRounds(rounds)
    const expected = { mean: 2.5, max: 4, min: 1 }
    for (const info of METRICS)
      expect([info.name, out[info.name]]).toEqual([info.name, expected[info.rounds]])
  })
})
