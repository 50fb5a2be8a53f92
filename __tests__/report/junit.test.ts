import { describe, expect, it } from '@jest/globals'
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { renderJunit } from '../../src/report/junit.js'
import { noteFields, noteMessage } from '../../src/report/notes.js'
import { check, report, scenarioReport } from '../../__fixtures__/report.js'
import type { Report } from '../../src/model/report.js'

const parse = (xml: string) => {
  expect(XMLValidator.validate(xml)).toBe(true)
  return new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    isArray: n => ['testsuite', 'testcase'].includes(n)
  }).parse(xml)
}

const used = (onInconclusive: string) =>
  ({
    service: { command: 'x', cwd: '.', ready: 'url' },
    scenarios: [],
    compare: { mode: 'interleaved', rounds: '3..15', budget: '4m', confirm: false, confidence: '95%' },
    baseline: { store: 'none' },
    onInconclusive
  }) as NonNullable<Report['config']['used']>

describe('junit.xml', () => {
  const mixed = report({
    verdict: 'fail',
    scenarios: [
      scenarioReport({
        name: 'list <all> & "more"',
        checks: [
          check({ verdict: 'pass' }),
          check({
            verdict: 'fail',
            message: 'latency.p95 61 ms is not under the limit < 50 ms',
            source: { file: 'perfgate.yml', line: 12, col: 7 }
          }),
          check({
            kind: 'regression',
            metric: 'throughput.rps',
            expression: '-5%',
            verdict: 'inconclusive',
            message: 'inconclusive: -3% ± 6%'
          }),
          check({
            kind: 'regression',
            metric: 'latency.p99',
            expression: '+20%',
            verdict: 'skipped',
            message: 'no baseline'
          }),
          check({
            metric: 'latency.p99',
            verdict: 'warn',
            severity: 'warn',
            message: 'p99 over the warn limit'
          })
        ]
      }),
      scenarioReport({
        name: 'crashes',
        verdict: 'errored',
        error: {
          kind: 'crashed',
          message: 'the service exited with code 1 during load',
          outputTail: ['Error: \u0007boom']
        },
        checks: [check(), check({ metric: 'latency.p99' })]
      }),
      scenarioReport({ name: 'no-checks', checks: [] })
    ]
  })

  it('has one testcase per check: failed, skipped and errored the usual way', () => {
    const xml = renderJunit(mixed)
    const doc = parse(xml)
    expect(doc.testsuites).toMatchObject({ tests: '8', failures: '1', errors: '2', skipped: '2' })
    const [first, crashed, empty] = doc.testsuites.testsuite
    expect(first).toMatchObject({
      name: 'list <all> & "more"',
      tests: '5',
      failures: '1',
      skipped: '2',
      errors: '0'
    })
    const cases = first.testcase
    expect(cases.map((c: { name: string }) => c.name)).toEqual([
      'threshold latency.p95 < 50ms',
      'threshold latency.p95 < 50ms',
      'regression throughput.rps -5%',
      'regression latency.p99 +20%',
      'threshold latency.p99 < 50ms'
    ])
    expect(cases[0].failure).toBeUndefined()
    expect(cases[1].failure.message).toBe(
      'latency.p95 61 ms is not under the limit < 50 ms (perfgate.yml:12)'
    )
    expect(cases[2].skipped.message).toBe('inconclusive: inconclusive: -3% ± 6%')
    expect(cases[3].skipped.message).toContain('skipped: no baseline')
    expect(cases[4]['system-out']).toContain('warn: p99 over the warn limit')
    expect(crashed.testcase).toHaveLength(2)
    expect(crashed.testcase[0].error.type).toBe('crashed')
    expect(crashed.testcase[0].error['#text']).toContain('Error: boom')
    expect(empty.testcase[0].name).toBe('measurement')
    expect(xml).not.toContain('\u0007')
  })

  it('with on-inconclusive: fail an inconclusive check is a failure', () => {
    const doc = parse(renderJunit({ ...mixed, config: { ...mixed.config, used: used('fail') } }))
    expect(doc.testsuites).toMatchObject({ failures: '2', skipped: '1' })
  })

  it("carries a scenario's notes in its testsuite's system-out, in the words of report/notes.ts", () => {
    const { notes, noteData } = noteFields([{ kind: 'base-dropped', count: 1, unit: 'round' }, 'plain prose'])
    const xml = renderJunit(
      report({ scenarios: [scenarioReport({ notes, ...(noteData ? { noteData } : {}) })] })
    )
    const suite = parse(xml).testsuites.testsuite[0]
    expect(suite['system-out']).toBe(
      `note: ${noteMessage({ kind: 'base-dropped', count: 1, unit: 'round' })}\nnote: plain prose`
    )
  })
})
