import * as core from '@actions/core'
import type { EventSink } from '../measure/events.js'
import { AnnotationBudget, type Annotation } from './annotations.js'
import { actionLog } from './log.js'
import { logText } from './safe-log.js'

/** One run of the action's voice in the Actions log: annotations within GitHub's per-step limit, and the events. */
export interface ActionSession {
  annotate(annotations: Annotation[]): void
  /** a warning annotation titled perfgate */
  warn(message: string): void
  /** the gate's events in the log: folded groups, build output, heartbeats (see log.ts) */
  events: EventSink
  /** notes what went past the annotation limit; call once, at the end */
  finish(): void
}

function emitAnnotation(a: Annotation): void {
  const props = { title: a.title, file: a.file, startLine: a.line, startColumn: a.col }
  if (a.level === 'error') core.error(a.message, props)
  else core.warning(a.message, props)
}

/** Every annotation of one run shares GitHub's per-step limit: the gate's and the API's warnings and the report's. */
export function startSession(): ActionSession {
  const budget = new AnnotationBudget(emitAnnotation, a =>
    logText(`${a.level} (past the annotation limit): ${a.message}`)
  )
  const warn = (message: string) => budget.add({ level: 'warning', title: 'perfgate', message })
  return {
    annotate: annotations => annotations.forEach(a => budget.add(a)),
    warn,
    events: actionLog({
      // log.ts fences what could hold a command itself
      info: message => core.info(message),
      warning: message => warn(message),
      startGroup: title => core.startGroup(title),
      endGroup: () => core.endGroup()
    }),
    finish: () => budget.finish()
  }
}
