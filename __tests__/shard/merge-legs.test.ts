import { describe, expect, it } from '@jest/globals'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { check, report, scenarioReport } from '../../__fixtures__/report.js'
import { exampleConfig } from '../../__fixtures__/config.js'
import { configHash } from '../../src/config/load.js'
import { overallVerdict } from '../../src/compare/verdict.js'
import { mergeLegReports, MergeError, type LegInput } from '../../src/shard/merge-legs.js'
import type { Report } from '../../src/model/report.js'
import type { ScenarioReport } from '../../src/model/scenario.js'
import { reportProblems } from '../../src/report/validate.js'
import { writeReportFiles } from '../../src/report/write.js'
import { renderJunit } from '../../src/report/junit.js'
import { renderOpenMetrics } from '../../src/report/openmetrics.js'
import { stampLeg } from '../../src/shard/identity.js'
import { noteFields, wordNote } from '../../src/report/notes.js'
import { shardScenarios } from '../../src/shard/split.js'

const SHA = 'a'.repeat(40)
const config = exampleConfig(9, [
  { name: 'delta' },
  { name: 'alpha' },
  { name: 'charlie' },
  { name: 'bravo' }
])

/** The recorded result of each scenario: the same data whichever leg measures it. */
const recorded: Record<string, ScenarioReport> = {
  alpha: scenarioReport({ name: 'alpha' }),
  bravo: scenarioReport({
    name: 'bravo',
    verdict: 'fail',
    checks: [check({ verdict: 'fail', message: 'latency.p95 61 ms is over the limit 50 ms', actual: 61_000 })]
  }),
  charlie: scenarioReport({
    name: 'charlie',
    verdict: 'warn',
    checks: [check({ verdict: 'warn', severity: 'warn' })]
  }),
  delta: scenarioReport({ name: 'delta' })
}

function leg(index: number, count: number, overrides: Partial<Report> = {}): Report {
  const names = shardScenarios(config, { index, count })
  const scenarios = names.map(n => recorded[n]!)
  const r = report({
    verdict: overallVerdict(scenarios),
    scenarios,
    git: { sha: SHA },
    durationMs: 1000 * index,
    notes: ['same note on every leg'],
    ...overrides
  })
  return stampLeg(r, config, { index, count })
}

const legs = (count: number) =>
  Array.from({ length: count }, (_, i): LegInput => ({
    source: `legs/perf-${i + 1}`,
    report: leg(i + 1, count)
  }))

