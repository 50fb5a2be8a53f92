import type { LoadProgress } from '../load/types.js'
import type { ScenarioReport } from '../model/scenario.js'

/** which step of a comparison an event belongs to: a round (one side, a fresh process) or an epoch of slices (both sides) */
export interface StepOf {
  round?: number
  /** what `round` counts; 'round' when absent */
  unit?: 'round' | 'epoch'
}

/** " round 2", " epoch 2", or nothing: the step an event belongs to, for a log line. */
export function stepOf(event: EngineEvent): string {
  return 'round' in event && event.round !== undefined ? ` ${event.unit ?? 'round'} ${event.round}` : ''
}

/** What the engine reports while it works; the CLI draws progress from these, the action logs them. */
export type EngineEvent =
  | { type: 'service-starting'; label: string; command: string }
  | { type: 'service-ready'; label: string; pid: number; ms: number }
  | { type: 'service-stopped'; label: string }
  | ({ type: 'measure-start'; scenario: string; label: string } & StepOf)
  | ({ type: 'progress'; scenario: string; label: string; progress: LoadProgress } & StepOf)
  | ({ type: 'measure-end'; scenario: string; label: string; summary: string } & StepOf)
  | { type: 'scenario-done'; scenario: ScenarioReport }
  | { type: 'info'; message: string }
  | { type: 'warning'; message: string }
  /** a long step (the base's build, git deepening) begins and ends; the action folds its output in a group */
  | { type: 'step-start'; title: string }
  | { type: 'step-output'; line: string }
  | { type: 'step-end'; title: string; ok: boolean }
  /** a long step is still running: at least every HEARTBEAT_MS */
  | { type: 'heartbeat'; message: string }

export type EventSink = (event: EngineEvent) => void

export const ignoreEvents: EventSink = () => undefined

export const HEARTBEAT_MS = 10_000

/**
 * Runs a long step (a build, a fetch) inside step-start/step-end events, with a heartbeat line every
 * HEARTBEAT_MS while it runs, so a log never goes silent for as long as the step takes.
 */
export async function longStep<T>(
  events: EventSink,
  title: string,
  work: () => Promise<T>,
  intervalMs = HEARTBEAT_MS
): Promise<T> {
  const started = Date.now()
  events({ type: 'step-start', title })
  const timer = setInterval(
    () =>
      events({
        type: 'heartbeat',
        message: `${title}: still running (${Math.round((Date.now() - started) / 1000)} s)`
      }),
    intervalMs
  )
  timer.unref()
  let ok = false
  try {
    const result = await work()
    ok = true
    return result
  } finally {
    clearInterval(timer)
    events({ type: 'step-end', title, ok })
  }
}
