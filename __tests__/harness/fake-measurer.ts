/**
 * Fake measurers for the compare loop's tests: no process, no socket, a round in microseconds.
 *
 * - `syntheticMeasurer` makes run records up from a level per metric, the head's relative change and the noise model
 *   of simulate.ts (a seeded lognormal draw per round and side, so the same seed gives the same records);
 *   `script` scripts what a real round can do besides: errored measurements, start failures, restarts.
 *   Its epochs (slices and duet designs) hold a record per side and scenario and that many slice pairs; its
 *   profiling step hands back the recorded profiles of __fixtures__/profile without touching the noise model.
 * - `recordingMeasurer` keeps what another measurer answered; `replayMeasurer` hands back the runs of a recorded
 *   report round by round, or a recording's rounds and epochs (slice pairs included).
 *
 * Each keeps the calls it answered, in order, so a test can check the order the loop measured in.
 */
import type { Config } from '../../src/config/types.js'
import { metricInfo } from '../../src/config/metrics.js'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type {
  EpochResult,
  Measurer,
  ProfileCapture,
  ProfileRequest,
  SideProfileCapture,
  SideRound
} from '../../src/measure/measurer.js'
import { readCpuProfile } from '../../src/profile/cpuprofile.js'
import type { MetricValues } from '../../src/model/metrics.js'
import type { Report } from '../../src/model/report.js'
import type { RunRecord, ScenarioError, Side } from '../../src/model/run.js'
import { SLICE_METRICS, type SliceObservation, type SliceValues } from '../../src/model/slices.js'
import { createRng } from '../../src/stats/rng.js'
import { normalDraw } from './simulate.js'

export interface FakeMeasurer extends Measurer {
  /** the rounds answered, in order: `1b`, `1h`, `2h`, ... */
  calls: string[]
}

/** A healthy example-service run: what each synthetic record holds before noise and change. */
export const TYPICAL_METRICS: MetricValues = {
  'throughput.rps': 2000,
  'throughput.ok_rps': 2000,
  'latency.p50': 1500,
  'latency.p99': 6000,
  'requests.total': 2000,
  'errors.rate': 0,
  'server.cpu.mean': 60,
  'server.rss.peak': 60e6
}

/** What the script may say of one side's round of one scenario. */
export type ScriptedRound =
  | undefined
  /** the measurement errored: the record keeps its counts only */
  | { error: ScenarioError }
  /** the side's service could not be started (or stopped): the round ends here */
  | { startError: ScenarioError }
  /** the service had exited and was started again before this scenario */
  | { restarted: true }
  /** metric values that replace the synthetic ones in this record */
  | { metrics: MetricValues }

export interface SyntheticSpec {
  seed?: number
  /** coefficient of variation of one round's values (default 0.02: a quiet machine) */
  cv?: number
  /** level of each metric (default TYPICAL_METRICS) */
  metrics?: MetricValues
  /** the head's relative change per metric: { 'server.rss.peak': 2.5 } is +250% */
  change?: Record<string, number>
  /** the base's relative change per metric in each round (1-based), for a base that swings on its own */
  baseSwing?: (round: number) => Record<string, number>
  /** the head's relative change per metric in each round, on top of `change` */
  headSwing?: (round: number) => Record<string, number>
  script?: (side: Side, round: number, scenario: string) => ScriptedRound
  /** slice pairs per scenario and epoch (slices and duet designs; default 8) */
  slicePairs?: number
  /** what the profiling step captures (default: the profiles of __fixtures__/profile, head +100 µs of addedWork) */
  profile?: (request: ProfileRequest) => ProfileCapture
}

/**
 * The recorded profiles of __fixtures__/profile: base, the same code again, and a head that added addedWork; their
 * repository files as files of `root` (default: this checkout).
 */
export function fixtureProfile(
  name: 'base' | 'base-again' | 'head',
  root = path.resolve('.')
): SideProfileCapture {
  const dir = path.resolve('__fixtures__/profile')
  const requests = JSON.parse(readFileSync(path.join(dir, 'requests.json'), 'utf8')) as Record<string, number>
  const profile = readCpuProfile(path.join(dir, `${name}.cpuprofile`))
  const rootUrl = `${pathToFileURL(root).href}/`
  for (const node of profile.nodes) node.callFrame.url = node.callFrame.url.replace(RECORDED_ROOT, rootUrl)
  return { profiles: [profile], requests: requests[name]! }
}

