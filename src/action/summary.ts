import * as core from '@actions/core'
import { closersOf } from '../github/comment.js'

/** GitHub drops a step summary over 1 MiB entirely; stay well below. */
const SUMMARY_LIMIT_BYTES = 900 * 1024

/** The job summary is best effort: outside GitHub (no GITHUB_STEP_SUMMARY in `env`) it is skipped with a note. */
export async function writeSummary(markdown: string, env: NodeJS.ProcessEnv): Promise<void> {
  if (!env.GITHUB_STEP_SUMMARY) {
    core.info('perfgate: no GITHUB_STEP_SUMMARY, so no job summary (the same text is in summary.md)')
    return
  }
  try {
    await core.summary.addRaw(markdown).write()
  } catch (err) {
    core.warning(`perfgate: could not write the job summary: ${(err as Error).message}`)
  }
}

const bytesOf = (lines: readonly string[]) => lines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0)

/** The top-level <details> sections of a markdown text (first and last line), outside code fences. */
function detailSections(lines: readonly string[]): Array<[number, number]> {
  const out: Array<[number, number]> = []
  let fence: string | undefined
  let depth = 0
  let start = 0
  lines.forEach((line, i) => {
    const run = /^(`{3,})/.exec(line)?.[1]
    if (fence) {
      if (run && run.length >= fence.length && line.slice(run.length).trim() === '') fence = undefined
    } else if (run) fence = run
    else if (line.startsWith('<details')) {
      if (depth++ === 0) start = i
    } else if (line.startsWith('</details>') && depth > 0 && --depth === 0) out.push([start, i])
  })
  return out
}

/**
 * A summary under GitHub's limit: the scenarios' detail sections go first, the last first, so the verdict, the
 * headline and the table stay; only if that is not enough is the rest cut at a line, with open fences and
 * <details> closed. Either way the summary says what was cut.
 */
export function capSummary(markdown: string, limit = SUMMARY_LIMIT_BYTES): string {
  if (Buffer.byteLength(markdown) <= limit) return markdown
  const budget = limit - 2048
  const lines = markdown.split('\n')
  const sections = detailSections(lines)
  const dropped = new Array<boolean>(lines.length).fill(false)
  let total = bytesOf(lines)
  let droppedSections = 0
  for (let k = sections.length - 1; k >= 0 && total > budget; k--) {
    const [first, last] = sections[k]!
    total -= bytesOf(lines.slice(first, last + 1))
    for (let i = first; i <= last; i++) dropped[i] = true
    droppedSections++
  }
  const kept: string[] = []
  let size = 0
  let cut = false
  for (const [i, line] of lines.entries()) {
    if (dropped[i]) continue
    if (size + Buffer.byteLength(line) + 1 > budget) {
      cut = true
      break
    }
    kept.push(line)
    size += Buffer.byteLength(line) + 1
  }
  const what = [
    ...(droppedSections
      ? [`${droppedSections} detail section${droppedSections === 1 ? '' : 's'} left out`]
      : []),
    ...(cut ? ['the rest cut'] : [])
  ].join(', ')
  return [
    ...kept,
    ...closersOf(kept),
    '',
    `… ${what} to stay under GitHub’s 1 MiB summary limit; the full report is in the report artifact.`,
    ''
  ].join('\n')
}
