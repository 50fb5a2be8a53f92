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

export type NoteKind = NoteData['kind']

/** A note's data with its words. */
export type Note = NoteData & { message: string }
