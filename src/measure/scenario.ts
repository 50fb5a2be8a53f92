import type { Scenario } from '../config/types.js'
import type { RunRecord } from '../model/run.js'
import type { ServiceHandle } from '../service/types.js'
import { countsOnly, measureOnce, summarizeMeasurement, type MeasureOptions } from './once.js'
import { measureSuite } from './suites.js'

/** One measured run of one scenario (a plain load or a whole suite) as a report record. */
export async function measureScenario(
  scenario: Scenario,
  service: ServiceHandle,
  options: MeasureOptions
): Promise<RunRecord> {
  const { events, label, round } = options
  events({ type: 'measure-start', scenario: scenario.name, label, round })
  if (scenario.suite && scenario.suite.kind !== 'load') {
    const record = await measureSuite(scenario, scenario.suite, service, options)
    events({
      type: 'measure-end',
      scenario: scenario.name,
      label,
      round,
      summary: summarizeMeasurement(record.metrics, record.error)
    })
    return record
  }
  const { load, resources, metrics, error } = await measureOnce(scenario, service, options)
  events({
    type: 'measure-end',
    scenario: scenario.name,
    label,
    round,
    summary: summarizeMeasurement(metrics, error)
  })
  return {
    side: options.side,
    round,
    metrics: error ? countsOnly(metrics) : metrics,
    ...(error ? {} : { histogram: load.histogram }),
    timeline: load.timeline,
    ...(load.warmupTimeline.length ? { warmupTimeline: load.warmupTimeline } : {}),
    resources: resources.samples,
    ...(error ? { error } : {})
  }
}
