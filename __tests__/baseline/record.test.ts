import { describe, expect, it } from '@jest/globals'
import {
  BASELINE_SCHEMA_VERSION,
  CorruptRecordError,
  MIGRATIONS,
  NewerBaselineError,
  StoreError,
  checkMeta,
  migrateRecord,
  parseRecord,
  recordFromReport,
  recordPath,
  serializeRecord,
  type BaselineRecord,
  type RecordFormat
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

/** A made-up version 0: flat git fields, one `summary` per scenario, no rounds. */
function versionZero(record: BaselineRecord): Record<string, unknown> {
  const { git, ...rest } = record
  return {
    ...rest,
    schemaVersion: 0,
    sha: git.sha,
    run: `${git.runId}.${git.runAttempt}`,
    scenarios: record.scenarios.map(s => ({ name: s.name, summary: s.metrics }))
  }
}

const zeroToOne: RecordFormat = {
  version: 1,
  migrations: {
    0: data => {
      const { sha, run, ...rest } = data as { sha: string; run: string } & Record<string, unknown>
      const [runId, attempt] = run.split('.')
      return {
        ...rest,
        schemaVersion: 1,
        git: { sha, runId, runAttempt: Number(attempt) },
        scenarios: (rest.scenarios as Array<{ name: string; summary: Record<string, number> }>).map(s => ({
          name: s.name,
          metrics: s.summary,
          rounds: [{ round: 1, metrics: s.summary }]
        }))
      }
    }
  }
}

describe('record migrations', () => {
  it('version 1 is the only format so far: the shipped table is empty', () => {
    expect(BASELINE_SCHEMA_VERSION).toBe(1)
    expect(Object.keys(MIGRATIONS)).toEqual([])
  })

  it('migrates an older record in memory through the given table', () => {
    const v1 = sampleRecord({ runId: '42', attempt: 3 })
    const text = JSON.stringify(versionZero(v1))
    const migrated = parseRecord(text, 'v1/runs/x/42-3-abc.json', zeroToOne)
    expect(migrated.schemaVersion).toBe(1)
    expect(migrated.git).toEqual({ sha: v1.git.sha, runId: '42', runAttempt: 3 })
    expect(migrated.scenarios[0]!.metrics).toEqual(v1.scenarios[0]!.metrics)
    expect(migrated.scenarios[0]!.rounds).toHaveLength(1)
    // the shipped table knows no version 0: such a record is corrupt, skipped with its path named
    expect(() => parseRecord(text, 'v1/runs/x/42-3-abc.json')).toThrow(
      new CorruptRecordError('v1/runs/x/42-3-abc.json', 'unknown baseline schema version 0')
    )
  })

  it('a version past the table is a clear error; a missing or unknown one is a corrupt record with its path', () => {
    const v1 = sampleRecord()
    const future = JSON.stringify({ ...v1, schemaVersion: 2, tool: { name: 'perfgate', version: '2.0.0' } })
    expect(() => parseRecord(future, 'v1/runs/f/1-1-abc.json', zeroToOne)).toThrow(NewerBaselineError)
    expect(() => parseRecord(future, 'v1/runs/f/1-1-abc.json', zeroToOne)).toThrow(
      /^v1\/runs\/f\/1-1-abc\.json uses baseline schema version 2, written by perfgate 2\.0\.0; this perfgate \(.+\) reads up to version 1: upgrade perfgate/
    )
    const { schemaVersion: _, ...unversioned } = v1
    for (const [text, reason] of [
      [JSON.stringify(unversioned), 'has no valid schemaVersion'],
      [JSON.stringify({ ...v1, schemaVersion: -1 }), 'has no valid schemaVersion'],
      [JSON.stringify({ ...v1, schemaVersion: 0.5 }), 'has no valid schemaVersion']
    ] as const) {
      expect(() => parseRecord(text, 'v1/runs/m/1-1-abc.json', zeroToOne)).toThrow(
        new CorruptRecordError('v1/runs/m/1-1-abc.json', reason)
      )
    }
    // a table with a gap: version 0 has no step to version 1
    const gap: RecordFormat = { version: 2, migrations: { 1: d => ({ ...d, schemaVersion: 2 }) } }
    expect(() => migrateRecord({ schemaVersion: 0 }, 'v1/runs/g/1-1-abc.json', gap)).toThrow(
      /^v1\/runs\/g\/1-1-abc\.json: unknown baseline schema version 0$/
    )
    expect(migrateRecord({ schemaVersion: 1, kept: true }, 'p', gap)).toEqual({
      schemaVersion: 2,
      kept: true
    })
  })

  it('a step that does not raise the version is a bug, not an endless loop', () => {
    const stuck: RecordFormat = { version: 1, migrations: { 0: d => ({ ...d }) } }
    expect(() => migrateRecord({ schemaVersion: 0 }, 'p', stuck)).toThrow(
      /migration of baseline schema version 0 did not raise the version/
    )
  })
})
