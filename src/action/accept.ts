import { labelAcceptance, parseAcceptTrailers, type Acceptance } from '../compare/accept.js'
import { commitMessages, findMergeBase, localMergeBase } from '../engine/base.js'
import type { EventSink } from '../engine/events.js'
import type { PrContext } from '../github/context.js'

/**
 * The commit the PR's commits start after. With a base perfgate built, that base; with `base-dir` the workflow
 * built it, so the PR's base from the event payload (its merge-base with HEAD, which `git log base..HEAD` equals),
 * then the target branch.
 */
async function prStart(repo: string, ctx: PrContext, events: EventSink): Promise<string | undefined> {
  // a commit SHA cannot be fetched as a branch: use it only when the clone already has it
  const fromSha = ctx.baseSha ? await localMergeBase(repo, ctx.baseSha) : undefined
  if (fromSha || !ctx.baseRef) return fromSha
  return findMergeBase(repo, `origin/${ctx.baseRef}`, events).catch(() => undefined)
}

/** Accepted regressions: the perf-accepted label and the Perf-Accepted trailers of the PR's own commits. */
export async function prAcceptances(
  repo: string,
  builtBaseSha: string | undefined,
  ctx: PrContext,
  events: EventSink
): Promise<Acceptance[]> {
  const labels = labelAcceptance(ctx.labels)
  const start = builtBaseSha ?? (ctx.kind === 'pull_request' ? await prStart(repo, ctx, events) : undefined)
  if (!start) {
    if (ctx.kind === 'pull_request')
      events({
        type: 'warning',
        message:
          `perfgate: Perf-Accepted commit trailers were not read: the PR's base ${ctx.baseSha?.slice(0, 12) ?? ''} is not in this clone. ` +
          'Check out with fetch-depth: 0 so the PR commits can be listed.'
      })
    return labels
  }
  return [...labels, ...parseAcceptTrailers(await commitMessages(repo, start))]
}
