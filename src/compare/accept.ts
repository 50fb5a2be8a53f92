import type { CheckData } from '../model/check.js'

/** An intended regression: `Perf-Accepted: <scenario> <metric>` (either may be `*`) or the perf-accepted label. */
export interface Acceptance {
  scenario: string
  metric: string
  by: string
}

export const ACCEPT_LABEL = 'perf-accepted'
const TRAILER = /^([A-Za-z0-9][A-Za-z0-9-]*)[ \t]*:[ \t]*(.*)$/
const ACCEPT_VALUE = /^(\S+)(?:\s+(\S+))?\s*$/
/** Lines git writes itself; a block holding one may also hold prose, as long as a quarter of it is trailers. */
const GIT_GENERATED = /^(Signed-off-by: |\(cherry picked from commit )/

/**
 * The trailer lines of a commit message, by git's rules (interpret-trailers): the last paragraph, never the subject,
 * made only of `Key: value` lines and their indented continuations, or with a git-generated line and at least a
 * quarter trailers. A `Perf-Accepted:` quoted in the body is not a trailer.
 */
export function trailerLines(message: string): string[] {
  const lines = message.replace(/\r\n?/g, '\n').split('\n')
  while (lines.length && lines.at(-1)!.trim() === '') lines.pop()
  let start = lines.length
  while (start > 0 && lines[start - 1]!.trim() !== '') start--
  // the first paragraph is the subject, which is never a trailer block
  if (!lines.slice(0, start).some(l => l.trim() !== '')) return []
  const block = lines.slice(start)
  const trailers = block.filter(l => TRAILER.test(l))
  const prose = block.filter(l => !TRAILER.test(l) && !/^\s/.test(l))
  const wellFormed =
    prose.length === 0 || (block.some(l => GIT_GENERATED.test(l)) && trailers.length * 3 >= prose.length)
  return wellFormed && trailers.length > 0 ? trailers : []
}

/** Reads `Perf-Accepted:` trailers from commit messages; `by` names the commit. */
export function parseAcceptTrailers(commits: ReadonlyArray<{ sha: string; message: string }>): Acceptance[] {
  const out: Acceptance[] = []
  for (const commit of commits) {
    for (const line of trailerLines(commit.message)) {
      const [, key = '', value = ''] = TRAILER.exec(line) ?? []
      const match = key.toLowerCase() === 'perf-accepted' ? ACCEPT_VALUE.exec(value) : null
      if (!match) continue
      out.push({
        scenario: match[1]!,
        metric: match[2] ?? '*',
        by: `commit ${commit.sha.slice(0, 7)} (Perf-Accepted trailer)`
      })
    }
  }
  return out
}

export function labelAcceptance(labels: readonly string[], who = 'the PR label perf-accepted'): Acceptance[] {
  return labels.includes(ACCEPT_LABEL) ? [{ scenario: '*', metric: '*', by: who }] : []
}

const matches = (pattern: string, value: string) => pattern === '*' || pattern === value

/** A failing regression check that was accepted becomes `accepted` and names who accepted it. Thresholds stay. */
export function applyAcceptances<C extends CheckData>(
  scenario: string,
  checks: C[],
  acceptances: readonly Acceptance[]
): C[] {
  return checks.map(check => {
    if (check.kind !== 'regression' || check.verdict !== 'fail') return check
    const accepted = acceptances.find(a => matches(a.scenario, scenario) && matches(a.metric, check.metric))
    return accepted ? { ...check, verdict: 'accepted', acceptedBy: accepted.by } : check
  })
}
