import type { PrContext } from './context.js'

/**
 * Why a fork PR gets no comment. Only said on `pull_request` events: there GitHub gives a fork's run a read-only
 * token (a private repository can be set to send write tokens to fork workflows; perfgate does not try).
 * perfgate refuses to measure under `pull_request_target`, whose token can write.
 */
export function forkWarning(ctx: PrContext): string {
  return (
    `perfgate: results were not posted as a PR comment because this pull request comes from a fork` +
    `${ctx.forkRepo ? ` (${ctx.forkRepo})` : ''}. On pull_request events GitHub gives a fork's workflow run a read-only GITHUB_TOKEN ` +
    "whatever the permissions: block says (unless a private repository is set to send write tokens to fork workflows), so perfgate does not try. Full results are in this job's summary. To get comments on fork PRs, upload " +
    'perfgate-report/ as an artifact and add a workflow_run workflow that runs perfgate with mode: report (see the README). ' +
    "Do not switch this workflow to pull_request_target: it would run the PR's code with a write token and the repository's secrets, and perfgate refuses to measure there."
  )
}
