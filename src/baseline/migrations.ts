import { aggregateRounds } from '../compare/aggregate.js'
import type { MetricValues } from '../model/metrics.js'

/**
 * Record format migrations, one pure step per version. A step runs before the record's shape is checked, so it
 * must accept anything and leave what it does not understand for the schema check to reject.
 */

type Json = Record<string, unknown>

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const finite = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined

/** Version 1 throughput figures that counted every response; version 2 counts successes in all of them. */
const RESPONSE_RATES = ['sweep.optimal_rps', 'stress.breaking_point.rps', 'sweep.max_rps'] as const

/**
 * The share of a version 1 round's responses that succeeded, from its stored counts. Version 1 did not store
 * which 4xx/5xx answers `expect` allowed, nor the "other" transport errors, so the failed responses are the
 * smaller of two upper bounds: 4xx + 5xx + unexpected statuses (exact unless `expect` lists error statuses) and
 * every failed request less its connect, timeout and reset errors (exact unless there were other transport
 * errors). Only a run that had both expected error statuses and other transport errors gets too low a share.
 */
export function storedSuccessShare(metrics: MetricValues): number | undefined {
  const responses = finite(metrics['requests.total'])
  const s4xx = finite(metrics['status.4xx'])
  const s5xx = finite(metrics['status.5xx'])
  if (responses === undefined || s4xx === undefined || s5xx === undefined) return undefined
  if (responses <= 0) return 1
  const bounds = [s4xx + s5xx + (finite(metrics['status.unexpected']) ?? 0)]
  const failed = finite(metrics['errors.total'])
  const transport = ['errors.connect', 'errors.timeout', 'errors.reset'].map(k => finite(metrics[k]))
  if (failed !== undefined && transport.every(n => n !== undefined)) {
    bounds.push(failed - transport.reduce((a: number, n) => a + n!, 0))
  }
  const failedResponses = Math.min(responses, Math.max(0, Math.min(...bounds)))
  return (responses - failedResponses) / responses
}

/** One version 1 round's metrics with throughput.ok_rps added and the suites' throughput counting successes. */
function roundMetricsV2(metrics: MetricValues): MetricValues {
  const share = storedSuccessShare(metrics)
  if (share === undefined) return metrics
  const out: MetricValues = { ...metrics }
  const rps = finite(metrics['throughput.rps'])
  if (rps !== undefined) out['throughput.ok_rps'] = rps * share
  for (const key of RESPONSE_RATES) {
    const value = finite(metrics[key])
    // a sweep's or stress's round holds the metrics of its knee or last sustainable step: the same share
    if (value !== undefined) out[key] = value * share
  }
  return out
}

function scenarioV2(scenario: unknown): unknown {
  if (!isObject(scenario) || !Array.isArray(scenario.rounds) || !isObject(scenario.metrics)) return scenario
  const rounds = scenario.rounds.map(round =>
    isObject(round) && isObject(round.metrics)
      ? { ...round, metrics: roundMetricsV2(round.metrics as MetricValues) }
      : round
  )
  // the scenario's figures aggregate its rounds (as the report does): aggregate the migrated ones the same way
  const migrated = aggregateRounds(
    rounds.map(r => (isObject(r) && isObject(r.metrics) ? (r.metrics as MetricValues) : {}))
  )
  const metrics: MetricValues = { ...(scenario.metrics as MetricValues) }
  for (const key of ['throughput.ok_rps', ...RESPONSE_RATES]) {
    if (typeof migrated[key] === 'number') metrics[key] = migrated[key]
  }
  return { ...scenario, metrics, rounds }
}

/**
 * Version 1 to 2: throughput.ok_rps (successful responses per second) is new, and sweep.optimal_rps,
 * sweep.max_rps and stress.breaking_point.rps now count successes. Both are derived from the round's stored
 * counts (storedSuccessShare); sweep.max_rps is scaled by its knee step's share, as its own step's counts were
 * not stored.
 */
export function v1ToV2(data: Json): Json {
  const scenarios = Array.isArray(data.scenarios) ? data.scenarios.map(scenarioV2) : data.scenarios
  return { ...data, schemaVersion: 2, scenarios }
}