/** The fixtures were recorded in another checkout: their files under RECORDED_ROOT are this checkout's. */
const RECORDED_ROOT = 'file:///RECORDED_ROOT/'

/** The default profiling step of the synthetic measurer: each asked side from the fixtures. */
function fixtureCapture(request: ProfileRequest): ProfileCapture {
  return {
    sides: Object.fromEntries(request.sides.map(side => [side, fixtureProfile(side)])),
    notes: []
  }
}

const COUNTS = ['requests.total', 'errors.rate', 'errors.total', 'status.4xx', 'status.5xx']

/**
 * One draw of the runner's speed for a round (lognormal around 1, like simulate.ts's per-round noise): faster
 * rounds raise what is better higher and lower what is better lower; sizes and counts move by their own draw.
 */
function noisy(metrics: MetricValues, rng: () => number, cv: number): MetricValues {
  const speed = Math.exp(cv * normalDraw(rng))
  const out: MetricValues = {}
  for (const [name, value] of Object.entries(metrics)) {
    if (value === null || value === 0) {
      out[name] = value
      continue
    }
    const better = metricInfo(name)?.better
    out[name] =
      better === 'higher'
        ? value * speed
        : better === 'lower'
          ? value / speed
          : value * Math.exp(cv * normalDraw(rng))
  }
  return out
}

function changed(metrics: MetricValues, change: Record<string, number>): MetricValues {
  const out = { ...metrics }
  for (const [name, c] of Object.entries(change))
    if (typeof out[name] === 'number') out[name] = out[name]! * (1 + c)
  return out
}

export function syntheticMeasurer(config: Config, spec: SyntheticSpec = {}): FakeMeasurer {
  const rng = createRng(spec.seed ?? 1)
  const cv = spec.cv ?? 0.02
  const calls: string[] = []

  /** One side's record of one scenario: the level with this round's noise, the change and what the script says. */
  function record(side: Side, round: number, scripted: ScriptedRound): RunRecord {
    let metrics = noisy(spec.metrics ?? TYPICAL_METRICS, rng, cv)
    if (side === 'head') metrics = changed(changed(metrics, spec.change ?? {}), spec.headSwing?.(round) ?? {})
    else metrics = changed(metrics, spec.baseSwing?.(round) ?? {})
    if (scripted && 'metrics' in scripted) metrics = { ...metrics, ...scripted.metrics }
    const error = scripted && 'error' in scripted ? scripted.error : undefined
    return {
      side,
      round,
      metrics: error
        ? Object.fromEntries(COUNTS.filter(k => k in metrics).map(k => [k, metrics[k]!]))
        : metrics,
      ...(error ? { error } : {})
    }
  }

  /** The epoch's slice pairs: each side's slice values around its epoch record, with a slice's own noise. */
  function slicePairs(epoch: number, result: EpochResult, scenario: string): SliceObservation[] {
    const values = (side: Side): SliceValues => {
      const metrics = noisy(result.records[side].get(scenario)!.metrics, rng, cv)
      return Object.fromEntries(
        SLICE_METRICS.filter(m => typeof metrics[m] === 'number').map(m => [m, metrics[m] as number])
      )
    }
    return Array.from({ length: spec.slicePairs ?? 8 }, () => ({
      epoch,
      base: values('base'),
      head: values('head')
    }))
  }

  return {
    calls,
    async round(side, round): Promise<SideRound> {
      calls.push(`${round}${side[0]}`)
      const records = new Map<string, RunRecord>()
      const restartedBefore: string[] = []
      for (const scenario of config.scenarios) {
        const scripted = spec.script?.(side, round, scenario.name)
        if (scripted && 'startError' in scripted)
          return { records, restartedBefore, startError: scripted.startError }
        if (scripted && 'restarted' in scripted) restartedBefore.push(scenario.name)
        records.set(scenario.name, record(side, round, scripted))
      }
      return { records, restartedBefore }
    },
    async epoch(epoch): Promise<EpochResult> {
      calls.push(`epoch ${epoch}`)
      const result: EpochResult = { records: { base: new Map(), head: new Map() }, observations: new Map() }
      for (const scenario of config.scenarios) {
        for (const side of ['base', 'head'] as const) {
          const scripted = spec.script?.(side, epoch, scenario.name)
          if (scripted && 'startError' in scripted) return { ...result, startError: scripted.startError }
          result.records[side].set(scenario.name, record(side, epoch, scripted))
        }
        const errored = (['base', 'head'] as const).some(
          side => result.records[side].get(scenario.name)!.error
        )
        result.observations.set(scenario.name, errored ? [] : slicePairs(epoch, result, scenario.name))
      }
      return result
    },
    // no draw of the noise model: profiling after the verdict leaves every measured record as it was
    async profile(request): Promise<ProfileCapture> {
      calls.push(
        `profile ${request.scenario} ${request.sides.join('+')}${request.together ? ' together' : ''}`
      )
      return (spec.profile ?? fixtureCapture)(request)
    }
  }
}

