import type { BaselineSpec } from '../config/types.js'
import type { Verdict } from '../report/types.js'

export interface SaveContext {
  /** GITHUB_EVENT_NAME, or 'cli' */
  event: string
  /** GITHUB_REF, e.g. refs/heads/main */
  ref?: string
  /** the repository's default branch, from the event payload */
  defaultBranch?: string
}

const NEVER = new Set([
  'pull_request',
  'pull_request_target',
  'pull_request_review',
  'workflow_run',
  'issue_comment'
])

/**
 * Whether this run may become a baseline: only trusted events (push to the default branch, a maintainer's
 * workflow_dispatch, a schedule if configured), never a pull request or anything a fork can trigger, never an
 * errored run.
 */
export function savePolicy(
  spec: Pick<BaselineSpec, 'store' | 'saveOn'>,
  ctx: SaveContext,
  verdict?: Verdict
): { save: boolean; why: string } {
  if (spec.store === 'none') return { save: false, why: 'baseline.store is none' }
  if (NEVER.has(ctx.event)) {
    return {
      save: false,
      why: `runs of ${ctx.event} events are never stored (pull requests and forks cannot write baselines)`
    }
  }
  if (!(spec.saveOn as string[]).includes(ctx.event)) {
    return {
      save: false,
      why: `${ctx.event} is not in baseline.save-on (${spec.saveOn.join(', ') || 'empty'})`
    }
  }
  if (ctx.event === 'push') {
    if (!ctx.defaultBranch)
      return { save: false, why: 'the default branch is unknown, so a push cannot be trusted as one' }
    if (ctx.ref !== `refs/heads/${ctx.defaultBranch}`) {
      return {
        save: false,
        why: `only pushes to the default branch (${ctx.defaultBranch}) are stored, this is ${ctx.ref ?? 'an unknown ref'}`
      }
    }
  }
  if (verdict === 'errored') return { save: false, why: 'an errored run is never stored as a baseline' }
  return { save: true, why: `a ${ctx.event} run${ctx.event === 'push' ? ` to ${ctx.defaultBranch}` : ''}` }
}
