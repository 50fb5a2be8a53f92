import type { RegressionCheck } from '../config/types.js'
import { metricInfo } from '../config/metrics.js'
import type { CheckResult } from '../model/check.js'
import { decideRegression, type RegressionDecision } from '../stats/decide.js'
import { decideSlices, type SlicePair } from '../stats/slices.js'

export interface RegressionEvaluation {
  /** data: report/checks.ts words it */
  check: CheckResult
  decision?: RegressionDecision
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length

/** A regression check from a decision: fail becomes the check's severity; base and head are the sides' means. */
function evaluate(
  spec: RegressionCheck,
  base: number[],
  head: number[],
  decide: (better: 'lower' | 'higher') => RegressionDecision
): RegressionEvaluation {
  const common = {
    kind: 'regression' as const,
    metric: spec.metric,
    expression: spec.expression,
    severity: spec.severity,
    source: spec.source
  }
  const better = metricInfo(spec.metric)?.better
  if (better !== 'lower' && better !== 'higher') {
    return {
      check: { ...common, verdict: 'skipped', basis: { kind: 'no-direction' } }
    }
  }
  if (base.length === 0 || head.length === 0) {
    return {
      check: { ...common, verdict: 'skipped', basis: { kind: 'one-side' } }
    }
  }
  const decision = decide(better)
  const verdict = decision.verdict === 'fail' ? spec.severity : decision.verdict
  return {
    decision,
    check: {
      ...common,
      verdict,
      basis: { kind: 'decision', decision },
      base: mean(base),
      head: mean(head),
      change: decision.change,
      interval: decision.interval,
      detectable: decision.interval && decision.change !== null ? decision.noiseFloor : null,
      rounds: Math.min(decision.n.base, decision.n.head),
      ...(decision.basis.adjustment ? { adjustment: decision.basis.adjustment } : {}),
      ...(decision.basis.unit?.startsWith('epochs') ? { unit: 'epochs' as const } : {})
    }
  }
}

/**
 * One regression check from per-round values of base and head. `pairs` are the index pairs of rounds run back
 * to back (ABBA neighbours); `unit` names them in the reason (default 'paired rounds').
 */
export function evaluateRegression(
  spec: RegressionCheck,
  base: number[],
  head: number[],
  confidence: number,
  pairs?: Array<[number, number]>,
  unit?: string
): RegressionEvaluation {
  return evaluate(spec, base, head, better =>
    decideRegression({
      metric: spec.metric,
      better,
      direction: spec.direction,
      tolerance: spec.tolerance,
      base,
      head,
      pairs,
      confidence,
      ...(unit ? { unit } : {})
    })
  )
}

/**
 * One regression check from slice pairs grouped by epoch (the slices and duet designs, stats/slices.ts). `base`
 * and `head` are the per-epoch values the report shows as the sides' means.
 */
export function evaluateSliceRegression(
  spec: RegressionCheck,
  pairs: readonly SlicePair[],
  base: number[],
  head: number[],
  confidence: number,
  pairUnit?: string
): RegressionEvaluation {
  return evaluate(spec, base, head, better =>
    decideSlices({
      ...(pairUnit ? { pairUnit } : {}),
      metric: spec.metric,
      better,
      direction: spec.direction,
      tolerance: spec.tolerance,
      pairs,
      confidence
    })
  )
}
