import type { Check } from '../report/types.js'

/** An intended regression: `Perf-Accepted: <scenario> <metric>` (either may be `*`) or the perf-accepted label. */
export interface Acceptance {
  scenario: string
  metric: string
  by: string
}

export const ACCEPT_LABEL = 'perf-accepted'
const TRAILER = /^Perf-Accepted:\s*(\S+)(?:\s+(\S+))?\s*$/gim

/** Reads `Perf-Accepted:` trailers from commit messages; `by` names the commit. */
export function parseAcceptTrailers(commits: ReadonlyArray<{ sha: string; message: string }>): Acceptance[] {
  const out: Acceptance[] = []
  for (const commit of commits) {
    for (const match of commit.message.matchAll(TRAILER)) {
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
export function applyAcceptances(
  scenario: string,
  checks: Check[],
  acceptances: readonly Acceptance[]
): Check[] {
  return checks.map(check => {
    if (check.kind !== 'regression' || check.verdict !== 'fail') return check
    const accepted = acceptances.find(a => matches(a.scenario, scenario) && matches(a.metric, check.metric))
    return accepted ? { ...check, verdict: 'accepted', acceptedBy: accepted.by } : check
  })
}
