import type { Report } from '../model/report.js'

export interface BaselineLine {
  kind: 'used' | 'none' | 'saved' | 'not-saved'
  text: string
}

/** Which stored run was compared with (or why none), and whether this run was stored: plain lines. */
export function baselineText(report: Report): BaselineLine[] {
  const b = report.baseline
  if (!b) return []
  const lines: BaselineLine[] = [
    b.state === 'used'
      ? { kind: 'used', text: `compared with a stored run (${b.store}): ${b.message}` }
      : { kind: 'none', text: `no stored baseline to compare with (${b.store}): ${b.message}` }
  ]
  if (b.saved) lines.push({ kind: b.saved.saved ? 'saved' : 'not-saved', text: b.saved.message })
  return lines
}
