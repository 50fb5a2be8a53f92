import type { RegressionCheck } from '../config/types.js'
import { metricInfo } from '../config/metrics.js'
import type { Check } from '../report/types.js'
import { decideRegression, type RegressionDecision } from '../stats/decide.js'

export interface RegressionEvaluation {
  check: Check
  decision?: RegressionDecision
}

/**
 * One regression check from per-round values of base and head. `pairs` are the index pairs of rounds run back
 * to back (ABBA neighbours).
 */
export function evaluateRegression(
  spec: RegressionCheck,
  base: number[],
  head: number[],
  confidence: number,
  pairs?: Array<[number, number]>
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
      check: { ...common, verdict: 'skipped', message: `${spec.metric} has no better direction to compare` }
    }
  }
  if (base.length === 0 || head.length === 0) {
    return {
      check: { ...common, verdict: 'skipped', message: `${spec.metric} was not measured on both sides` }
    }
  }
  const decision = decideRegression({
    metric: spec.metric,
    better,
    direction: spec.direction,
    tolerance: spec.tolerance,
    base,
    head,
    pairs,
    confidence
  })
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
  const verdict = decision.verdict === 'fail' ? spec.severity : decision.verdict
  return {
    decision,
    check: {
      ...common,
      verdict,
      message: decision.reason,
      base: mean(base),
      head: mean(head),
      change: decision.change,
      interval: decision.interval,
      rounds: Math.min(decision.n.base, decision.n.head)
    }
  }
}