describe('perfgate merge', () => {
  it('a 4-scenario suite as 1, 2 and 3 legs merges to the same scenario set and the same verdict', () => {
    const whole = mergeLegReports(legs(1))
    expect(whole.scenarios.map(s => s.name)).toEqual(['delta', 'alpha', 'charlie', 'bravo'])
    expect(whole.verdict).toBe('fail')
    for (const count of [2, 3]) {
      const merged = mergeLegReports(legs(count))
      expect(merged.scenarios.map(s => s.name)).toEqual(whole.scenarios.map(s => s.name))
      expect(merged.scenarios.map(s => s.verdict)).toEqual(whole.scenarios.map(s => s.verdict))
      expect(merged.verdict).toBe(whole.verdict)
      expect(merged.headline).toBe(whole.headline)
      expect(merged.merge?.problems).toEqual([])
      expect(merged.merge?.legs.map(l => `${l.index}/${l.count}`)).toEqual(
        Array.from({ length: count }, (_, i) => `${i + 1}/${count}`)
      )
      expect(merged.config.hash).toBe(configHash(config))
      expect(merged.shard).toBeUndefined()
      // the legs ran side by side
      expect(merged.durationMs).toBe(1000 * count)
      // but each held a runner: the cost is the sum of their wall times (1 + 2 + ... + count seconds)
      expect(merged.cost).toEqual({ runnerMs: (1000 * count * (count + 1)) / 2, legs: count })
      expect(merged.notes).toContain('same note on every leg')
      expect(reportProblems(merged)).toEqual([])
    }
  })

  it('what each leg compared with or stored in the baseline store stays in the merged report', () => {
    const baseline = (n: number) => ({
      store: 'branch perfgate-baselines of origin',
      state: 'none' as const,
      message: 'nothing to compare with',
      saved: {
        saved: true,
        path: `v1/runs/${SHA}/1-1-perf-shard-${n}-of-2-x.json`,
        message: `saved leg ${n}`
      }
    })
    const merged = mergeLegReports([
      { source: 'l1', report: leg(1, 2, { baseline: baseline(1) }) },
      { source: 'l2', report: leg(2, 2, { baseline: baseline(2) }) }
    ])
    expect(merged.baseline?.saved?.message).toBe('saved leg 1')
    expect(merged.notes).toContain('leg 2/2 (l2): nothing to compare with; saved leg 2')
  })

  it("merge's notes are data: each leg's own note travels as its data, or as words from an older leg", () => {
    const dropped = { kind: 'base-dropped', count: 1, unit: 'round' } as const
    const withData = leg(1, 2, noteFields(['same note on every leg', dropped]))
    // a leg whose report predates noteData: its notes are words only, its stamp too
    const older = leg(2, 2, { notes: ['same note on every leg', 'a note of its own'] })
    const legacy: Report = { ...older, notes: older.notes }
    delete legacy.noteData
    const merged = mergeLegReports([
      { source: 'l1', report: withData },
      { source: 'l2', report: legacy }
    ])
    expect(merged.notes).toEqual([
      'merged from 2 of 2 legs of a split suite (perfgate merge)',
      'same note on every leg',
      'leg 1/2: 1 base round(s) errored and were not counted as data',
      'leg 2/2: a note of its own'
    ])
    const data = merged.noteData!.map(({ message: _, ...n }) => n)
    expect(data).toEqual([
      { kind: 'merged', legs: 2, count: 2 },
      { kind: 'leg-note', leg: { index: 1, count: 2 }, note: wordNote(dropped) },
      { kind: 'leg-note', leg: { index: 2, count: 2 }, note: 'a note of its own' }
    ])
    expect(withData.noteData).toContainEqual(
      expect.objectContaining({ kind: 'suite-shard', index: 1, count: 2, measured: 2, suite: 4 })
    )
    expect(reportProblems(merged)).toEqual([])
  })

  it('a leg carries its identity: K/N, its scenarios, the whole config hash, runner and commit', () => {
    const r = leg(2, 3)
    expect(r.shard).toEqual({
      kind: 'suite',
      index: 2,
      count: 3,
      scenarios: ['bravo'],
      suite: ['delta', 'alpha', 'charlie', 'bravo']
    })
    expect(r.config.hash).toBe(configHash(config))
    expect(r.git?.sha).toBe(SHA)
    expect(r.runner.cores).toBe(2)
    expect(reportProblems(r)).toEqual([])
  })

  it('a missing leg is errored, naming the leg and the scenarios nobody measured', () => {
    const three = legs(3)
    const merged = mergeLegReports([three[0]!, three[2]!])
    expect(merged.verdict).toBe('errored')
    expect(merged.merge?.problems).toEqual([
      expect.stringMatching(/^leg 2\/3 is missing: no leg measured "bravo"/)
    ])
    expect(merged.headline).toMatch(/^perfgate errored: merge: leg 2\/3 is missing/)
    expect(merged.noteData?.[0]).toMatchObject({
      kind: 'merge-problem',
      problem: { kind: 'missing', index: 2, count: 3, uncovered: ['bravo'] }
    })
    // even when every leg that came passed
    const passing = mergeLegReports([
      { source: 'a', report: leg(1, 3) },
      { source: 'c', report: leg(3, 3) }
    ])
    expect(passing.scenarios.every(s => s.verdict !== 'errored')).toBe(true)
    expect(passing.verdict).toBe('errored')
  })

  it('junit.xml and metrics.prom of an errored merge say so, even when every scenario it holds passed', () => {
    const merged = mergeLegReports([
      { source: 'a', report: leg(1, 3) },
      { source: 'c', report: leg(3, 3) }
    ])
    const junit = renderJunit(merged)
    expect(junit).toMatch(/<testsuites name="perfgate run" tests="\d+" failures="\d+" errors="1"/)
    expect(junit).toContain('<error message="leg 2/3 is missing: no leg measured &quot;bravo&quot;')
    expect(renderOpenMetrics(merged)).toContain('perfgate_merge_problems 1\n')
    expect(renderOpenMetrics(mergeLegReports(legs(2)))).toContain('perfgate_merge_problems 0\n')
  })

  it('a leg of another config hash or another commit is errored, naming the leg', () => {
    const two = legs(2)
    const otherConfig = mergeLegReports([
      two[0]!,
      { source: 'legs/perf-2', report: { ...leg(2, 2), config: { file: 'perfgate.yml', hash: 'ffff' } } }
    ])
    expect(otherConfig.verdict).toBe('errored')
    expect(otherConfig.merge?.problems[0]).toMatch(
      /^leg 2\/2 \(legs\/perf-2\) is from another config \(hash ffff; the other legs have [0-9a-f]{16}\)/
    )
    const otherCommit = mergeLegReports([
      ...two,
      { source: 'legs/old-1', report: leg(1, 2, { git: { sha: 'b'.repeat(40) } }) }
    ])
    expect(otherCommit.verdict).toBe('errored')
    expect(otherCommit.merge?.problems).toEqual([
      `leg 1/2 (legs/old-1) is from another commit (${'b'.repeat(12)}; the other legs measured ${'a'.repeat(12)})`
    ])
    expect(otherCommit.noteData?.[0]).toMatchObject({
      kind: 'merge-problem',
      problem: {
        kind: 'foreign',
        leg: { index: 1, count: 2, source: 'legs/old-1' },
        differs: 'commit',
        value: 'b'.repeat(40),
        others: 'a'.repeat(40)
      }
    })
  })

  it('a duplicated leg is errored, naming both copies', () => {
    const two = legs(2)
    const merged = mergeLegReports([...two, { source: 'again/perf-2', report: leg(2, 2) }])
    expect(merged.verdict).toBe('errored')
    expect(merged.merge?.problems).toEqual([
      "leg 2/2 is duplicated: legs/perf-2 and again/perf-2 (download each leg's artifact once)"
    ])
    expect(merged.scenarios.map(s => s.name).sort()).toEqual(['alpha', 'bravo', 'charlie', 'delta'])
  })

  it('an unreadable leg, a report without a shard, or a leg whose claim and results differ are errored', () => {
    const two = legs(2)
    const unreadable = mergeLegReports([
      two[0]!,
      { source: 'legs/perf-2', problem: 'no report.json in legs/perf-2' }
    ])
    expect(unreadable.verdict).toBe('errored')
    expect(unreadable.merge?.problems[0]).toBe('leg legs/perf-2: no report.json in legs/perf-2')
    const plain = mergeLegReports([...two, { source: 'single', report: report() }])
    expect(plain.merge?.problems[0]).toMatch(/^leg single is not a leg of a split suite/)
    const lying = leg(2, 2)
    lying.scenarios = lying.scenarios.slice(0, 1)
    const claimed = mergeLegReports([two[0]!, { source: 'legs/perf-2', report: lying }])
    expect(claimed.merge?.problems[0]).toMatch(
      /^leg 2\/2 \(legs\/perf-2\) says it measured "delta", "bravo" but its report holds "delta"/
    )
  })

  it('no usable leg at all is a MergeError naming them', () => {
    expect(() => mergeLegReports([{ source: 'x', problem: 'no report.json in x' }])).toThrow(MergeError)
    expect(() => mergeLegReports([])).toThrow(/no leg to merge/)
  })

  it('the merged report goes through the real builders: json, html, summary, junit, metrics', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-merge-'))
    try {
      const files = await writeReportFiles(mergeLegReports(legs(3)), dir)
      const json = JSON.parse(await readFile(files.json, 'utf8')) as Report
      expect(reportProblems(json)).toEqual([])
      for (const name of ['delta', 'alpha', 'charlie', 'bravo']) {
        expect(await readFile(files.html, 'utf8')).toContain(name)
        expect(await readFile(files.junit, 'utf8')).toContain(name)
        expect(await readFile(files.summary, 'utf8')).toContain(name)
        expect(await readFile(files.metrics, 'utf8')).toContain(name)
      }
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
