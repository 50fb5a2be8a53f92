import { HEARTBEAT_MS, type EngineEvent, type EventSink } from '../measure/events.js'
import { renderProgress, type Style } from '../report/terminal.js'

export interface Writer {
  write(text: string): void
  isTTY?: boolean
}

/** Turns engine events into terminal output: a live progress line on a TTY, plain lines otherwise. */
export function terminalEvents(out: Writer, style: Style, now: () => number = Date.now): EventSink {
  let progressShown = false
  const clear = () => {
    if (progressShown) out.write('\r\u001b[2K')
    progressShown = false
  }
  let lastLine = now()
  const line = (text: string) => {
    clear()
    out.write(text + '\n')
    lastLine = now()
  }
  return (event: EngineEvent) => {
    const round = 'round' in event && event.round !== undefined ? ` round ${event.round}` : ''
    switch (event.type) {
      case 'service-starting':
        return line(style.dim(`starting ${event.label} service: ${event.command}`))
      case 'service-ready':
        return line(style.dim(`${event.label} service ready (pid ${event.pid}, ${event.ms} ms)`))
      case 'measure-start':
        return line(`${style.bold(event.scenario)} ${style.dim(`[${event.label}${round}]`)}`)
      case 'progress':
        if (!out.isTTY) {
          // a CI log (not a terminal): a line at least every HEARTBEAT_MS while load runs, never a redrawn bar
          if (now() - lastLine < HEARTBEAT_MS) return
          return line(style.dim(renderProgress(`  ${event.label}${round}`, event.progress)))
        }
        out.write(`\r\u001b[2K${style.dim(renderProgress(`  ${event.label}${round}`, event.progress))}`)
        progressShown = true
        return
      case 'measure-end':
        return line(`  ${event.summary}`)
      case 'info':
        return line(style.dim(event.message))
      case 'warning':
        return line(style.yellow(`warning: ${event.message}`))
      case 'step-start':
        return line(style.dim(`${event.title}`))
      case 'heartbeat':
        return line(style.dim(`  ${event.message}`))
      default:
        return
    }
  }
}
