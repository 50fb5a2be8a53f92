import { describe, expect, it } from '@jest/globals'
import reportSchema from '../../schema/report.schema.json' with { type: 'json' }
import { report, scenarioReport } from '../../__fixtures__/report.js'
import type { MergeProblem, NoteData, NoteKind } from '../../src/model/note.js'
import { mergeProblemMessage } from '../../src/report/merge-notes.js'
import { noteFields, noteItems, noteMessage, wordNote } from '../../src/report/notes.js'
import { reportProblems } from '../../src/report/validate.js'

/** One note of every kind, with the sentence report/notes.ts gives it. */
const EXAMPLES: Record<NoteKind, [NoteData, string]> = {
  'base-dropped': [
    { kind: 'base-dropped', count: 2, unit: 'epoch' },
    '2 base epoch(s) errored and were not counted as data'
  ],
  'head-lagged': [
    { kind: 'head-lagged', count: 1, unit: 'round' },
    '1 head round(s) were not counted as data: the load generator fell behind its schedule there (a busy runner), which says nothing about the head'
  ],
  'no-regression-checks': [
    { kind: 'no-regression-checks' },
    'no regression checks configured: changes are reported, nothing is decided'
  ],
  'runner-noise': [
    {
      kind: 'runner-noise',
      metric: 'throughput.rps',
      rounds: 4,
      roundSpread: 0.12,
      projectedSpread: 0.06,
      tolerance: 0.05
    },
    'runner noise: the 4 base rounds alone (A/A) vary ±12% round to round in throughput.rps, a noise floor of ±6% over 4 rounds, wider than its 5% tolerance: on this runner a change that small cannot be told from noise'
  ],
  'head-errored': [
    { kind: 'head-errored', after: 3, unit: 'round pair', scenario: 'get' },
    'stopped after round pair 3: the head errored in get'
  ],
  confirmation: [
    {
      kind: 'confirmation',
      ran: 1,
      planned: 2,
      unit: 'epoch',
      outcome: 'cut-short',
      stop: 'stop-budget'
    },
    'confirmation was cut short: only 1 of the 2 extra epochs ran before the time budget ran out'
  ],
  stopped: [
    { kind: 'stopped', stop: 'stop-max-rounds', unit: 'epoch' },
    'the maximum number of epochs was reached'
  ],
  restarted: [
    { kind: 'restarted', side: 'base', scenario: 'get', rounds: [2, 4] },
    'the base service had exited and was restarted before get (rounds 2, 4)'
  ],
  'fresh-after-stress': [
    { kind: 'fresh-after-stress' },
    'the scenario after a stress suite ran against a fresh service process in every round'
  ],
  'epoch-cpu': [
    { kind: 'epoch-cpu' },
    'server.cpu.mean and server.cpu.peak span the whole epoch, in which each service was loaded only during its own slices; server.cpu.per_request compares like for like'
  ],
  remeasured: [
    { kind: 'remeasured', round: 2, scenarios: ['get', 'put'] },
    'round 2 was measured again (one round per run at most): the load generator fell behind its schedule in get, put, which one pause of the machine also causes; a generator that falls behind again errors the scenario'
  ],
  'service-restarted': [
    { kind: 'service-restarted', scenario: 'get' },
    'the service was restarted before get because it had exited'
  ],
  'running-target': [
    { kind: 'running-target' },
    "a running target: measured at the scenarios' URLs with no process started, so no server.* metrics; absolute limits and the stored baseline only"
  ],
  rounds: [
    { kind: 'rounds', rounds: 3, target: false },
    '3 rounds per scenario, each against a fresh service process'
  ],
  'timeouts-left-out': [
    { kind: 'timeouts-left-out', head: 2, base: 1 },
    'the latency percentiles leave out 3 requests that timed out (head 2, base 1): they count in errors.rate, and a request that never answered does not make p99 faster'
  ],
  'connections-reset': [
    { kind: 'connections-reset', head: 1 },
    'the service reset the connection of 1 request: they count in errors.rate, which stayed within max-error-rate'
  ],
  'start-error': [{ kind: 'start-error', failed: 'stopped' }, 'a service could not be stopped'],
  design: [
    { kind: 'design', design: 'slices', why: 'too-few-cores', sliceMs: 500, cores: 2, duetCores: 4 },
    'design: fine interleaving: base and head up at once on their own ports, the load alternating between them in 500 ms slices in randomized ABBA blocks, fresh processes each epoch; 2 cores are too few for duet (4 needed)'
  ],
  cpus: [
    { kind: 'cpus', service: [1], generator: 0 },
    'CPUs: the service ran on CPU 1 (taskset), leaving CPU 0 to the load generator'
  ],
  'base-source': [
    { kind: 'base-source', source: 'merge-base', sha: '0123456789abcdef0123' },
    'base built from the merge-base 0123456789ab in a git worktree'
  ],
  'history-anomaly': [
    { kind: 'history-anomaly', metric: 'latency.p99', value: 41.23456, z: 3.4, runs: 12, mean: 20, sd: 6.25 },
    'history: latency.p99 41.23 is 3.4 SD above the last 12 stored runs (mean 20 ± 6.25)'
  ],
  'not-profiled': [
    { kind: 'not-profiled', why: 'budget', scenarios: ['c', 'd'], stepMs: 20_000, budgetMs: 45_000 },
    'not profiled: c, d (one more profiling step of about 20 s would pass the compare budget of 45 s); raise compare.budget to profile them too'
  ],
  'off-cpu': [
    { kind: 'off-cpu' },
    "latency rose but the head's CPU per request did not: the time went to waiting (I/O, a lock, a timer, a slower dependency), which a CPU profile cannot see; trace the waits with another tool"
  ],
  'profiled-service': [
    { kind: 'profiled-service', side: 'base', problem: 'start', error: 'exited with code 1' },
    'the base service could not be started for profiling: exited with code 1'
  ],
  'profile-capture': [
    { kind: 'profile-capture', side: 'head', problem: 'too-large', connections: 2, maxBytes: 64e6 },
    "2 connection(s) to the head service's profile channel sent more than 64 MB and were closed"
  ],
  'suite-shard': [
    { kind: 'suite-shard', index: 2, count: 3, measured: 2, suite: 5 },
    "shard 2/3: 2 of the suite's 5 scenarios; perfgate merge joins the legs' reports into one verdict"
  ],
  'load-shard': [
    { kind: 'load-shard', index: 1, count: 2, lateMs: 2500 },
    "load shard 1/2: every scenario at 1/2 of its load; perfgate merge joins the legs' histograms; this leg started 2.5 s after the shared start"
  ],
  merged: [
    { kind: 'merged', legs: 2, count: 3 },
    'merged from 2 of 3 legs of a split suite (perfgate merge)'
  ],
  'merge-problem': [
    { kind: 'merge-problem', problem: { kind: 'missing', index: 3, count: 3, uncovered: ['c'] } },
    'merge: leg 3/3 is missing: no leg measured "c" (did it fail before writing its report, or was its artifact not downloaded?)'
  ],
  'load-windows': [
    {
      kind: 'load-windows',
      from: 'earliest-start',
      spans: [
        { leg: { index: 1, count: 2, source: 'a' }, startMs: 0, endMs: 10_000 },
        { leg: { index: 2, count: 2, source: 'b' }, startMs: 250, endMs: 10_300 }
      ]
    },
    "load legs' windows from the earliest leg's start: leg 1/2 (a) +0.0 s to +10.0 s, leg 2/2 (b) +0.3 s to +10.3 s"
  ],
  'leg-note': [
    {
      kind: 'leg-note',
      leg: { index: 2, count: 2 },
      note: { kind: 'base-dropped', count: 1, unit: 'round', message: 'old words' }
    },
    'leg 2/2: 1 base round(s) errored and were not counted as data'
  ],
  'leg-baseline': [
    { kind: 'leg-baseline', leg: { index: 2, count: 2, source: 'l2' }, said: 'saved leg 2' },
    'leg 2/2 (l2): saved leg 2'
  ],
  'leg-runner': [
    { kind: 'leg-runner', leg: { index: 2, count: 2, source: 'l2' }, first: 1, mismatches: ['cores 4 vs 2'] },
    'leg 2/2 (l2) ran on a different runner kind than leg 1: cores 4 vs 2'
  ],
  'load-leg-errored': [
    { kind: 'load-leg-errored', leg: { index: 2, count: 3 } },
    'leg 2/3 errored: the joined load is not the configured load'
  ],
  'load-joined': [
    { kind: 'load-joined', legs: 3 },
    'joined from 3 load legs: latency from their summed histograms, counts and throughput added'
  ],
  'load-per-leg': [
    {
      kind: 'load-per-leg',
      legs: [
        { leg: { index: 1, count: 2 }, requests: 5000, rps: 500, p99: 12_500 },
        { leg: { index: 2, count: 2 }, requests: null, rps: null, p99: null }
      ]
    },
    'per leg: leg 1/2 requests.total 5,000, throughput.ok_rps 500 req/s, latency.p99 12.5 ms; leg 2/2 requests.total n/a, throughput.ok_rps n/a, latency.p99 n/a'
  ],
  'load-lag-per-leg': [
    { kind: 'load-lag-per-leg', legs: [{ leg: { index: 1, count: 2 }, lag: 3000 }] },
    'generator lag per leg: leg 1/2 3 ms'
  ]
}

