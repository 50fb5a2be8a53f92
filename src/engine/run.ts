import type { Config, Scenario } from '../config/types.js'
import { configHash } from '../config/load.js'
import { evaluateThresholds } from '../compare/thresholds.js'
import { scenarioVerdict } from '../compare/verdict.js'
import { buildReport } from '../report/build.js'
import type { Check, Report, RunRecord, ScenarioError, ScenarioReport } from '../report/types.js'
import type { ServiceHandle } from '../service/types.js'
import { ignoreEvents, type EventSink } from './events.js'
import { measureScenario } from './measure.js'
import { startForMeasurement, stopQuietly } from './service.js'

export interface RunOptions {
  events?: EventSink
  onSpawned?: (pid: number) => void
  /** extra environment for the service (the demo uses it to turn on the example's knobs) */
  serviceEnv?: Record<string, string>
  git?: Report['git']
}

/** Regression checks cannot be decided without a base: they are reported as skipped. */
export function skippedRegressions(scenario: Scenario, why: string): Check[] {
  return scenario.regression.map(r => ({
    kind: 'regression' as const,
    metric: r.metric,
    expression: r.expression,
    severity: r.severity,
    verdict: 'skipped' as const,
    message: why,
    source: r.source
  }))
}

export function erroredScenario(
  scenario: Scenario,
  error: ScenarioError,
  runs: RunRecord[] = []
): ScenarioReport {
  return {
    name: scenario.name,
    verdict: 'errored',
    load: scenario.load,
    metrics: runs[0]?.metrics ?? {},
    checks: [],
    error,
    runs,
    notes: []
  }
}

/** `perfgate run`: start the service once, measure every scenario, check the absolute limits. */
export async function runGate(config: Config, options: RunOptions = {}): Promise<Report> {
  const events = options.events ?? ignoreEvents
  const startedAt = Date.now()
  const scenarios: ScenarioReport[] = []
  const notes: string[] = []
  let service: ServiceHandle | undefined
  let startError: ScenarioError | undefined
  try {
    for (const scenario of config.scenarios) {
      if (startError) {
        scenarios.push(erroredScenario(scenario, startError))
        continue
      }
      if (!service || service.exitInfo()) {
        if (service) notes.push(`the service was restarted before ${scenario.name} because it had exited`)
        await stopQuietly(service, 'head', events)
        const started = await startForMeasurement(config.service, {
          label: 'head',
          env: options.serviceEnv,
          events,
          onSpawned: options.onSpawned
        })
        if ('error' in started) {
          startError = started.error
          scenarios.push(erroredScenario(scenario, startError))
          continue
        }
        service = started.service
      }
      const record = await measureScenario(scenario, service, {
        side: 'head',
        round: 1,
        label: 'head',
        events
      })
      const report = record.error
        ? erroredScenario(scenario, record.error, [record])
        : scenarioFromRecord(scenario, record)
      events({ type: 'scenario-done', scenario: report })
      scenarios.push(report)
      if (scenario.suite?.kind === 'stress') {
        // a stress ramp may leave the service degraded: the next scenario gets a fresh process
        await stopQuietly(service, 'head', events)
        service = undefined
      }
    }
  } finally {
    await stopQuietly(service, 'head', events)
  }
  return buildReport({
    config,
    configHash: configHash(config),
    mode: 'run',
    scenarios,
    startedAt,
    notes,
    git: options.git
  })
}

function scenarioFromRecord(scenario: Scenario, record: RunRecord): ScenarioReport {
  const checks = [
    ...evaluateThresholds(scenario.thresholds, record.metrics),
    ...skippedRegressions(scenario, 'no baseline to compare with: run perfgate compare, or store baselines')
  ]
  return {
    name: scenario.name,
    verdict: scenarioVerdict(checks, false),
    load: scenario.load,
    metrics: record.metrics,
    checks,
    runs: [record],
    notes: [],
    ...(record.suite ? { suite: record.suite } : {})
  }
}
