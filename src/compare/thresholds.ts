import type { Comparator, ThresholdCheck } from '../config/types.js'
import type { CheckResult } from '../model/check.js'
import type { MetricValues } from '../model/metrics.js'

const HOLDS: Record<Comparator, (actual: number, limit: number) => boolean> = {
  '<': (a, l) => a < l,
  '<=': (a, l) => a <= l,
  '>': (a, l) => a > l,
  '>=': (a, l) => a >= l
}

/**
 * Absolute limits against one set of measured metrics, as data (report/checks.ts words them). A metric the run
 * did not measure is `skipped`; for server.* metrics the platform is kept, since they are measured on Linux only.
 */
export function evaluateThresholds(
  checks: readonly ThresholdCheck[],
  metrics: MetricValues,
  platform: NodeJS.Platform = process.platform
): CheckResult[] {
  return checks.map(check => evaluateThreshold(check, metrics[check.metric], platform))
}

function evaluateThreshold(
  check: ThresholdCheck,
  actual: number | null | undefined,
  platform: NodeJS.Platform
): CheckResult {
  const base = {
    kind: 'threshold' as const,
    metric: check.metric,
    expression: check.expression,
    severity: check.severity,
    limit: check.value,
    source: check.source
  }
  if (actual === undefined || actual === null || Number.isNaN(actual)) {
    return {
      ...base,
      actual: null,
      verdict: 'skipped',
      basis: { kind: 'not-measured', ...(check.metric.startsWith('server.') ? { platform } : {}) }
    }
  }
  return {
    ...base,
    actual,
    verdict: HOLDS[check.op](actual, check.value) ? 'pass' : check.severity,
    basis: { kind: 'limit', op: check.op }
  }
}
