import type { RunRecord, ScenarioError, Side } from '../model/run.js'
import type { SliceObservation } from '../model/slices.js'

/** What one side's round measured: a run record per scenario, in the config's order. */
export interface SideRound {
  /** by scenario name; a scenario is missing when a start failure ended the round before it */
  records: Map<string, RunRecord>
  /** scenarios before which the side's service had exited and was started again */
  restartedBefore: string[]
  /** a start that failed, or a stop that could not free the service's port: it ends the comparison */
  startError?: ScenarioError
}

/** What one epoch of the slices or duet design measured (both sides up at once, every scenario in slices). */
export interface EpochResult {
  /** by side and scenario name: the epoch's slices of that side pooled into one record */
  records: Record<Side, Map<string, RunRecord>>
  /** a scenario's paired slice values; none when a service exited during its slices */
  observations: Map<string, SliceObservation[]>
  /** a start that failed, or a stop that could not free a port: it ends the comparison */
  startError?: ScenarioError
}

/**
 * The measurement port: what the compare loop asks of the world. The real measurer (processes.ts) starts the
 * side's service and drives load at it; the tests' fake one (__tests__/harness/fake-measurer.ts) makes the records
 * up from a noise model, so the loop's logic is tested in milliseconds.
 */
export interface Measurer {
  /** One side's round (rounds design): every scenario of the config measured against that side's build. */
  round(side: Side, round: number): Promise<SideRound>
  /** One epoch (slices and duet designs): both sides started on their own ports, every scenario measured in slices. */
  epoch(epoch: number): Promise<EpochResult>
}
