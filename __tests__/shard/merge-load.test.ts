import { describe, expect, it } from '@jest/globals'
import { check, report, scenarioReport } from '../../__fixtures__/report.js'
import {
  createLatencyHistogram,
  decodeHistogram,
  encodeHistogram,
  summarize
} from '../../src/load/histogram.js'
import { mergeLoadRuns, mergeLoadScenario } from '../../src/shard/merge-load.js'
import { noteFields } from '../../src/report/notes.js'
import { METRICS } from '../../src/config/metrics.js'
import { mergeLegReports } from '../../src/shard/merge-legs.js'
import type { MetricValues } from '../../src/model/metrics.js'
import type { Report } from '../../src/model/report.js'
import type { RunRecord } from '../../src/model/run.js'
import { reportProblems } from '../../src/report/validate.js'

/** A small deterministic generator, so that the legs' latencies differ in shape and the test is repeatable. */
function random(seed: number): () => number {
  let s = seed
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31
    return s / 2 ** 31
  }
}

/** Three legs' latencies (µs), of different shapes and sizes, and one histogram holding every value. */
function legsAndWhole() {
  const whole = createLatencyHistogram()
  const shapes = [
    (r: () => number) => 800 + Math.floor(r() * 400),
    (r: () => number) => (r() < 0.97 ? 1000 + Math.floor(r() * 300) : 40_000 + Math.floor(r() * 20_000)),
    (r: () => number) => Math.floor(200 + -Math.log(1 - r()) * 3000)
  ]
  const counts = [5000, 3100, 4270]
  const legs = shapes.map((shape, i) => {
    const h = createLatencyHistogram()
    const r = random(17 + i)
    for (let n = 0; n < counts[i]!; n++) {
      const v = shape(r)
      h.recordValue(v)
      whole.recordValue(v)
    }
    return h
  })
  return { legs, whole, counts }
}

function run(histogram: string, metrics: MetricValues): RunRecord {
  return { side: 'head', round: 1, metrics, histogram }
}

