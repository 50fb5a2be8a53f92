import { serverMetricsUnsupported } from '../config/metrics.js'
import type { Comparator, ThresholdCheck } from '../config/types.js'
import type { Check } from '../model/check.js'
import type { MetricValues } from '../model/metrics.js'
import { formatMetric } from '../config/format.js'

const HOLDS: Record<Comparator, (actual: number, limit: number) => boolean> = {
  '<': (a, l) => a < l,
  '<=': (a, l) => a <= l,
  '>': (a, l) => a > l,
  '>=': (a, l) => a >= l
}

const BREACH_WORDS: Record<Comparator, string> = {
  '<': 'is not under',
  '<=': 'is over',
  '>': 'is not over',
  '>=': 'is under'
}

/**
 * Absolute limits against one set of measured metrics. A metric the run did not measure is `skipped`, with the
 * reason when it is known (server.* off Linux).
 */
export function evaluateThresholds(
  checks: readonly ThresholdCheck[],
  metrics: MetricValues,
  platform: NodeJS.Platform = process.platform
): Check[] {
  return checks.map(check => evaluateThreshold(check, metrics[check.metric], platform))
}

function evaluateThreshold(
  check: ThresholdCheck,
  actual: number | null | undefined,
  platform: NodeJS.Platform
): Check {
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
      message:
        (check.metric.startsWith('server.') ? serverMetricsUnsupported(platform) : undefined)?.replace(
          /^not measured/,
          `${check.metric} was not measured`
        ) ?? `${check.metric} was not measured in this run`
    }
  }
  const limitText = formatMetric(check.metric, check.value)
  const actualText = formatMetric(check.metric, actual)
  if (HOLDS[check.op](actual, check.value)) {
    return {
      ...base,
      actual,
      verdict: 'pass',
      message: `${check.metric} ${actualText} ${check.op} ${limitText}`
    }
  }
  return {
    ...base,
    actual,
    verdict: check.severity,
    message: `${check.metric} ${actualText} ${BREACH_WORDS[check.op]} the limit ${check.op} ${limitText}`
  }
}