describe('notes are data, worded in one place', () => {
  it.each(Object.entries(EXAMPLES))('%s is worded the same everywhere', (_, [data, words]) => {
    expect(noteMessage(data)).toBe(words)
    expect(wordNote(data)).toEqual({ ...data, message: words })
  })

  it('confirmation notes say what the extra steps found', () => {
    const base = { kind: 'confirmation', planned: 2, unit: 'round pair', stop: 'stop-decided' } as const
    expect(noteMessage({ ...base, ran: 2, outcome: 'confirmed' })).toBe(
      'a failing verdict was confirmed with 2 extra round pairs'
    )
    expect(noteMessage({ ...base, ran: 2, outcome: 'cleared' })).toBe(
      'a failing verdict was re-measured with 2 extra round pairs and no longer fails'
    )
  })

  it('a report keeps every note as words in notes and the typed ones beside them in noteData', () => {
    const data = EXAMPLES['start-error'][0]
    expect(noteFields(['design: rounds', data])).toEqual({
      notes: ['design: rounds', 'a service could not be stopped'],
      noteData: [{ ...data, message: 'a service could not be stopped' }]
    })
    expect(noteFields(['only prose'])).toEqual({ notes: ['only prose'] })
  })

  it("the profiling step's notes say what each side or capture lacked", () => {
    expect(
      noteMessage({ kind: 'not-profiled', why: 'no-profile', scenario: 'get', sides: ['base', 'head'] })
    ).toBe(
      'not profiled: the base and head profile of get could not be taken (see the notes above); the verdict stands'
    )
    expect(noteMessage({ kind: 'not-profiled', why: 'no-measurer' })).toBe(
      'not profiled: this measurer cannot profile'
    )
    expect(
      noteMessage({
        kind: 'profiled-service',
        side: 'head',
        problem: 'no-preload',
        perf: 'perf is not installed'
      })
    ).toBe(
      "the head service was not profiled: none of its processes loaded perfgate's Node profiler (a service that is not Node, or one that clears NODE_OPTIONS), and perf is not installed"
    )
    expect(
      noteMessage({
        kind: 'profile-capture',
        side: 'base',
        problem: 'sent-none',
        missing: 1,
        processes: 2,
        timeoutMs: 10_000
      })
    ).toBe('1 of the 2 Node processes of the base service sent no profile (exited, or busy past 10s)')
    expect(
      noteMessage({
        kind: 'profile-capture',
        side: 'head',
        problem: 'perf-wrote-nothing',
        exit: 1,
        error: 'no access'
      })
    ).toBe('perf record of the head service wrote nothing (exit 1): no access')
  })

  it('words every problem merge finds with a set of legs', () => {
    const l2 = { index: 2, count: 3, source: 'l2' }
    const problems: Record<MergeProblem['kind'], [MergeProblem, string]> = {
      unreadable: [{ kind: 'unreadable', source: 'x', why: 'no report.json' }, 'leg x: no report.json'],
      'not-a-leg': [
        { kind: 'not-a-leg', source: 'x' },
        'leg x is not a leg of a split suite (its report.json has no shard: measure it with --shard K/N)'
      ],
      foreign: [
        { kind: 'foreign', leg: l2, differs: 'commit', value: 'b'.repeat(40), others: '' },
        'leg 2/3 (l2) is from another commit (bbbbbbbbbbbb; the other legs measured none)'
      ],
      'claim-mismatch': [
        { kind: 'claim-mismatch', leg: l2, claimed: ['a'], reported: ['b'] },
        'leg 2/3 (l2) says it measured "a" but its report holds "b"; refusing it'
      ],
      duplicated: [
        { kind: 'duplicated', index: 2, count: 3, sources: ['p', 'q'] },
        "leg 2/3 is duplicated: p and q (download each leg's artifact once)"
      ],
      'load-leg-lacking': [
        { kind: 'load-leg-lacking', leg: l2, lacking: ['a', 'b'] },
        'leg 2/3 (l2) is a load leg without "a", "b"'
      ],
      'measured-twice': [
        { kind: 'measured-twice', scenario: 'a', legs: [{ index: 1, count: 3, source: 'l1' }, l2] },
        'scenario "a" was measured by both leg 1/3 (l1) and leg 2/3 (l2)'
      ],
      missing: [
        { kind: 'missing', index: 3, count: 3, uncovered: [] },
        'leg 3/3 is missing (did it fail before writing its report, or was its artifact not downloaded?)'
      ],
      'no-window': [
        { kind: 'no-window', legs: [l2] },
        'leg 2/3 (l2) recorded no measurement window, so merge cannot tell that the load legs measured together'
      ],
      'windows-apart': [
        {
          kind: 'windows-apart',
          overlap: 0.5,
          needed: 0.9,
          spans: [{ leg: l2, startMs: 30_000, endMs: 90_000 }]
        },
        "the load legs' windows overlap by 50%, under the 90% needed to join them as one load (leg 2/3 (l2) +30.0 s to +90.0 s): start them together with --start-at (action input start-at)"
      ],
      uncovered: [{ kind: 'uncovered', scenarios: ['c'] }, 'no leg measured "c", which the suite holds'],
      strays: [{ kind: 'strays', scenarios: ['z'] }, 'legs measured "z", which the suite does not hold']
    }
    for (const [problem, words] of Object.values(problems)) {
      expect(mergeProblemMessage(problem)).toBe(words)
      expect(noteMessage({ kind: 'merge-problem', problem })).toBe(`merge: ${words}`)
    }
    const kinds = (reportSchema.definitions.mergeProblem.properties.kind as { enum: string[] }).enum
    expect([...kinds].sort()).toEqual(Object.keys(problems).sort())
    const fields = noteFields(
      Object.values(problems).map(([problem]) => ({ kind: 'merge-problem' as const, problem }))
    )
    expect(reportProblems(report(fields))).toEqual([])
  })

  it("a leg's note from a report that predates noteData keeps its words", () => {
    expect(noteMessage({ kind: 'leg-note', leg: { index: 1, count: 2 }, note: 'an old note' })).toBe(
      'leg 1/2: an old note'
    )
  })

  it("noteItems gives back a report's notes as noteFields was given them", () => {
    const data = EXAMPLES['start-error'][0]
    const fields = noteFields(['prose', data, 'a service could not be stopped'])
    expect(noteItems(fields)).toEqual(['prose', wordNote(data), 'a service could not be stopped'])
    expect(noteFields(noteItems(fields))).toEqual(fields)
    expect(noteItems({ notes: ['old words'] })).toEqual(['old words'])
  })

  it('the report schema knows every kind, and a report with a note of each is valid', () => {
    const kinds = (reportSchema.definitions.note.properties.kind as { enum: string[] }).enum
    expect([...kinds].sort()).toEqual(Object.keys(EXAMPLES).sort())
    const all = Object.values(EXAMPLES).map(([data]) => data)
    const fields = noteFields(all)
    expect(reportProblems(report({ ...fields, scenarios: [scenarioReport(fields)] }))).toEqual([])
  })
})
