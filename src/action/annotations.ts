import type { ConfigProblem } from '../config/problems.js'
import type { Report } from '../model/report.js'

export interface Annotation {
  level: 'error' | 'warning'
  message: string
  title: string
  file?: string
  line?: number
  col?: number
}

/** GitHub shows at most 10 annotations per level and step; perfgate emits 8 and one "N more" note. */
export const ANNOTATIONS_PER_LEVEL = 8

const LEVELS = ['error', 'warning'] as const

/**
 * The per-level limit for annotations that arrive during a run (engine warnings, API warnings) and at its end (the
 * report's checks): the first 8 of a level are shown as they come, later ones go to `overflow` (the log), and
 * `finish` adds one "N more" note per level.
 */
export class AnnotationBudget {
  private readonly shown = { error: 0, warning: 0 }
  private readonly held = { error: 0, warning: 0 }

  constructor(
    private readonly emit: (annotation: Annotation) => void,
    private readonly overflow: (annotation: Annotation) => void = () => undefined
  ) {}

  add(annotation: Annotation): void {
    if (this.shown[annotation.level] < ANNOTATIONS_PER_LEVEL) {
      this.shown[annotation.level]++
      this.emit(annotation)
    } else {
      this.held[annotation.level]++
      this.overflow(annotation)
    }
  }

  finish(): void {
    for (const level of LEVELS) {
      const rest = this.held[level]
      if (rest === 0) continue
      this.held[level] = 0
      this.emit({
        level,
        title: 'perfgate',
        message: `${rest} more ${level === 'error' ? 'problems' : 'warnings'}: see the job summary and the log`
      })
    }
  }
}

export function configAnnotations(problems: readonly ConfigProblem[], relativeFile: string): Annotation[] {
  return problems.map(p => ({
    level: 'error' as const,
    title: 'perfgate config',
    message: `${p.message} [${p.path || '/'}]`,
    file: relativeFile,
    line: p.line,
    col: p.col
  }))
}

export function reportAnnotations(report: Report, relativeFile: string): Annotation[] {
  const out: Annotation[] = []
  for (const s of report.scenarios) {
    if (s.error) out.push({ level: 'error', title: `perfgate: ${s.name} errored`, message: s.error.message })
    for (const c of s.checks) {
      if (c.verdict !== 'fail' && c.verdict !== 'warn' && c.verdict !== 'inconclusive') continue
      out.push({
        level: c.verdict === 'fail' ? 'error' : 'warning',
        title: `perfgate: ${s.name} ${c.metric} ${c.verdict}`,
        message: c.message,
        ...(c.source ? { file: relativeFile, line: c.source.line, col: c.source.col } : {})
      })
    }
  }
  return out
}
