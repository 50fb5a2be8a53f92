/**
 * The slices and duet designs of an interleaved comparison: base and head up at once, each on its own port
 * ({{service.port}}), the load alternating between them in short slices (or, in duet, measuring both at the same
 * time), in epochs of fresh process pairs. See docs/statistics.md, section 11.
 */
import type { Config, Scenario } from '../config/types.js'
import { DEFAULTS } from '../config/defaults.js'
import { hasServicePort } from '../config/port.js'
import type { EpochResult } from '../measure/measurer.js'
import type { SliceObservation } from '../model/slices.js'
import type { DesignNote } from '../model/note.js'
import type { RunRecord, ScenarioError } from '../model/run.js'
import { createRng } from '../stats/rng.js'
import type { HostInfo } from '../measure/environment.js'
import type { Side } from './compare-options.js'

export type Design = 'rounds' | 'slices' | 'duet'

export interface DesignChoice {
  design: Design
  /** which design ran and why, as data (report/notes.ts words it) */
  note: DesignNote
  /** duet: the CPUs each side's service is pinned to (empty: not pinned) */
  cpus?: Record<Side, number[]>
}

/** Cores duet needs: one for the generator and at least one for each side's service, plus one spare. */
export const DUET_MIN_CORES = 4

const sliceable = (s: Scenario) => !s.suite || s.suite.kind === 'load'

/** Which design a comparison runs, and why (pure: the host is passed in). */
export function chooseDesign(config: Config, host: HostInfo): DesignChoice {
  const requested = config.compare.design ?? 'auto'
  const cores = host.cpus.length
  if (requested === 'rounds')
    return { design: 'rounds', note: { kind: 'design', design: 'rounds', why: 'requested' } }
  if (!hasServicePort(config))
    return { design: 'rounds', note: { kind: 'design', design: 'rounds', why: 'fixed-port' } }
  const suite = config.scenarios.find(s => !sliceable(s))
  if (suite) {
    return {
      design: 'rounds',
      note: {
        kind: 'design',
        design: 'rounds',
        why: 'suite',
        scenario: suite.name,
        suiteKind: suite.suite!.kind
      }
    }
  }
  const sliceMs = config.compare.sliceMs ?? DEFAULTS.compare.sliceMs
  if (cores >= DUET_MIN_CORES && requested !== 'slices') {
    const per = Math.floor((cores - 1) / 2)
    const cpus = host.taskset
      ? { base: host.cpus.slice(1, 1 + per), head: host.cpus.slice(1 + per, 1 + 2 * per) }
      : { base: [], head: [] }
    return { design: 'duet', note: { kind: 'design', design: 'duet', sliceMs, cores, ...cpus }, cpus }
  }
  const why =
    requested === 'duet' ? 'duet-needs-cores' : requested === 'slices' ? 'requested' : 'too-few-cores'
  return {
    design: 'slices',
    note: { kind: 'design', design: 'slices', why, sliceMs, cores, duetCores: DUET_MIN_CORES }
  }
}

/** What the epochs so far measured: every side's records and every scenario's slice pairs. */
export interface SliceState {
  records: Record<Side, Map<string, RunRecord[]>>
  observations: Map<string, SliceObservation[]>
  startError?: ScenarioError
}

export function newSliceState(config: Config): SliceState {
  const records = () => new Map(config.scenarios.map(s => [s.name, [] as RunRecord[]]))
  return {
    records: { base: records(), head: records() },
    observations: new Map(config.scenarios.map(s => [s.name, []]))
  }
}

/** Adds one epoch's measurements to the state. */
export function addEpoch(state: SliceState, epoch: EpochResult): void {
  for (const side of ['base', 'head'] as const)
    for (const [scenario, record] of epoch.records[side]) state.records[side].get(scenario)!.push(record)
  for (const [scenario, observations] of epoch.observations)
    state.observations.get(scenario)!.push(...observations)
  if (epoch.startError) state.startError ??= epoch.startError
}

/** A seeded PRNG for the slice order: seeded by the caller for tests, from the clock otherwise. */
export function planRng(seed?: number): () => number {
  return createRng(seed ?? Date.now() ^ (process.pid << 8))
}