describe('load shards join exactly', () => {
  it('merged latency percentiles equal those of one histogram holding every leg’s values, exactly', () => {
    const { legs, whole, counts } = legsAndWhole()
    const runs = legs.map((h, i) =>
      run(encodeHistogram(h), {
        // what each leg reported for itself: none of it may leak into the joined latency
        'latency.p99': h.getValueAtPercentile(99),
        'latency.p50': h.getValueAtPercentile(50),
        'requests.total': counts[i]!,
        'throughput.rps': counts[i]! / 10,
        'throughput.ok_rps': counts[i]! / 10,
        'errors.total': i,
        'errors.rate': i / (counts[i]! + i),
        'errors.timeout': i,
        'generator.lag': 1000 * (i + 1),
        'server.rss.peak': [70e6, 90e6, 80e6][i]!
      })
    )
    const { metrics, histogram } = mergeLoadRuns(runs)
    const expected = summarize(whole)!
    for (const key of ['p50', 'p75', 'p90', 'p95', 'p99', 'p99.9'] as const)
      expect(metrics[`latency.${key}`]).toBe(expected[key])
    // min, max, mean and stddev as the one histogram gives them once stored (encoded) like every run's
    const stored = summarize(decodeHistogram(encodeHistogram(whole)))!
    for (const key of ['min', 'mean', 'stddev', 'p50', 'p99', 'p99.9', 'max'] as const)
      expect(metrics[`latency.${key}`]).toBe(stored[key])
    // the averaged percentiles would have been something else
    const averagedP99 = runs.reduce((a, r) => a + r.metrics['latency.p99']!, 0) / runs.length
    expect(metrics['latency.p99']).not.toBe(averagedP99)
    expect(histogram).toBeDefined()
    // counts and throughput add up; the error rate comes from the summed counts; maxima take the max
    expect(metrics['requests.total']).toBe(5000 + 3100 + 4270)
    expect(metrics['throughput.rps']).toBeCloseTo((5000 + 3100 + 4270) / 10, 9)
    expect(metrics['errors.total']).toBe(0 + 1 + 2)
    expect(metrics['errors.rate']).toBeCloseTo(3 / (5000 + 3100 + 4270 + 3), 12)
    expect(metrics['generator.lag']).toBe(3000)
    expect(metrics['server.rss.peak']).toBe(90e6)
  })

  it('a leg without a histogram leaves latency unmeasured rather than averaged', () => {
    const { legs } = legsAndWhole()
    const { metrics } = mergeLoadRuns([
      run(encodeHistogram(legs[0]!), { 'latency.p99': 1, 'requests.total': 10 }),
      { side: 'head', round: 1, metrics: { 'latency.p99': 2, 'requests.total': 20 } }
    ])
    expect(metrics['latency.p99']).toBeNull()
    expect(metrics['requests.total']).toBe(30)
  })

  it('perfgate merge of three load legs: one scenario, latency from the summed histograms, limits decided again', () => {
    const { legs, whole, counts } = legsAndWhole()
    const p99 = summarize(whole)!.p99
    const legReport = (i: number): Report =>
      report({
        git: { sha: 'c'.repeat(40) },
        shard: {
          kind: 'load',
          index: i + 1,
          count: 3,
          scenarios: ['api'],
          suite: ['api'],
          window: { start: `2026-12-01T07:00:0${i}.000Z`, end: `2026-12-01T07:01:0${i}.000Z` }
        },
        scenarios: [
          scenarioReport({
            name: 'api',
            metrics: {
              'latency.p99': legs[i]!.getValueAtPercentile(99),
              'requests.total': counts[i]!,
              'generator.lag': 500 * (i + 1)
            },
            // each leg alone passes a limit the joined load breaks
            checks: [
              check({
                metric: 'latency.p99',
                expression: `< ${Math.ceil(p99 / 1000) - 1}ms`,
                limit: (Math.ceil(p99 / 1000) - 1) * 1000,
                verdict: 'pass'
              })
            ],
            runs: [
              run(encodeHistogram(legs[i]!), {
                'requests.total': counts[i]!,
                'errors.total': 0,
                'errors.rate': 0,
                'generator.lag': 500 * (i + 1)
              })
            ]
          })
        ]
      })
    const merged = mergeLegReports([0, 1, 2].map(i => ({ source: `leg-${i + 1}`, report: legReport(i) })))
    expect(merged.merge?.problems).toEqual([])
    expect(merged.scenarios).toHaveLength(1)
    const api = merged.scenarios[0]!
    expect(api.metrics['latency.p99']).toBe(p99)
    expect(api.metrics['requests.total']).toBe(5000 + 3100 + 4270)
    expect(api.checks[0]!.actual).toBe(p99)
    expect(api.checks[0]!.verdict).toBe('fail')
    expect(merged.verdict).toBe('fail')
    expect(api.notes.join('\n')).toContain(
      'generator lag per leg: leg 1/3 500 µs, leg 2/3 1 ms, leg 3/3 1.5 ms'
    )
    expect(api.notes.join('\n')).toContain('per leg: leg 1/3 requests.total 5,000')
    expect(api.noteData?.map(n => n.kind)).toEqual(['load-joined', 'load-per-leg', 'load-lag-per-leg'])
    expect(api.noteData?.[2]).toMatchObject({
      legs: [
        { leg: { index: 1, count: 3 }, lag: 500 },
        { leg: { index: 2, count: 3 }, lag: 1000 },
        { leg: { index: 3, count: 3 }, lag: 1500 }
      ]
    })
    expect(api.noteData?.[1]).toMatchObject({
      legs: [{ leg: { index: 1, count: 3 }, requests: 5000 }, {}, {}]
    })
    expect(merged.noteData?.find(n => n.kind === 'load-windows')).toMatchObject({
      from: 'earliest-start',
      spans: [{ leg: { index: 1, count: 3, source: 'leg-1' }, startMs: 0, endMs: 60_000 }, {}, {}]
    })
    expect(merged.notes.join('\n')).toContain(
      "load legs' windows from the earliest leg's start: leg 1/3 (leg-1) +0.0 s to +60.0 s"
    )
    expect(reportProblems(merged)).toEqual([])

    // legs that did not measure together are refused, each named
    const late = legReport(2)
    late.shard!.window = { start: '2026-12-01T07:00:30.000Z', end: '2026-12-01T07:01:30.000Z' }
    const refused = mergeLegReports([
      { source: 'leg-1', report: legReport(0) },
      { source: 'leg-2', report: legReport(1) },
      { source: 'leg-3', report: late }
    ])
    expect(refused.verdict).toBe('errored')
    expect(refused.merge?.problems.join('\n')).toMatch(
      /the load legs' windows overlap by 5\d%, under the 90% needed .*leg 3\/3 \(leg-3\) \+30\.0 s to \+90\.0 s/
    )
  })

  it("an errored load leg makes the scenario errored, its note first and the leg's own notes kept as data", () => {
    const own = noteFields(['prose of the leg', { kind: 'start-error', failed: 'started' }])
    const joined = mergeLoadScenario(
      [scenarioReport({ name: 'api' }), scenarioReport({ name: 'api', verdict: 'errored', ...own })],
      [
        { index: 1, count: 2 },
        { index: 2, count: 2 }
      ]
    )
    expect(joined.verdict).toBe('errored')
    expect(joined.notes).toEqual([
      'leg 2/2 errored: the joined load is not the configured load',
      'prose of the leg',
      'a service could not be started'
    ])
    expect(joined.noteData?.map(({ message: _, ...n }) => n)).toEqual([
      { kind: 'load-leg-errored', leg: { index: 2, count: 2 } },
      { kind: 'start-error', failed: 'started' }
    ])
  })

  it('joins every metric of the catalogue as its MetricInfo.legs says: status.unexpected summed like the others', () => {
    const legs = [2, 5].map(v => ({
      side: 'head' as const,
      round: 1,
      metrics: Object.fromEntries(METRICS.map(m => [m.name, v]))
    }))
    const { metrics } = mergeLoadRuns(legs)
    expect(metrics['status.unexpected']).toBe(7)
    for (const info of METRICS) {
      const expected = { sum: 7, max: 5, none: null, histogram: null, ratio: undefined }[info.legs]
      if (expected !== undefined) expect([info.name, metrics[info.name]]).toEqual([info.name, expected])
    }
  })
})
