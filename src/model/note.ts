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
  /** a service could not be started (or stopped: it held its TCP port) */
  | { kind: 'start-error'; failed: 'started' | 'stopped' }

export type NoteKind = NoteData['kind']

/** A note's data with its words. */
export type Note = NoteData & { message: string }
