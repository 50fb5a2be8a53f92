import type { LoadProgress } from '../load/types.js'
import type { ScenarioReport } from '../report/types.js'

/** What the engine reports while it works; the CLI draws progress from these, the action logs them. */
export type EngineEvent =
  | { type: 'service-starting'; label: string; command: string }
  | { type: 'service-ready'; label: string; pid: number; ms: number }
  | { type: 'service-stopped'; label: string }
  | { type: 'measure-start'; scenario: string; label: string; round?: number }
  | { type: 'progress'; scenario: string; label: string; round?: number; progress: LoadProgress }
  | { type: 'measure-end'; scenario: string; label: string; round?: number; summary: string }
  | { type: 'scenario-done'; scenario: ScenarioReport }
  | { type: 'info'; message: string }
  | { type: 'warning'; message: string }

export type EventSink = (event: EngineEvent) => void

export const ignoreEvents: EventSink = () => undefined
