import { HEARTBEAT_MS, stepOf, type EngineEvent, type EventSink } from '../measure/events.js'
import { logText } from './safe-log.js'

export interface LogTarget {
  info(message: string): void
  warning(message: string): void
  startGroup(title: string): void
  endGroup(): void
}

/**
 * The engine's events as an Actions log: one folded group per measurement (scenario, side and round) and per long
 * step (the base's build with its output, git deepening), and a line at least every HEARTBEAT_MS while load runs,
 * with the round, the rate and the errors so far. Groups cannot nest in the Actions log, so a new group closes the
 * open one.
 */
export function actionLog(target: LogTarget, now: () => number = Date.now): EventSink {
  let open = false
  let lastLine = now()
  // every line may carry text perfgate did not write (build output, the service's command, scenario names)
  const line = (message: string) => {
    logText(message, text => target.info(text))
    lastLine = now()
  }
  const start = (title: string) => {
    if (open) target.endGroup()
    target.startGroup(title)
    open = true
    lastLine = now()
  }
  const end = () => {
    if (open) target.endGroup()
    open = false
  }
  return (event: EngineEvent) => {
    const round = stepOf(event)
    switch (event.type) {
      case 'service-starting':
        return line(`Starting the ${event.label} service: ${event.command}`)
      case 'service-ready':
        return line(`The ${event.label} service is ready (pid ${event.pid}, ${event.ms} ms)`)
      case 'measure-start':
        return start(`${event.scenario} · ${event.label}${round}`)
      case 'progress': {
        if (now() - lastLine < HEARTBEAT_MS) return
        const p = event.progress
        return line(
          `  ${event.scenario} · ${event.label}${round}: ${p.phase} ${Math.round(p.elapsedMs / 1000)}/${Math.round(p.totalMs / 1000)} s, ` +
            `${Math.round(p.currentRps)} req/s, ${p.responses} responses, ${p.errors} errors so far`
        )
      }
      case 'measure-end':
        line(`  ${event.summary}`)
        // an epoch of slices ends with the base's summary, then the head's
        return event.unit === 'epoch' && event.label === 'base' ? undefined : end()
      case 'step-start':
        return start(event.title)
      case 'step-output':
        return line(event.line)
      case 'step-end':
        end()
        if (!event.ok) line(`${event.title}: failed (its output is in the group above)`)
        return
      case 'heartbeat':
        return line(event.message)
      case 'info':
        return line(event.message)
      case 'warning':
        return target.warning(event.message)
      default:
        return
    }
  }
}
