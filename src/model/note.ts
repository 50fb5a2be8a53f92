import type { Side } from './run.js'

/** What one step of the compare loop is: a round pair (the rounds design) or an epoch (slices, duet). */
export type StepUnit = 'round pair' | 'epoch'

/** Why the compare loop stopped: one of the decision rule's stops, or an errored head measurement. */
export type StopReason =
  'stop-decided' | 'stop-budget' | 'stop-max-rounds' | 'stop-catastrophic' | 'stop-head-errored'

/**
 * A note as data (like a check's CheckData): what the gate observed, a kind and its numbers; report/notes.ts words
 * it, the one place that does, and the report carries both (the words in `notes`, the data in `noteData`).
 */
export type NoteData =
  /** errored base rounds (or epochs) left out of the data */
  | { kind: 'base-dropped'; count: number; unit: 'round' | 'epoch' }
  /** head rounds (or epochs) left out because the load generator fell behind its schedule */
  | { kind: 'head-lagged'; count: number; unit: 'round' | 'epoch' }
  | { kind: 'no-regression-checks' }
  /** an undecided check whose base rounds alone (A/A) spread wider than its tolerance */
  | {
      kind: 'runner-noise'
      metric: string
      rounds: number
      roundSpread: number
      projectedSpread: number
      tolerance: number
    }
  /** the loop stopped after `after` steps because the head errored in `scenario` */
  | { kind: 'head-errored'; after: number; unit: StepUnit; scenario: string }
  /** what the confirmation steps of a failing verdict did: `ran` of `planned` */
  | {
      kind: 'confirmation'
      ran: number
      planned: number
      unit: StepUnit
      outcome: 'confirmed' | 'cleared' | 'cut-short'
      stop: StopReason
    }
  /** why the loop stopped (a head error has its own note) */
  | { kind: 'stopped'; stop: Exclude<StopReason, 'stop-head-errored'>; unit: StepUnit }
  /** a side's service had exited and was started again before a scenario, in these rounds */
  | { kind: 'restarted'; side: Side; scenario: string; rounds: number[] }
  | { kind: 'fresh-after-stress' }
  /** slices and duet: server.cpu.mean and .peak span the whole epoch */
  | { kind: 'epoch-cpu' }
  /** perfgate run: the round (none: the one round of the run) measured again after the generator fell behind in `scenarios` */
  | { kind: 'remeasured'; round?: number; scenarios: string[] }
  /** perfgate run: the service had exited and was started again before a scenario */
  | { kind: 'service-restarted'; scenario: string }
  | { kind: 'running-target' }
  /** perfgate run --rounds N */
  | { kind: 'rounds'; rounds: number; target: boolean }
  /** requests the latency percentiles leave out because they timed out (base: in a comparison) */
  | { kind: 'timeouts-left-out'; head: number; base?: number }
  /** requests whose connection the service reset, within max-error-rate (base: in a comparison) */
  | { kind: 'connections-reset'; head: number; base?: number }
  /** a service could not be started (or stopped: it held its TCP port) */
  | { kind: 'start-error'; failed: 'started' | 'stopped' }
  /** which comparison design ran, and why */
  | DesignNote
  /** where the service and the load generator ran: `service` empty means they shared the CPUs, for `shared` */
  | { kind: 'cpus'; service: number[]; generator?: number; shared?: 'requested' | 'one-cpu' | 'no-taskset' }
  /** where the base was built: a directory given, or the merge-base in a git worktree */
  | { kind: 'base-source'; source: 'directory'; dir: string }
  | { kind: 'base-source'; source: 'merge-base'; sha: string }
  /** the head's value is `z` standard deviations from the mean of the last `runs` stored runs */
  | {
      kind: 'history-anomaly'
      metric: string
      value: number
      z: number
      runs: number
      mean: number
      sd: number
    }
  | ProfileNote
  | MergeNote

/** The comparison design's note: rounds (and why not slices), slices (and why not duet), or duet. */
export type DesignNote =
  | { kind: 'design'; design: 'rounds'; why: 'requested' }
  | { kind: 'design'; design: 'rounds'; why: 'fixed-port' }
  | { kind: 'design'; design: 'rounds'; why: 'suite'; scenario: string; suiteKind: string }
  | {
      kind: 'design'
      design: 'slices'
      why: 'requested' | 'duet-needs-cores' | 'too-few-cores'
      sliceMs: number
      cores: number
      duetCores: number
    }
  | { kind: 'design'; design: 'duet'; sliceMs: number; cores: number; base: number[]; head: number[] }

/**
 * What the profiling step after the verdict observed (gate/profile-after-verdict.ts, measure/profiling.ts and the captures of
 * profile/): why a scenario or a side was not profiled, and what a capture left out. They stand in the report's
 * notes (nothing profiled) or in its profile's (model/profile.ts's ProfileReport), worded by report/profile-notes.ts.
 */
