import { ACCEPT_LABEL, labelAcceptance, type Acceptance } from '../compare/accept.js'
import type { Octokit } from '../github/client.js'
import type { PrContext } from '../github/context.js'

/** Who applied the label, from the issue's events (the last `labeled` event of that label). */
export async function labelAppliedBy(
  octokit: Octokit,
  ctx: PrContext,
  label = ACCEPT_LABEL
): Promise<{ login?: string; problem?: string }> {
  if (!ctx.prNumber) return { problem: 'no pull request number in the event' }
  try {
    const events = await octokit.paginate(octokit.rest.issues.listEvents, {
      owner: ctx.repo.owner,
      repo: ctx.repo.repo,
      issue_number: ctx.prNumber,
      per_page: 100
    })
    const labeled = events.filter(
      e => e.event === 'labeled' && (e as { label?: { name?: string } }).label?.name === label
    )
    const login = labeled.at(-1)?.actor?.login
    return login ? { login } : { problem: 'no labeled event found' }
  } catch (err) {
    return { problem: (err as Error).message.split('\n')[0] }
  }
}

/**
 * Accepted regressions of a pull request: only the `perf-accepted` label, which takes triage rights to apply, and
 * whose applier the comment names. Commit trailers (`Perf-Accepted:`) are not read in pull requests: any PR author
 * can write them into their own commits. The CLI keeps `--accept`.
 */
export function prAcceptances(ctx: PrContext, appliedBy: { login?: string; problem?: string }): Acceptance[] {
  const who = appliedBy.login
    ? `the ${ACCEPT_LABEL} label, applied by @${appliedBy.login}`
    : `the ${ACCEPT_LABEL} label (who applied it could not be read: ${appliedBy.problem ?? 'unknown'})`
  return labelAcceptance(ctx.labels, who)
}
