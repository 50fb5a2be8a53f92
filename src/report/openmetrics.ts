import { metricInfo, type MetricKind } from '../config/metrics.js'
import type { MetricValues } from '../model/metrics.js'
import type { Report } from '../model/report.js'

/**
 * OpenMetrics text (also valid Prometheus text format 0.0.4, which Pushgateway accepts: only gauges are used,
 * and `# UNIT` / `# EOF` are comments to a 0.0.4 parser). Values are converted to SI base units.
 *
 * Every value is one run's figure (head and base side by side), not a running count, so even counts are gauges.
 * A gauge may not end in a suffix OpenMetrics reserves for counters, histograms and info metrics: that suffix is
 * dropped (requests.total becomes perfgate_requests, not perfgate_requests_total).
 */
const UNIT: Record<MetricKind, { unit?: string; scale: number }> = {
  duration: { unit: 'seconds', scale: 1e-6 },
  size: { unit: 'bytes', scale: 1 },
  byterate: { unit: 'bytes_per_second', scale: 1 },
  ratio: { unit: 'ratio', scale: 1 },
  cpu: { unit: 'ratio', scale: 0.01 },
  count: { scale: 1 },
  rate: { unit: 'per_second', scale: 1 }
}

const RESERVED_SUFFIX = /_(total|created|count|sum|bucket|gcount|gsum|info)$/

function familyName(metric: string): { name: string; unit?: string; scale: number } {
  const info = metricInfo(metric)
  const unit = UNIT[info?.kind ?? 'count']
  const stem = `perfgate_${metric.replace(/[^a-zA-Z0-9]+/g, '_')}`.replace(RESERVED_SUFFIX, '')
  return { name: unit.unit ? `${stem}_${unit.unit}` : stem, unit: unit.unit, scale: unit.scale }
}

function labelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
}

function labels(pairs: Record<string, string>): string {
  return `{${Object.entries(pairs)
    .map(([k, v]) => `${k}="${labelValue(v)}"`)
    .join(',')}}`
}

interface Sample {
  metric: string
  labels: Record<string, string>
  value: number
}

function samplesOf(metrics: MetricValues | undefined, base: Record<string, string>): Sample[] {
  if (!metrics) return []
  return Object.entries(metrics)
    .filter((entry): entry is [string, number] => typeof entry[1] === 'number' && Number.isFinite(entry[1]))
    .map(([metric, value]) => ({ metric, labels: base, value }))
}

export function renderOpenMetrics(report: Report): string {
  const samples: Sample[] = []
  for (const s of report.scenarios) {
    const common = { scenario: s.name, suite: s.suite?.kind ?? 'load' }
    samples.push(...samplesOf(s.metrics, { ...common, side: 'head' }))
    samples.push(...samplesOf(s.baseMetrics, { ...common, side: 'base' }))
  }
  const families = new Map<string, { unit?: string; help: string; lines: string[] }>()
  for (const sample of samples) {
    const { name, unit, scale } = familyName(sample.metric)
    const family = families.get(name) ?? {
      unit,
      help: metricInfo(sample.metric)?.description ?? sample.metric,
      lines: []
    }
    family.lines.push(`${name}${labels(sample.labels)} ${sample.value * scale}`)
    families.set(name, family)
  }
  const out: string[] = []
  for (const [name, family] of families) {
    out.push(`# TYPE ${name} gauge`)
    if (family.unit) out.push(`# UNIT ${name} ${family.unit}`)
    out.push(`# HELP ${name} ${family.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`)
    out.push(...family.lines)
  }
  out.push(
    '# TYPE perfgate_scenario_failed gauge',
    '# HELP perfgate_scenario_failed 1 when the scenario failed or errored'
  )
  for (const s of report.scenarios) {
    const failed = s.verdict === 'fail' || s.verdict === 'errored' ? 1 : 0
    out.push(`perfgate_scenario_failed${labels({ scenario: s.name, verdict: s.verdict })} ${failed}`)
  }
  if (report.merge)
    out.push(
      '# TYPE perfgate_merge_problems gauge',
      '# HELP perfgate_merge_problems missing, foreign or duplicated legs of a merged suite (any makes it errored)',
      `perfgate_merge_problems ${report.merge.problems.length}`
    )
  out.push('# EOF')
  return out.join('\n') + '\n'
}
