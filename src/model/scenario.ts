import type { Check, Verdict } from './check.js'
import type { Finding } from './finding.js'
import type { LoadSpec } from './load.js'
import type { MetricValues } from './metrics.js'
import type { Note } from './note.js'
import type { RunRecord, ScenarioError, SuiteResult } from './run.js'
import type { SliceValues } from './slices.js'

/** One scenario's result: its verdict, metrics, checks and the runs they came from. */
export interface ScenarioReport {
  name: string
  verdict: Verdict
  load: LoadSpec
  /** head metrics (means over rounds in compare mode); latency metrics are omitted when errored */
  metrics: MetricValues
  /** base metrics in compare mode */
  baseMetrics?: MetricValues
  checks: Check[]
  error?: ScenarioError
  runs: RunRecord[]
  /** every note's words, in order */
  notes: string[]
  /** the typed notes (kind and numbers) with their words, beside `notes` */
  noteData?: Note[]
  /** the curve of a sweep, stress or soak suite (the last head run's) */
  suite?: SuiteResult
  /** bottleneck findings with their evidence (see report/findings.ts) */
  findings?: Finding[]
  /** the slices and duet designs: every slice pair's values in measured order, with its epoch (report.html draws them) */
  slices?: SlicePairValues[]
}

/** One slice pair as report.json keeps it: its epoch and the two sides' slice values (no histograms). */
export interface SlicePairValues {
  epoch: number
  base: SliceValues
  head: SliceValues
}
