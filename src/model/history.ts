/**
 * The baseline store's history as series over the default branch, and their change points
 * (schema/history.schema.json: the output of `perfgate history --json`).
 */
import type { RunnerFingerprint } from './report.js'

export const HISTORY_SCHEMA_VERSION = 1

/** One stored run in a series: the commit it measured and when. */
export interface HistoryRun {
  sha: string
  /** the commit's subject and committer date, when the repository knows the commit */
  subject?: string
  date?: string
  /** when the run finished */
  createdAt: string
  runId: string
  runAttempt: number
}

/** A step of a metric's mean at one run of a series. */
export interface HistoryChangePoint {
  /** index in the series' runs of the first run after the step */
  index: number
  /** the commit of that run, and of the run before it (the step happened in between) */
  sha: string
  previousSha: string
  subject?: string
  date?: string
  /** relative change of the mean, after over before (0.12: +12 %), with its 95 % interval */
  change: number
  interval: { low: number; high: number }
  pValue: number
  /** the runs of the segments on each side, up to the neighbouring change points */
  runsBefore: number
  runsAfter: number
  meanBefore: number
  meanAfter: number
  /** the step made the metric worse (by its direction: latency up, throughput down) */
  worse: boolean
}

export interface HistoryMetric {
  metric: string
  /** one value per run of the series, in base units (null: not measured in that run) */
  values: Array<number | null>
  changePoints: HistoryChangePoint[]
  /** the runs' spread around their segment means, a fraction of the mean: the noise band's half width is 2x it */
  noise: number
  /** why no change point could be looked for ("not enough history (8 runs; 12 needed)") */
  note?: string
}

/** One scenario on one runner kind with one definition (its request and load). */
export interface HistorySeries {
  /** scenario name, runner and definition, e.g. "list @ 2c AMD EPYC / def 3f2a9c" */
  id: string
  scenario: string
  runner: RunnerFingerprint
  /** "2 cores, AMD EPYC 7B13, linux, Node 20.20.0" */
  runnerLabel: string
  /** a hash of the scenario's request and load (the config's hash for records older than that) */
  definition: string
  /** an earlier series of this scenario and runner had another definition: this one starts where it changed */
  definitionChanged: boolean
  runs: HistoryRun[]
  metrics: HistoryMetric[]
}

/** A change point, flattened for the table of the newest first. */
export interface HistoryChange extends HistoryChangePoint {
  series: string
  scenario: string
  metric: string
  /** how many runs of its series came after the step's first run (0: the step is the newest run) */
  runsSince: number
}

/** A pull request's comparison of the same scenario (from its report.json), drawn beside the history. */
export interface HistoryComparison {
  /** where it came from (the report file) */
  source: string
  scenario: string
  sha?: string
  baseSha?: string
  createdAt: string
  verdict: string
  /** metric -> base and head value */
  metrics: Record<string, { base?: number | null; head: number | null }>
}

export interface HistoryReport {
  schemaVersion: number
  tool: { name: 'perfgate'; version: string }
  createdAt: string
  /** "branch perfgate-baselines of origin" */
  store: string
  /** the line the runs are ordered on, e.g. "first-parent line of origin/main", or "time the runs finished" */
  order: string
  since?: string
  series: HistorySeries[]
  /** every change point of every series, newest first */
  changes: HistoryChange[]
  comparisons: HistoryComparison[]
  /** records skipped: corrupt, foreign, from a newer perfgate, or not on the line */
  skipped: { count: number; reasons: string[] }
  /** the method and its settings, for the page's footer */
  method: { name: string; penalty: number; maxPValue: number; minMagnitude: number; minRuns: number }
}
