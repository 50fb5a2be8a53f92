import { ACCEPT_LABEL, labelAcceptance, type Acceptance } from '../compare/accept.js'
import type { Octokit } from '../github/client.js'
import type { PrContext } from '../github/context.js'

/** Whether the label accepts the pull request as it is now, and who applied it or why it does not. */
export type LabelApproval = { accepted: true; login: string } | { accepted: false; reason: string }

/** Permissions (the REST API's `permission`) that can push, and so approve a change to the gate. */
const WRITE = ['admin', 'maintain', 'write']

/** Timeline events that move the pull request's head: a push (its commits) or a force push. */
const PUSHES = ['committed', 'head_ref_force_pushed']

interface TimelineEvent {
  event?: string
  label?: { name?: string }
  actor?: { login?: string } | null
}

const firstLine = (err: unknown) => ((err as Error).message ?? String(err)).split('\n')[0]

/**
 * The label approves the code it was applied to, not the code pushed after it: it counts only when this run is
 * not one for a push (`synchronize`: its payload held the label, so the label came first), when its last `labeled`
 * event comes after every push and force push in the pull request's timeline (GitHub's order of events, not the
 * commits' own dates, which their author writes), and when whoever applied it can write to the repository.
 * Anything perfgate cannot read accepts nothing.
 */
export async function labelApproval(
  octokit: Octokit,
  ctx: PrContext,
  label = ACCEPT_LABEL
): Promise<LabelApproval> {
  if (!ctx.prNumber) return { accepted: false, reason: 'there is no pull request number in the event' }
  const stale = (login?: string) => ({
    accepted: false as const,
    reason: `the ${label} label${login ? ` (applied by @${login})` : ''} predates the latest push: re-apply it to accept the pull request as it is now`
  })
  // a run for a push (synchronize) saw the label in its payload: it was there before this push, whatever the timeline says
  if (ctx.eventAction === 'synchronize') return stale()
  let timeline: TimelineEvent[]
  try {
    timeline = (await octokit.paginate(octokit.rest.issues.listEventsForTimeline, {
      owner: ctx.repo.owner,
      repo: ctx.repo.repo,
      issue_number: ctx.prNumber,
      per_page: 100
    })) as TimelineEvent[]
  } catch (err) {
    return {
      accepted: false,
      reason: `perfgate could not read the pull request's timeline (${firstLine(err)}), so it cannot tell who applied the ${label} label or when`
    }
  }
  const labeled = timeline.findLastIndex(e => e.event === 'labeled' && e.label?.name === label)
  const login = timeline[labeled]?.actor?.login
  if (labeled < 0 || !login)
    return { accepted: false, reason: `the timeline shows no one applying the ${label} label` }
  const lastPush = timeline.findLastIndex(e => PUSHES.includes(e.event ?? ''))
  if (lastPush > labeled) return stale(login)
  let permission: string
  try {
    const answer = await octokit.rest.repos.getCollaboratorPermissionLevel({
      owner: ctx.repo.owner,
      repo: ctx.repo.repo,
      username: login
    })
    permission = answer.data.permission
  } catch (err) {
    return {
      accepted: false,
      reason: `perfgate could not read @${login}'s permission on the repository (${firstLine(err)}), so the ${label} label they applied accepts nothing`
    }
  }
  if (!WRITE.includes(permission))
    return {
      accepted: false,
      reason: `the ${label} label was applied by @${login}, who cannot write to the repository (permission: ${permission}); someone with write access must apply it`
    }
  return { accepted: true, login }
}

/**
 * Accepted regressions of a pull request: only the `perf-accepted` label, applied after the latest push by someone
 * with write access, whose applier the comment names. Commit trailers (`Perf-Accepted:`) are not read in pull
 * requests: any PR author can write them into their own commits. The CLI keeps `--accept`.
 */
export function prAcceptances(ctx: PrContext, approval: LabelApproval): Acceptance[] {
  if (!approval.accepted) return []
  return labelAcceptance(ctx.labels, `the ${ACCEPT_LABEL} label, applied by @${approval.login}`)
}
