import type { BaselineSpec } from '../config/types.js'
import type { Verdict } from '../model/check.js'

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
 * Whether this run may become a baseline: only trusted events on the default branch (a push, a maintainer's
 * workflow_dispatch, a schedule if configured), never a pull request or anything a fork can trigger, never a
 * run on another branch, never an errored run.
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
  // a schedule only ever runs on the default branch (and its payload does not name it); a push or a dispatch
  // can run on any branch, and a feature branch's run must not become the baseline its own PR is compared with
  if (ctx.event !== 'schedule') {
    if (!ctx.defaultBranch) {
      return {
        save: false,
        why: `the default branch is unknown, so this ${ctx.event} run cannot be trusted to be on it`
      }
    }
    if (ctx.ref !== `refs/heads/${ctx.defaultBranch}`) {
      return {
        save: false,
        why: `only ${ctx.event === 'push' ? 'pushes to' : `${ctx.event} runs on`} the default branch (${ctx.defaultBranch}) are stored, this one is on ${ctx.ref ?? 'an unknown ref'}`
      }
    }
  }
  if (verdict === 'errored') return { save: false, why: 'an errored run is never stored as a baseline' }
  return { save: true, why: `a ${ctx.event} run${ctx.defaultBranch ? ` on ${ctx.defaultBranch}` : ''}` }
}
