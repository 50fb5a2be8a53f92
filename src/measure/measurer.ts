import type { ProfileNote } from '../model/note.js'
import type { RunRecord, ScenarioError, Side } from '../model/run.js'
import type { SliceObservation } from '../model/slices.js'
import type { CpuProfile } from '../profile/cpuprofile.js'

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

/** What the gate asks to profile, after the verdict: one scenario, under its own load. */
export interface ProfileRequest {
  scenario: string
  /** both sides (compare) or the head alone (run) */
  sides: Side[]
  /** the profiling step's whole length under load (both sides together), milliseconds */
  durationMs: number
  /** V8's sampling interval, microseconds */
  intervalUs: number
  /** both sides up at once, loaded as the design alternates them (slices, duet); or one after the other (rounds) */
  together: boolean
  /** a profile file over this size is left out with a note */
  maxBytes: number
}

/** One side's capture: each Node process's profile, the joined file and the requests answered while profiled. */
export interface SideProfileCapture {
  profiles: CpuProfile[]
  /** per profile: the CPU time its JavaScript thread ran while profiled, µs (absent or undefined: not known) */
  threadCpuUs?: Array<number | undefined>
  /** the processes' profiles joined into one .cpuprofile (a temporary file; the report copies it beside itself) */
  file?: string
  requests: number
}

/** What the profiling step captured: the sides it could profile, and a note for each thing that went wrong. */
export interface ProfileCapture {
  sides: Partial<Record<Side, SideProfileCapture>>
  notes: ProfileNote[]
}

/**
 * The measurement interface: what the compare loop asks of the world. The real measurer (processes.ts) starts the
 * side's service and drives load at it; the tests' fake one (__tests__/harness/fake-measurer.ts) makes the records
 * up from a noise model, so the loop's logic is tested in milliseconds.
 */
export interface Measurer {
  /** One side's round (rounds design): every scenario of the config measured against that side's build. */
  round(side: Side, round: number): Promise<SideRound>
  /** One epoch (slices and duet designs): both sides started on their own ports, every scenario measured in slices. */
  epoch(epoch: number): Promise<EpochResult>
  /**
   * One extra step after the verdict, outside the measurement: the sides started with the CPU profiler's preload,
   * the scenario's load driven at them, their profiles gathered. Absent: this measurer cannot profile.
   */
  profile?(request: ProfileRequest): Promise<ProfileCapture>
}