/** What a measurer answered, step by step: the rounds by `${round}${side}` and the epochs (with their slice pairs). */
export interface Recording {
  rounds: Map<string, SideRound>
  epochs: Map<number, EpochResult>
}

/** Passes every step on to `inner` and keeps its answer, so a comparison of either design can be replayed. */
export function recordingMeasurer(inner: Measurer): FakeMeasurer & { recording: Recording } {
  const recording: Recording = { rounds: new Map(), epochs: new Map() }
  const calls: string[] = []
  return {
    calls,
    recording,
    async round(side, round): Promise<SideRound> {
      calls.push(`${round}${side[0]}`)
      const result = await inner.round(side, round)
      recording.rounds.set(`${round}${side}`, result)
      return result
    },
    async epoch(epoch): Promise<EpochResult> {
      calls.push(`epoch ${epoch}`)
      const result = await inner.epoch(epoch)
      recording.epochs.set(epoch, result)
      return result
    }
  }
}

/**
 * Replays a comparison: from a recorded report, round r of a side gets each scenario's run of that side and round
 * (a report holds no slice pairs, so epochs need a Recording); from a Recording, each round and epoch as answered.
 */
export function replayMeasurer(recorded: Report | Recording): FakeMeasurer {
  const calls: string[] = []
  const fromReport = (side: Side, round: number, report: Report): SideRound => {
    const records = new Map<string, RunRecord>()
    for (const scenario of report.scenarios) {
      const run = scenario.runs.find(r => r.side === side && r.round === round)
      if (!run) throw new Error(`the recording has no ${side} round ${round} of ${scenario.name}`)
      records.set(scenario.name, run)
    }
    return { records, restartedBefore: [] }
  }
  return {
    calls,
    async round(side, round): Promise<SideRound> {
      calls.push(`${round}${side[0]}`)
      if (!('rounds' in recorded)) return fromReport(side, round, recorded)
      const answer = recorded.rounds.get(`${round}${side}`)
      if (!answer) throw new Error(`the recording has no ${side} round ${round}`)
      return answer
    },
    async epoch(epoch): Promise<EpochResult> {
      calls.push(`epoch ${epoch}`)
      if (!('epochs' in recorded))
        throw new Error(
          'a recorded report holds rounds, not the slice pairs of epochs: replay a Recording (recordingMeasurer)'
        )
      const answer = recorded.epochs.get(epoch)
      if (!answer) throw new Error(`the recording has no epoch ${epoch}`)
      return answer
    }
  }
}

/**
 * The action door's measurement option on the synthetic measurer (`run({ measurerFor })` of src/main.ts): for tests
 * about what the action gates, says and stores, not what it measures. No service runs.
 */
export function syntheticDoor(spec: SyntheticSpec = {}): { measurerFor: (config: Config) => Measurer } {
  return { measurerFor: config => syntheticMeasurer(config, spec) }
}
