import type { ConfigProblem } from '../config/load.js'
import type { Report } from '../report/types.js'

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

export function capAnnotations(all: Annotation[]): Annotation[] {
  const out: Annotation[] = []
  for (const level of ['error', 'warning'] as const) {
    const ofLevel = all.filter(a => a.level === level)
    out.push(...ofLevel.slice(0, ANNOTATIONS_PER_LEVEL))
    const rest = ofLevel.length - ANNOTATIONS_PER_LEVEL
    if (rest > 0) {
      out.push({
        level,
        title: 'perfgate',
        message: `${rest} more ${level === 'error' ? 'problems' : 'warnings'}: see the job summary`
      })
    }
  }
  return out
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