export type ProfileNote =
  /** no profile of any scenario: a running target, or a measurer without a profiling step */
  | { kind: 'not-profiled'; why: 'running-target' | 'no-measurer' }
  /** the `sides` of `scenario` that could not be profiled (the notes before it say why) */
  | { kind: 'not-profiled'; why: 'no-profile'; scenario: string; sides: Side[] }
  /** `scenarios` left out: one more step of about `stepMs` would pass the compare budget */
  | { kind: 'not-profiled'; why: 'budget'; scenarios: string[]; stepMs: number; budgetMs: number }
  /** latency rose but the head's CPU per request did not */
  | { kind: 'off-cpu' }
  /** a side's profiled service: could not be started or stopped (`error`), exited, or had no profiler attached */
  | { kind: 'profiled-service'; side: Side; problem: 'start' | 'stop'; error: string }
  | { kind: 'profiled-service'; side: Side; problem: 'exited' | 'perf-attach' }
  /** no process loaded the Node profiler and perf cannot record: `perf` says why */
  | { kind: 'profiled-service'; side: Side; problem: 'no-preload'; perf: string }
  /** what a side's capture left out (Node's profile channel, or perf record) */
  | { kind: 'profile-capture'; side: Side; problem: 'left-out'; file: string; error: string }
  | {
      kind: 'profile-capture'
      side: Side
      problem: 'sent-none'
      missing: number
      processes: number
      timeoutMs: number
    }
  | { kind: 'profile-capture'; side: Side; problem: 'too-large'; connections: number; maxBytes: number }
  | { kind: 'profile-capture'; side: Side; problem: 'garbage'; lines: number }
  | { kind: 'profile-capture'; side: Side; problem: 'perf-not-recorded' | 'perf-no-samples' }
  | {
      kind: 'profile-capture'
      side: Side
      problem: 'perf-wrote-nothing'
      exit: number | null
      error: string
    }
  | { kind: 'profile-capture'; side: Side; problem: 'perf-script'; error: string }

/** A leg of a split suite as a merged report names it: K/N and where its report came from. */
export interface LegRef {
  index: number
  count: number
  /** the leg's directory as merge was given it (absent: the leg is named by K/N alone) */
  source?: string
}

/** A load leg's measurement window, ms from the shared start (or the earliest leg's start). */
export interface LegSpan {
  leg: LegRef
  startMs: number
  endMs: number
}

/**
 * A split suite's notes (shard/): a leg's stamp, and what `perfgate merge` says of the legs it joined, worded by
 * report/merge-notes.ts. A leg's own note travels as its data (or, from a report that predates noteData, its words).
 */
export type MergeNote =
  /** a suite leg's stamp: it measured `measured` of the suite's `suite` scenarios */
  | { kind: 'suite-shard'; index: number; count: number; measured: number; suite: number }
  /** a load leg's stamp; `lateMs`: it started that long after the shared start (noted past a second) */
  | { kind: 'load-shard'; index: number; count: number; lateMs?: number }
  | { kind: 'merged'; legs: number; count: number }
  /** what merge found wrong with the set of legs (each makes the verdict errored) */
  | { kind: 'merge-problem'; problem: MergeProblem }
  /** the load legs' windows from the shared start, or (no shared start) from the earliest leg's */
  | { kind: 'load-windows'; from: 'shared-start' | 'earliest-start'; spans: LegSpan[] }
  /** a note only some legs had, with the leg named */
  | { kind: 'leg-note'; leg: LegRef; note: Note | string }
  /** what a leg other than the first said of its baseline */
  | { kind: 'leg-baseline'; leg: LegRef; said: string }
  /** a leg ran on another runner kind than the first leg (`first`): what differs */
  | { kind: 'leg-runner'; leg: LegRef; first: number; mismatches: string[] }
  /** a load leg errored, so the joined load is not the configured load */
  | { kind: 'load-leg-errored'; leg: LegRef }
  | { kind: 'load-joined'; legs: number }
  /** each load leg's requests.total, throughput.ok_rps and latency.p99 in base units (null: not measured) */
  | {
      kind: 'load-per-leg'
      legs: Array<{ leg: LegRef; requests: number | null; rps: number | null; p99: number | null }>
    }
  /** each load leg's generator lag, µs (the metric's base unit) */
  | { kind: 'load-lag-per-leg'; legs: Array<{ leg: LegRef; lag: number }> }

/** What `perfgate merge` found wrong with the set of legs, each naming its leg; any makes the verdict errored. */
export type MergeProblem =
  /** a directory whose report.json could not be read: `why` is the reader's words */
  | { kind: 'unreadable'; source: string; why: string }
  | { kind: 'not-a-leg'; source: string }
  /** a leg that differs from the legs most agree with in `differs`: its value and theirs */
  | {
      kind: 'foreign'
      leg: LegRef
      differs: 'config' | 'commit' | 'shard-kind' | 'shard-count' | 'mode'
      value: string | number
      others: string | number
    }
  /** a leg whose shard says it measured `claimed` but whose report holds `reported` */
  | { kind: 'claim-mismatch'; leg: LegRef; claimed: string[]; reported: string[] }
  | { kind: 'duplicated'; index: number; count: number; sources: string[] }
  /** a load leg without some of the suite's scenarios */
  | { kind: 'load-leg-lacking'; leg: LegRef; lacking: string[] }
  | { kind: 'measured-twice'; scenario: string; legs: LegRef[] }
  /** leg index/count is missing; `uncovered`: the scenarios no leg measured */
  | { kind: 'missing'; index: number; count: number; uncovered: string[] }
  /** load legs that recorded no measurement window */
  | { kind: 'no-window'; legs: LegRef[] }
  /** load legs whose windows overlap by `overlap` (a fraction), under `needed` */
  | { kind: 'windows-apart'; overlap: number; needed: number; spans: LegSpan[] }
  /** every leg is there, yet no leg measured `scenarios` of the suite */
  | { kind: 'uncovered'; scenarios: string[] }
  /** the legs measured `scenarios`, which the suite does not hold */
  | { kind: 'strays'; scenarios: string[] }

export type NoteKind = NoteData['kind']

/** A note's data with its words. */
export type Note = NoteData & { message: string }
