import { describe, expect, it } from '@jest/globals'
import { applyAcceptances, labelAcceptance, parseAcceptTrailers } from '../../src/compare/accept.js'
import type { Check } from '../../src/model/check.js'

const regression = (metric: string, verdict: Check['verdict'] = 'fail'): Check => ({
  kind: 'regression',
  metric,
  expression: '-5%',
  severity: 'fail',
  verdict,
  message: `${metric} regressed`
})

describe('accepting intended regressions', () => {
  it('reads Perf-Accepted trailers, with * for any metric', () => {
    const accepted = parseAcceptTrailers([
      { sha: 'abcdef1234567', message: 'Cache less\n\nPerf-Accepted: list throughput.rps\nSigned-off-by: x' },
      { sha: '1234567abcdef', message: 'Refactor\n\nperf-accepted: search' }
    ])
    expect(accepted).toEqual([
      { scenario: 'list', metric: 'throughput.rps', by: 'commit abcdef1 (Perf-Accepted trailer)' },
      { scenario: 'search', metric: '*', by: 'commit 1234567 (Perf-Accepted trailer)' }
    ])
  })

  it('reads only the trailer block: the last paragraph, not the subject, not prose', () => {
    const read = (message: string) => parseAcceptTrailers([{ sha: 'abcdef1234567', message }])
    expect(read('Perf-Accepted: list')).toEqual([])
    expect(read('Cache less\n\nAs agreed we add Perf-Accepted: list to the next commit.\n')).toEqual([])
    expect(read('Cache less\n\nPerf-Accepted: list\n\nMore text after it.')).toEqual([])
    expect(read('Cache less\n\nSome prose\nPerf-Accepted: list\n')).toEqual([])
    expect(
      read('Cache less\n\nSee the issue.\n\nReviewed-by: a\nPerf-Accepted: list latency.p99\n\n')
    ).toEqual([{ scenario: 'list', metric: 'latency.p99', by: 'commit abcdef1 (Perf-Accepted trailer)' }])
    // git's own rule: a block with a Signed-off-by may hold some prose if a quarter of it is trailers
    expect(read('Fix\n\nnote\nPerf-Accepted: list\nSigned-off-by: x <x@y>\r\n')).toHaveLength(1)
    expect(read('Fix\n\nPerf-Accepted: list throughput.rps and more words')).toEqual([])
  })

  it('turns only the matching failing regression into accepted and says who accepted it', () => {
    const checks = [
      regression('throughput.rps'),
      regression('latency.p99'),
      { ...regression('latency.p95'), kind: 'threshold' as const }
    ]
    const out = applyAcceptances('list', checks, [
      { scenario: 'list', metric: 'throughput.rps', by: 'commit abc' }
    ])
    expect(out.map(c => c.verdict)).toEqual(['accepted', 'fail', 'fail'])
    expect(out[0]!.acceptedBy).toBe('commit abc')
    expect(applyAcceptances('other', checks, [{ scenario: 'list', metric: '*', by: 'x' }])[0]!.verdict).toBe(
      'fail'
    )
  })

  it('the perf-accepted label accepts every failing regression but no threshold', () => {
    const acceptances = labelAcceptance(['bug', 'perf-accepted'])
    const out = applyAcceptances(
      'any',
      [regression('throughput.rps'), { ...regression('x'), kind: 'threshold' as const }],
      acceptances
    )
    expect(out.map(c => c.verdict)).toEqual(['accepted', 'fail'])
    expect(labelAcceptance(['bug'])).toEqual([])
  })
})
