/**
 * report.json, version 1. schema/report.schema.json describes the same shape; a test validates real reports
 * against it, so the two cannot drift apart.
 */
import type { ProfileReport } from './profile.js'
import type { Note } from './note.js'
import type { Verdict } from './check.js'
import type { ScenarioReport } from './scenario.js'

export const REPORT_SCHEMA_VERSION = 1

export interface RunnerFingerprint {
  cpuModel: string
  cores: number
  memoryBytes: number
  os: string
  node: string
}

/** What a run compared with from the baseline store, and whether it was stored itself. */
export interface BaselineInfo {
  /** "branch perfgate-baselines of origin", "directory .perfgate/baselines" */
  store: string
  /** used: regression checks compared with this stored run; none: nothing to compare with (message says why) */
  state: 'used' | 'none'
  message: string
  sha?: string
  runId?: string
  runAttempt?: number
  path?: string
  createdAt?: string
  /** commits back from the merge-base (0: the merge-base itself) */
  distance?: number
  /** runner fingerprint differences ("cores: 2 vs 4"); empty when it matches */
  mismatches?: string[]
  /** stored runs of this config on this runner kind (the series for trends) */
  history?: number
  saved?: { saved: boolean; path: string; message: string; file?: string }
}

/** The resolved config in words (see report/config-used.ts); header and env values are left out. */
export interface ConfigUsed {
  /** absent for a running target */
  service?: { command: string; build?: string; cwd: string; ready: string; env?: string[] }
  /** a running target (no service section): measured where it runs, its readiness probe if any */
  target?: { ready?: string }
  scenarios: Array<{
    name: string
    requests: string[]
    values?: string[]
    suite: string
    load: string
    thresholds: string[]
    regression: string[]
    minRequests: number
    maxErrorRate: string
  }>
  compare: {
    mode: string
    /** the design asked for, with the slice length and epochs ("auto; slices of 500 ms, epochs 3 to 15") */
    design?: string
    rounds: string
    budget: string
    confirm: boolean
    confidence: string
  }
  baseline: { store: string; rounds?: number; noise?: string; onRunnerMismatch?: string; saveOn?: string[] }
  onInconclusive: string
}

/** One difference between the base's gate and the PR's config: `latency.p99  < 50ms  ->  < 80ms`. */
export interface LimitChange {
  /** the scenario, or absent for a setting of the whole config (compare.*, on-inconclusive) */
  scenario?: string
  limit: string
  base: string
  head: string
}

/** Where a pull request's limits came from (the gate comes from the base) and what the PR changes in them. */
export interface GateInfo {
  /** base: the base's limits decided; pr: the PR's own (no base config, or its changes were accepted by label) */
  source: 'base' | 'pr'
  /** the base commit or branch the limits were read from */
  base?: string
  changes: LimitChange[]
  message: string
}

/** A leg of a split suite (--shard K/N): what it measured, of which suite (see src/shard/). */
export interface ShardInfo {
  /** suite: a share of the scenarios; load: every scenario at 1/N of its load, joined by histograms */
  kind: 'suite' | 'load'
  /** 1-based shard index K of `count` N */
  index: number
  count: number
  /** the scenarios this leg measured */
  scenarios: string[]
  /** every scenario of the whole config, in config order: what the merged legs cover together */
  suite: string[]
  /**
   * a load leg: the wall-clock window it measured in (its first load's start to its last load's end, ISO 8601)
   * and the shared start it was given (--start-at); merge refuses legs whose windows overlap by less than 90%
   */
  window?: { start: string; end: string; startAt?: string }
}

/** A report merged from the legs of a split suite (perfgate merge): each leg, and what was wrong with the set. */
export interface MergeInfo {
  legs: Array<{
    /** where the leg's report came from (its directory, as given) */
    source: string
    index: number
    count: number
    verdict: Verdict
    scenarios: string[]
    sha?: string
    runner: RunnerFingerprint
    durationMs: number
  }>
  /** missing, foreign or duplicated legs, each naming the leg; any makes the merged verdict errored */
  problems: string[]
}

/** What a gate cost in runner time (the comment says "2.4 runner-minutes"). */
export interface RunnerCost {
  /** wall time on runners, summed over legs */
  runnerMs: number
  /** the runners (jobs) it took: 1, or a merged report's legs */
  legs: number
}

export interface Report {
  schemaVersion: number
  tool: { name: 'perfgate'; version: string }
  createdAt: string
  mode: 'run' | 'compare'
  verdict: Verdict
  /** one line: what decided the verdict */
  headline: string
  config: { file: string; hash: string; profile?: string; used?: ConfigUsed }
  runner: RunnerFingerprint
  /**
   * sha: the commit measured (on a pull_request event, GitHub's merge commit); headSha: the pull request's head
   * commit (pull_request.head.sha), which source links point at; baseSha: the base a compare measured
   */
  git?: { sha?: string; ref?: string; baseSha?: string; headSha?: string }
  baseline?: BaselineInfo
  /** pull requests: where the limits came from and the PR's changes to them */
  gate?: GateInfo
  durationMs: number
  /** the runner time the gate took: this run's wall time, or, for a merged report, the sum of its legs' */
  cost?: RunnerCost
  scenarios: ScenarioReport[]
  /** every note's words, in order */
  notes: string[]
  /** the typed notes (kind and numbers) with their words, beside `notes` */
  noteData?: Note[]
  /** a leg of a split suite: its shard (the config hash above is the whole config's) */
  shard?: ShardInfo
  /** a merged report: the legs it was built from */
  merge?: MergeInfo
  /**
   * CPU profiles taken after the verdict, one per profiled scenario (each failing or inconclusive one, within the
   * budget): where the head spends more CPU per request (see src/profile/)
   */
  profiles?: ProfileReport[]
}
