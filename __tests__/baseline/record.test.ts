import { describe, expect, it } from '@jest/globals'
import {
  BASELINE_SCHEMA_VERSION,
  CorruptRecordError,
  NewerBaselineError,
  StoreError,
  checkMeta,
  parseRecord,
  recordFromReport,
  recordPath,
  serializeRecord
} from '../../src/baseline/record.js'
import { sampleRecord } from '../../__fixtures__/baseline.js'
import { report, scenarioReport } from '../../__fixtures__/report.js'

describe('baseline records', () => {
  it('round-trips through the schema and lives at v1/runs/<sha>/<run>-<attempt>-<hash>.json', () => {
    const record = sampleRecord({ sha: 'b'.repeat(40), runId: '77', attempt: 2, hash: '0123456789abcdef' })
    expect(recordPath(record)).toBe(`v1/runs/${'b'.repeat(40)}/77-2-0123456789abcdef.json`)
    expect(parseRecord(serializeRecord(record), 'x')).toEqual(record)
  })

  it('is made from a report: head rounds with histograms, errored and unmeasured scenarios left out', () => {
    const r = report({
      verdict: 'warn',
      config: { file: 'perfgate.yml', hash: 'abcdef0123456789' },
      scenarios: [
        scenarioReport({
          name: 'get',
          runs: [
            { side: 'head', round: 1, metrics: { 'throughput.rps': 10 }, histogram: 'HISTFAAAA' },
            { side: 'head', round: 2, metrics: { 'throughput.rps': 12 } }
          ]
        }),
        scenarioReport({ name: 'broken', verdict: 'errored', runs: [] })
      ]
    })
    const record = recordFromReport(r, {
      sha: 'c'.repeat(40),
      runId: 'run/1 x',
      runAttempt: 1,
      event: 'push'
    })
    expect(record.git.runId).toBe('run_1_x')
    expect(record.scenarios.map(s => s.name)).toEqual(['get'])
    expect(record.scenarios[0]!.rounds).toEqual([
      { round: 1, metrics: { 'throughput.rps': 10 }, histogram: 'HISTFAAAA' },
      { round: 2, metrics: { 'throughput.rps': 12 } }
    ])
    expect(parseRecord(serializeRecord(record), 'x')).toEqual(record)
  })

  it('never makes a record of an errored run', () => {
    expect(() =>
      recordFromReport(report({ verdict: 'errored' }), { sha: 'local', runId: '1', runAttempt: 1 })
    ).toThrow(/errored run is never stored/)
  })

  it('tells corrupt records (skip) from newer ones (stop)', () => {
    expect(() => parseRecord('{', 'p.json')).toThrow(CorruptRecordError)
    expect(() => parseRecord('[]', 'p.json')).toThrow(/not a JSON object/)
    expect(() => parseRecord('{"schemaVersion":"1"}', 'p.json')).toThrow(/no valid schemaVersion/)
    const missingField = { ...sampleRecord(), runner: undefined }
    expect(() => parseRecord(JSON.stringify(missingField), 'p.json')).toThrow(
      /must have required property 'runner'/
    )
    const newer = { ...sampleRecord(), schemaVersion: BASELINE_SCHEMA_VERSION + 1 }
    expect(() => parseRecord(JSON.stringify(newer), 'p.json')).toThrow(NewerBaselineError)
  })

  it('tolerates unknown extra fields (a newer perfgate of the same schema version)', () => {
    const extended = { ...sampleRecord(), extra: { anything: true } }
    expect(parseRecord(JSON.stringify(extended), 'p.json').git.sha).toBe('a'.repeat(40))
  })

  it('meta.json: a store from a newer perfgate is refused as a whole, a broken one is unreadable', () => {
    expect(checkMeta('{"schemaVersion":1,"createdBy":"perfgate 0.1.0"}', 'meta.json').schemaVersion).toBe(1)
    expect(() => checkMeta('{"schemaVersion":5,"createdBy":"perfgate 3.0.0"}', 'meta.json')).toThrow(
      /written by perfgate 3\.0\.0.*upgrade perfgate/
    )
    expect(() => checkMeta('nope', 'meta.json')).toThrow(StoreError)
  })
})
