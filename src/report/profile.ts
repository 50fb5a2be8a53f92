import { PROFILES, type ProfileName } from '../config/profiles.js'
import { parseThreshold } from '../config/units.js'
import { evaluateThresholds } from '../compare/thresholds.js'
import type { Report } from '../model/report.js'

export interface ProfileRow {
  scenario: string
  metric: string
  /** the profile's limit as written, e.g. "< 50ms" */
  limit: string
  value: number | null
  /** null when the scenario did not measure the metric (e.g. a breaking point without a stress suite) */
  meets: boolean | null
}

/**
 * The service against the built-in profile it extends, metric by metric: the profile's reference limits applied
 * to every measured scenario, whether or not the scenario overrode them for gating.
 */
export function profileComparison(
  report: Report
): { profile: string; description: string; rows: ProfileRow[] } | undefined {
  const name = report.config.profile as ProfileName | undefined
  const profile = name ? PROFILES[name] : undefined
  if (!name || !profile) return undefined
  const limits = Object.entries(profile.thresholds).map(([metric, expression]) => ({
    metric,
    expression,
    severity: 'warn' as const,
    ...parseThreshold(metric, expression)
  }))
  const rows = report.scenarios
    .filter(s => !s.error)
    .flatMap(s =>
      evaluateThresholds(limits, s.metrics).map(check => ({
        scenario: s.name,
        metric: check.metric,
        limit: check.expression,
        value: check.actual ?? null,
        meets: check.verdict === 'skipped' ? null : check.verdict === 'pass'
      }))
    )
  return { profile: name, description: profile.description, rows }
}
