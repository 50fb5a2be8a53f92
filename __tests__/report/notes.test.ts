import { describe, expect, it } from '@jest/globals'
import reportSchema from '../../schema/report.schema.json' with { type: 'json' }
import { report, scenarioReport } from '../../__fixtures__/report.js'
import type { NoteData, NoteKind } from '../../src/model/note.js'
import { noteFields, noteMessage, wordNote } from '../../src/report/notes.js'
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

  it('the report schema knows every kind, and a report with a note of each is valid', () => {
    const kinds = (reportSchema.definitions.note.properties.kind as { enum: string[] }).enum
    expect([...kinds].sort()).toEqual(Object.keys(EXAMPLES).sort())
    const all = Object.values(EXAMPLES).map(([data]) => data)
    const fields = noteFields(all)
    expect(reportProblems(report({ ...fields, scenarios: [scenarioReport(fields)] }))).toEqual([])
  })
})
