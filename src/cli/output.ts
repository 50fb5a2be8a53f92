import { HEARTBEAT_MS, stepOf, type EngineEvent, type EventSink } from '../measure/events.js'
import path from 'node:path'
import { exitCodeFor } from '../compare/verdict.js'
import type { Report } from '../model/report.js'
import { COLOR, PLAIN, renderProgress, renderTerminal, type Style } from '../report/terminal.js'
import { writeReportFiles } from '../report/write.js'
import type { CliIO, Writer } from './io.js'

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
    const round = stepOf(event)
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

/** Where run and compare write: --json puts report.json on stdout and the human output on stderr. */
export interface OutputMode {
  json: boolean
  quiet: boolean
  /** the stream for human output */
  human: Writer
  style: typeof PLAIN
}

export function outputMode(values: { json?: boolean; quiet?: boolean }, io: CliIO): OutputMode {
  const json = Boolean(values.json)
  const human = json ? io.stderr : io.stdout
  const color = io.color && (!json || Boolean((io.stderr as Writer).isTTY))
  return { json, quiet: Boolean(values.quiet), human, style: color ? COLOR : PLAIN }
}

/** Engine events for the terminal; --quiet keeps only warnings (on stderr). */
export function eventsFor(mode: OutputMode, io: CliIO): EventSink {
  if (!mode.quiet) return terminalEvents(mode.human, mode.style)
  return event => {
    if (event.type === 'warning') io.stderr.write(`warning: ${event.message}\n`)
  }
}

/** Writes the report files and the verdict (a table, one line, or report.json); returns the exit code. */
export async function finish(
  report: Report,
  outDir: string,
  io: CliIO,
  onInconclusive: 'warn' | 'fail',
  mode: OutputMode = outputMode({}, io)
): Promise<number> {
  const { style, human } = mode
  const files = await writeReportFiles(report, outDir)
  if (mode.json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
  if (mode.quiet) {
    if (!mode.json) human.write(`${report.verdict}: ${report.headline}\n`)
  } else {
    human.write(renderTerminal(report, style))
    human.write(
      style.dim(
        `report: ${[files.json, files.html, files.junit].map(f => path.relative(io.cwd, f)).join(', ')}\n`
      )
    )
  }
  return exitCodeFor(report.verdict, onInconclusive)
}
