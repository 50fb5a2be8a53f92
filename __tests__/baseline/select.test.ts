import { describe, expect, it } from '@jest/globals'
import { historyOf, selectBaseline } from '../../src/baseline/select.js'
import { recordPath } from '../../src/baseline/record.js'
import type { StoredRecord } from '../../src/baseline/store.js'
import { runnerFingerprint } from '../../src/report/fingerprint.js'
import { sampleRecord } from '../../__fixtures__/baseline.js'

const sha = (n: number) => String(n).repeat(40).slice(0, 40)
const stored = (...args: Parameters<typeof sampleRecord>): StoredRecord => {
  const record = sampleRecord(...args)
  return { path: recordPath(record), record }
}
const runner = runnerFingerprint()
const HASH = 'abcdef0123456789'
const now = new Date('2026-11-21T10:00:00.000Z')

describe('selectBaseline', () => {
  it('picks, per scenario, the record of the same leg, or any record of that commit that holds the scenario', () => {
    const leg = (name: string, scenarios: string[], createdAt: string): StoredRecord => {
      const record = sampleRecord({ sha: sha(1), hash: HASH, createdAt })
      record.git.leg = name
      record.scenarios = scenarios.map(s => ({ ...record.scenarios[0]!, name: s }))
      return { path: recordPath(record), record }
    }
    const a = leg('a', ['list', 'create'], '2026-11-20T10:00:00.000Z')
    const b = leg('b', ['list', 'search'], '2026-11-20T11:00:00.000Z')
    expect(a.path).not.toBe(b.path)
    const pick = (name?: string) =>
      selectBaseline({ records: [a, b], ancestors: [sha(1)], configHash: HASH, runner, now, leg: name })
    const forA = pick('a')
    const forB = pick('b')
    if (!forA.found || !forB.found) throw new Error('no baseline')
    expect(forA.stored).toBe(a)
    expect(forA.perScenario).toEqual({ list: a, create: a, search: b })
    expect(forB.stored).toBe(b)
    expect(forB.perScenario).toEqual({ list: b, search: b, create: a })
    expect(forB.description).toContain('leg b (and 1 other record of that commit for scenarios it lacks)')
    const other = pick('c')
    if (!other.found) throw new Error('no baseline')
    expect(other.stored).toBe(b)
  })

  it('takes the nearest ancestor with a run of the same config, newest attempt first', () => {
    const records = [
      stored({ sha: sha(3), hash: HASH }),
      stored({ sha: sha(2), hash: HASH, attempt: 1, createdAt: '2026-11-20T10:00:00.000Z' }),
      stored({ sha: sha(2), hash: HASH, attempt: 2, createdAt: '2026-11-20T11:00:00.000Z' }),
      stored({ sha: sha(1), hash: 'ffffff0000000000' })
    ]
    const choice = selectBaseline({
      records,
      ancestors: [sha(1), sha(2), sha(3)],
      configHash: HASH,
      runner,
      now
    })
    expect(choice.found).toBe(true)
    if (!choice.found) return
    expect(choice.stored.record.git).toMatchObject({ sha: sha(2), runAttempt: 2 })
    expect(choice.distance).toBe(1)
    expect(choice.mismatches).toEqual([])
    expect(choice.description).toBe(
      `baseline: ${sha(2).slice(0, 12)} (1 commit before the merge-base), run 100 attempt 2, 23 h old; same runner kind`
    )
  })

  it('names a runner mismatch', () => {
    const records = [stored({ sha: sha(1), hash: HASH, cores: runner.cores + 2 })]
    const choice = selectBaseline({ records, ancestors: [sha(1)], configHash: HASH, runner, now })
    expect(choice.found && choice.mismatches).toEqual([`cores: ${runner.cores} vs ${runner.cores + 2}`])
  })

  it('says why there is none: empty store, other config, no ancestor', () => {
    const base = { ancestors: [sha(1)], configHash: HASH, runner, now }
    expect(selectBaseline({ ...base, records: [] })).toEqual({
      found: false,
      reason: 'the baseline store has no records yet'
    })
    const other = selectBaseline({ ...base, records: [stored({ sha: sha(1), hash: 'ffffff0000000000' })] })
    expect(!other.found && other.reason).toMatch(
      /no stored baseline for this config \(hash abcdef0123456789\)/
    )
    const far = selectBaseline({ ...base, records: [stored({ sha: sha(9), hash: HASH })] })
    expect(!far.found && far.reason).toMatch(/none of the 1 commits searched back/)
  })

  it('history keeps the same config on the same runner kind, oldest first', () => {
    const records = [
      stored({ sha: sha(2), hash: HASH, createdAt: '2026-11-20T12:00:00.000Z' }),
      stored({ sha: sha(1), hash: HASH, createdAt: '2026-11-19T12:00:00.000Z' }),
      stored({ sha: sha(3), hash: HASH, cores: runner.cores + 1 }),
      stored({ sha: sha(4), hash: 'ffffff0000000000' })
    ]
    expect(historyOf(records, HASH, runner).map(r => r.record.git.sha)).toEqual([sha(1), sha(2)])
  })
})
