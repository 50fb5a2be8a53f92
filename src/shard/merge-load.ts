/**
 * Load shards: legs that each sent 1/N of one scenario's load at the same target, in the same window. Their
 * measurements join exactly: every latency metric comes from the sum of the legs' HDR histograms (never from
 * averaged percentiles), counts and throughput add up, the error rate is recomputed from the summed counts, and
 * maxima (peaks, generator lag and CPU) take the largest leg's.
 */
import { aggregateRounds } from '../compare/aggregate.js'
import { evaluateThresholds } from '../compare/thresholds.js'
import { scenarioVerdict, verdictRank } from '../compare/verdict.js'
import { parseThreshold } from '../config/units.js'
import { encodeHistogram, mergeHistograms, summarize } from '../load/histogram.js'
import { METRICS, metricInfo } from '../config/metrics.js'
import type { Check } from '../model/check.js'
import { wordChecks } from '../report/checks.js'
import { legLabel } from '../report/merge-notes.js'
import { noteFields, noteItems } from '../report/notes.js'
import type { LegRef } from '../model/note.js'
import type { MetricValues } from '../model/metrics.js'
import type { RunRecord } from '../model/run.js'
import type { ScenarioReport } from '../model/scenario.js'

/** The latency metrics, joined from the legs' merged histograms (MetricInfo.legs 'histogram'). */
const HISTOGRAM_METRICS = METRICS.filter(info => info.legs === 'histogram').map(info => info.name)

const num = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v)

/** The requests a leg attempted, recovered from its failures and error rate (or its responses when none failed). */
function attempted(m: MetricValues): number {
  const failed = m['errors.total']
  const rate = m['errors.rate']
  if (num(failed) && num(rate) && rate > 0) return failed / rate
  const parts = ['requests.total', 'errors.connect', 'errors.timeout', 'errors.reset'].map(k => m[k])
  return parts.reduce<number>((a, v) => a + (num(v) ? v : 0), 0)
}

/**
 * One run's metrics from the legs' runs of the same round and side. A leg without a histogram leaves every latency
 * metric null: latency is never made up from percentiles.
 */
export function mergeLoadRuns(parts: readonly RunRecord[]): { metrics: MetricValues; histogram?: string } {
  const metrics: MetricValues = {}
  const names = new Set(parts.flatMap(p => Object.keys(p.metrics)))
  for (const name of names) {
    const join = metricInfo(name)?.legs ?? 'max'
    if (join === 'histogram') continue
    const values = parts.map(p => p.metrics[name]).filter(num)
    if (values.length === 0 || join === 'none') metrics[name] = null
    else if (join === 'sum') metrics[name] = values.reduce((a, b) => a + b, 0)
    // 'ratio' (errors.rate) is joined again below from the summed counts; the largest when a leg lacks them
    else metrics[name] = Math.max(...values)
  }
  const totalAttempted = parts.reduce((a, p) => a + attempted(p.metrics), 0)
  const failed = parts.map(p => p.metrics['errors.total']).filter(num)
  if (failed.length === parts.length)
    metrics['errors.rate'] = totalAttempted === 0 ? 0 : failed.reduce((a, b) => a + b, 0) / totalAttempted
  const encoded = parts.map(p => p.histogram)
  const complete = encoded.every((h): h is string => typeof h === 'string' && h.length > 0)
  const merged = complete ? mergeHistograms(encoded) : undefined
  const summary = merged ? summarize(merged) : null
  for (const name of HISTOGRAM_METRICS)
    metrics[name] = summary ? summary[name.slice('latency.'.length) as keyof typeof summary] : null
  return { metrics, ...(merged && summary ? { histogram: encodeHistogram(merged) } : {}) }
}

/**
 * One scenario from its load-shard legs: runs joined per side and round, thresholds decided again on the joined
 * metrics, regression checks (decided per leg against its own base) kept at the worst leg's verdict. A leg that
 * errored makes the scenario errored.
 */
export function mergeLoadScenario(parts: readonly ScenarioReport[], legs: readonly LegRef[]): ScenarioReport {
  const first = parts[0]!
  const errored = parts.findIndex(p => p.verdict === 'errored')
  if (errored >= 0) {
    const p = parts[errored]!
    return {
      ...p,
      ...noteFields([{ kind: 'load-leg-errored', leg: legs[errored]! }, ...noteItems(p)])
    }
  }
  const keys = [...new Set(parts.flatMap(p => p.runs.map(r => `${r.side}:${r.round}`)))]
  const runs: RunRecord[] = keys.map(key => {
    const [side, round] = key.split(':') as ['head' | 'base', string]
    const same = parts.map(p => p.runs.find(r => r.side === side && r.round === Number(round)))
    const joined = same.every(Boolean) ? mergeLoadRuns(same as RunRecord[]) : { metrics: {} as MetricValues }
    return { side, round: Number(round), ...joined }
  })
  const head = runs.filter(r => r.side === 'head').map(r => r.metrics)
  const base = runs.filter(r => r.side === 'base').map(r => r.metrics)
  const metrics = head.length === 1 ? head[0]! : aggregateRounds(head)
  const thresholds = wordChecks(
    evaluateThresholds(
      first.checks
        .filter(c => c.kind === 'threshold')
        .map(c => ({
          metric: c.metric,
          expression: c.expression,
          severity: c.severity,
          ...parseThreshold(c.metric, c.expression),
          ...(c.source ? { source: c.source } : {})
        })),
      metrics
    )
  )
  const regressions: Check[] = first.checks
    .filter(c => c.kind === 'regression')
    .map(c => {
      const all = parts.map(p => p.checks.find(x => x.kind === 'regression' && x.metric === c.metric) ?? c)
      const worst = all.reduce((a, b) => (verdictRank(b.verdict) > verdictRank(a.verdict) ? b : a))
      const at = legLabel(legs[all.indexOf(worst)]!)
      return { ...worst, message: `worst of ${parts.length} load legs (${at}): ${worst.message}` }
    })
  const checks = [...thresholds, ...regressions]
  const perLeg = parts.map((p, i) => ({
    leg: legs[i]!,
    requests: p.metrics['requests.total'] ?? null,
    rps: p.metrics['throughput.ok_rps'] ?? null,
    p99: p.metrics['latency.p99'] ?? null
  }))
  const lags = parts.flatMap((p, i) => {
    const lag = p.metrics['generator.lag']
    return num(lag) ? [{ leg: legs[i]!, lag }] : []
  })
  return {
    name: first.name,
    verdict: scenarioVerdict(checks, false),
    load: first.load,
    metrics,
    ...(base.length ? { baseMetrics: base.length === 1 ? base[0]! : aggregateRounds(base) } : {}),
    checks,
    runs,
    ...noteFields([
      { kind: 'load-joined', legs: parts.length },
      { kind: 'load-per-leg', legs: perLeg },
      ...(lags.length ? [{ kind: 'load-lag-per-leg' as const, legs: lags }] : [])
    ])
  }
}
