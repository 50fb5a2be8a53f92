import type { Config, ReadyProbe, Scenario, ServiceSpec } from '../config/types.js'
import { startService } from '../service/spawn.js'
import { attachTarget } from '../service/target.js'
import { ServiceError, type ServiceHandle } from '../service/types.js'
import type { ScenarioError } from '../model/run.js'
import type { EventSink } from './events.js'

export interface StartOptions {
  label: string
  cwd?: string
  env?: Record<string, string>
  events: EventSink
  /** called with the process group id so the action can save it for its post step */
  onSpawned?: (pid: number) => void
}

/** Starts the service and reports progress; a start failure becomes a ScenarioError instead of a throw. */
export async function startForMeasurement(
  spec: ServiceSpec,
  options: StartOptions
): Promise<{ service: ServiceHandle } | { error: ScenarioError }> {
  const started = Date.now()
  options.events({ type: 'service-starting', label: options.label, command: spec.command })
  try {
    const service = await startService(spec, { label: options.label, cwd: options.cwd, env: options.env })
    options.onSpawned?.(service.pid)
    options.events({
      type: 'service-ready',
      label: options.label,
      pid: service.pid,
      ms: Date.now() - started
    })
    return { service }
  } catch (err) {
    if (err instanceof ServiceError) {
      return { error: { kind: err.kind, message: err.message, outputTail: err.outputTail } }
    }
    throw err
  }
}

/** Waits for a running target's ready probe; a target that is not ready becomes a ScenarioError. */
export async function attachForMeasurement(
  ready: ReadyProbe | undefined,
  options: Pick<StartOptions, 'label' | 'events'>
): Promise<{ service: ServiceHandle } | { error: ScenarioError }> {
  const started = Date.now()
  try {
    const service = await attachTarget(ready, `${options.label} target`)
    if (ready)
      options.events({ type: 'info', message: `the running target is ready (${Date.now() - started} ms)` })
    return { service }
  } catch (err) {
    if (err instanceof ServiceError) return { error: { kind: err.kind, message: err.message } }
    throw err
  }
}

/** Starts the config's service, or for a running target (no service section) waits for its ready probe. */
export function startOrAttach(
  config: Pick<Config, 'service' | 'ready'>,
  options: StartOptions
): Promise<{ service: ServiceHandle } | { error: ScenarioError }> {
  return config.service
    ? startForMeasurement(config.service, options)
    : attachForMeasurement(config.ready, options)
}

/** Stops the service; a service that could not be stopped (its port still held) becomes a ScenarioError. */
export async function stopQuietly(
  service: ServiceHandle | undefined,
  label: string,
  events: EventSink
): Promise<ScenarioError | undefined> {
  if (!service) return undefined
  try {
    await service.stop()
  } catch (err) {
    if (err instanceof ServiceError)
      return { kind: err.kind, message: err.message, outputTail: err.outputTail }
    throw err
  }
  events({ type: 'service-stopped', label })
  return undefined
}

export interface RoundOfScenarios {
  label: string
  events: EventSink
  /** starts a service process: the round's first, or a fresh one */
  start: () => Promise<{ service: ServiceHandle } | { error: ScenarioError }>
  measure: (scenario: Scenario, service: ServiceHandle) => Promise<void>
  /** the service had exited before `scenario` and was started again */
  onRestart: (scenario: Scenario) => void
}

/**
 * One round: every scenario against one service process, except that a scenario after a stress suite (which may
 * leave the service degraded) or after the service exited gets a fresh process. Returns the error of a start that
 * failed, or of a stop that could not free the service's port; the round's last process is always stopped.
 */
export async function measureScenariosInRound(
  scenarios: readonly Scenario[],
  round: RoundOfScenarios
): Promise<ScenarioError | undefined> {
  let service: ServiceHandle | undefined
  let error: ScenarioError | undefined
  const stop = async () => {
    const stopError = await stopQuietly(service, round.label, round.events)
    service = undefined
    error ??= stopError
  }
  try {
    for (const scenario of scenarios) {
      if (service?.exitInfo()) {
        await stop()
        if (error) return error
        round.onRestart(scenario)
      }
      if (!service) {
        const started = await round.start()
        if ('error' in started) return (error = started.error)
        service = started.service
      }
      await round.measure(scenario, service)
      if (scenario.suite?.kind === 'stress') {
        await stop()
        if (error) return error
      }
    }
  } finally {
    await stop()
  }
  return error
}
