import { describe, expect, it } from '@jest/globals'
import {
  BASELINE_SCHEMA_VERSION,
  CorruptRecordError,
  MIGRATIONS,
  NewerBaselineError,
  STORE_LAYOUT_VERSION,
  StoreError,
  checkMeta,
  migrateRecord,
  newMeta,
  parseRecord,
  recordFromReport,
  recordPath,
  serializeRecord,
  type BaselineRecord,
  type RecordFormat
} from '../../src/baseline/record.js'
import { aggregateRounds } from '../../src/compare/aggregate.js'
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
      /upgrade perfgate \(store written by perfgate 3\.0\.0\)/
    )
    expect(() => checkMeta('nope', 'meta.json')).toThrow(StoreError)
  })
})

/** A version 1 round's metrics as perfgate wrote them: `rps` over 2 s, every response a 200. */
function allOk(rps: number): Record<string, number> {
  return {
    'throughput.rps': rps,
    'requests.total': rps * 2,
    'status.4xx': 0,
    'status.5xx': 0,
    'status.unexpected': 0,
    'errors.total': 0,
    'errors.connect': 0,
    'errors.timeout': 0,
    'errors.reset': 0,
    'errors.rate': 0
  }
}

/** A version 1 record (before throughput.ok_rps) of one scenario with these rounds. */
function versionOne(rounds: Array<Record<string, number>>): Record<string, unknown> {
  const record = sampleRecord()
  const metrics = aggregateRounds(rounds)
  return {
    ...record,
    schemaVersion: 1,
    scenarios: [{ name: 'get', metrics, rounds: rounds.map((m, i) => ({ round: i + 1, metrics: m })) }]
  }
}

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
  it('the shipped table leads from version 1 to the version this perfgate writes', () => {
    expect(BASELINE_SCHEMA_VERSION).toBe(2)
    expect(Object.keys(MIGRATIONS)).toEqual(['1'])
    expect(sampleRecord().schemaVersion).toBe(BASELINE_SCHEMA_VERSION)
    expect(newMeta().schemaVersion).toBe(STORE_LAYOUT_VERSION)
  })

  it('version 1 to 2: throughput.ok_rps from the stored counts, exact without failed statuses', () => {
    const path = 'v1/runs/x/1-1-abc.json'
    const migrated = parseRecord(JSON.stringify(versionOne([allOk(1000), allOk(1200)])), path)
    expect(migrated.schemaVersion).toBe(2)
    expect(migrated.scenarios[0]!.rounds.map(r => r.metrics['throughput.ok_rps'])).toEqual([1000, 1200])
    expect(migrated.scenarios[0]!.metrics['throughput.ok_rps']).toBe(1100)
    expect(migrated.scenarios[0]!.metrics['throughput.rps']).toBe(1100)
  })

  it('version 1 to 2: failed statuses lower throughput.ok_rps, as they lower it in a version 2 run', () => {
    // 5% fast 500s at the same rps as an all-200 round: ok_rps falls by 5%, as toMetrics says today
    const failing = { ...allOk(1000), 'status.5xx': 100, 'errors.total': 100, 'errors.rate': 0.05 }
    const migrated = parseRecord(JSON.stringify(versionOne([allOk(1000), failing])), 'p.json')
    const [ok, fiveXx] = migrated.scenarios[0]!.rounds.map(r => r.metrics['throughput.ok_rps'])
    expect(ok).toBe(1000)
    expect(fiveXx).toBeCloseTo(950, 9)
    expect(migrated.scenarios[0]!.metrics['throughput.ok_rps']).toBeCloseTo(975, 9)
  })

  it('version 1 to 2: expected error statuses count as successes unless other transport errors blur them', () => {
    // 300 responses were 404s the request expected: not failed (errors.total says so), so ok_rps = rps
    const expected404 = { ...allOk(1000), 'status.4xx': 300, 'errors.total': 0 }
    // with 5 unexplained transport errors, 5 of the 404s count as failed: documented, at most that many
    const blurred = { ...allOk(1000), 'status.4xx': 300, 'errors.total': 5 }
    const rounds = parseRecord(JSON.stringify(versionOne([expected404, blurred])), 'p.json').scenarios[0]!
      .rounds
    expect(rounds[0]!.metrics['throughput.ok_rps']).toBe(1000)
    expect(rounds[1]!.metrics['throughput.ok_rps']).toBeCloseTo(997.5, 9)
  })

  it("version 1 to 2: a suite's throughput figures count successes too; a round without counts is left as is", () => {
    const knee = { ...allOk(1000), 'status.5xx': 200, 'errors.total': 200, 'sweep.optimal_rps': 1000 }
    const migrated = parseRecord(JSON.stringify(versionOne([knee, { 'throughput.rps': 900 }])), 'p.json')
    const [first, second] = migrated.scenarios[0]!.rounds.map(r => r.metrics)
    expect(first!['sweep.optimal_rps']).toBeCloseTo(900, 9)
    expect(first!['throughput.ok_rps']).toBeCloseTo(900, 9)
    expect(second).toEqual({ 'throughput.rps': 900 })
  })

  it('version 1 to 2: a malformed version 1 record is still a corrupt record, named, not a crash', () => {
    const base = versionOne([allOk(1000)])
    for (const scenarios of ['x', [null], [{ name: 'get', metrics: 5, rounds: [null, { metrics: 'x' }] }]]) {
      expect(() => parseRecord(JSON.stringify({ ...base, scenarios }), 'v1/runs/b/1-1-abc.json')).toThrow(
        CorruptRecordError
      )
    }
  })

  it('a version 2 record is written and read back unchanged, and a version 3 one is refused', () => {
    const record = recordFromReport(
      report({
        config: { file: 'perfgate.yml', hash: 'abcdef0123456789' },
        scenarios: [
          scenarioReport({
            runs: [{ side: 'head', round: 1, metrics: { 'throughput.rps': 10, 'throughput.ok_rps': 9 } }]
          })
        ]
      }),
      { sha: 'd'.repeat(40), runId: '5', runAttempt: 1 }
    )
    expect(record.schemaVersion).toBe(2)
    expect(parseRecord(serializeRecord(record), 'p.json')).toEqual(record)
    const future = JSON.stringify({ ...record, schemaVersion: 3 })
    expect(() => parseRecord(future, 'p.json')).toThrow(NewerBaselineError)
    expect(() => parseRecord(future, 'p.json')).toThrow(/reads up to version 2: upgrade perfgate/)
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
      /^v1\/runs\/f\/1-1-abc\.json uses baseline schema version 2; this perfgate \(.+\) reads up to version 1: upgrade perfgate \(record written by perfgate 2\.0\.0\)$/
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
