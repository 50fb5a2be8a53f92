import type { NoteData } from '../model/note.js'
import type { BaselineSpec, Scenario } from '../config/types.js'
import { metricInfo } from '../config/metrics.js'
import { roundValues } from '../compare/aggregate.js'
import type { BaselineChoice } from '../baseline/select.js'
import type { StoredRecord } from '../baseline/store.js'
import type { CheckResult } from '../model/check.js'
import type { MetricValues } from '../model/metrics.js'
import type { RunRecord } from '../model/run.js'
import { anomalyNote, crossRunMargin, decideAgainstStored } from '../stats/stored.js'

/** A stored run chosen for comparison, with the series it belongs to. */
export interface StoredBaseline {
  choice: BaselineChoice
  /** stored runs of this config on this runner kind, oldest first */
  history: StoredRecord[]
  spec: Pick<BaselineSpec, 'noise' | 'onRunnerMismatch'>
  /** confidence level of the within-run intervals, e.g. 0.95 */
  confidence: number
}

export interface StoredScenarioResult {
  checks: CheckResult[]
  baseMetrics?: MetricValues
  notes: NoteData[]
}

const ANOMALY_METRICS = ['throughput.ok_rps', 'latency.p99']

function seriesOf(history: StoredRecord[], scenario: string, metric: string): number[] {
  return history
    .map(r => r.record.scenarios.find(s => s.name === scenario)?.metrics[metric])
    .filter((v): v is number => typeof v === 'number' && Number.isFinite(v))
}

/** Regression checks of one scenario against the stored run's rounds, plus history notes. */
export function storedScenarioChecks(
  scenario: Scenario,
  head: RunRecord[],
  headMetrics: MetricValues,
  baseline: StoredBaseline
): StoredScenarioResult {
  const stored = (baseline.choice.perScenario[scenario.name] ?? baseline.choice.stored).record.scenarios.find(
    s => s.name === scenario.name
  )
  const notes: NoteData[] = []
  for (const metric of new Set([...scenario.regression.map(r => r.metric), ...ANOMALY_METRICS])) {
    const note = anomalyNote(metric, seriesOf(baseline.history, scenario.name, metric), headMetrics[metric])
    if (note) notes.push(note)
  }
  const common = (spec: Scenario['regression'][number]) => ({
    kind: 'regression' as const,
    metric: spec.metric,
    expression: spec.expression,
    severity: spec.severity,
    source: spec.source
  })
  if (!stored) {
    return {
      notes,
      checks: scenario.regression.map(spec => ({
        ...common(spec),
        verdict: 'skipped' as const,
        basis: { kind: 'no-stored-scenario' as const, scenario: scenario.name }
      }))
    }
  }
  const mismatched =
    baseline.choice.mismatches.length > 0 && baseline.spec.onRunnerMismatch === 'inconclusive'
  const baseRounds = stored.rounds.map(r => r.metrics)
  const headRounds = head.filter(r => !r.error).map(r => r.metrics)
  const checks = scenario.regression.map((spec): CheckResult => {
    const better = metricInfo(spec.metric)?.better
    const base = roundValues(baseRounds, spec.metric)
    const values = roundValues(headRounds, spec.metric)
    if (better !== 'lower' && better !== 'higher') {
      return {
        ...common(spec),
        verdict: 'skipped',
        basis: { kind: 'no-direction' }
      }
    }
    const margin = crossRunMargin(seriesOf(baseline.history, scenario.name, spec.metric), baseline.spec.noise)
    const decision = decideAgainstStored({
      metric: spec.metric,
      better,
      direction: spec.direction,
      tolerance: spec.tolerance,
      base,
      head: values,
      confidence: baseline.confidence,
      ...margin
    })
    const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null)
    const inconclusiveByRunner = mismatched && decision.verdict === 'fail'
    const verdict = inconclusiveByRunner
      ? 'inconclusive'
      : decision.verdict === 'fail'
        ? spec.severity
        : decision.verdict
    return {
      ...common(spec),
      verdict,
      basis: {
        kind: 'decision',
        decision,
        ...(inconclusiveByRunner ? { runnerMismatch: baseline.choice.mismatches } : {})
      },
      base: mean(base),
      head: mean(values),
      change: decision.change,
      interval: decision.interval,
      rounds: Math.min(decision.n.base, decision.n.head)
    }
  })
  return { checks, baseMetrics: stored.metrics, notes }
}
