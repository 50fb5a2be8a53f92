import type { PrContext } from './context.js'

export function forkWarning(ctx: PrContext): string {
  return (
    `perfgate: results were not posted as a PR comment because this pull request comes from a fork` +
    `${ctx.forkRepo ? ` (${ctx.forkRepo})` : ''}. GitHub gives pull_request workflows from forks a read-only GITHUB_TOKEN, ` +
    "whatever the permissions: block says. Full results are in this job's summary. To get comments on fork PRs, upload " +
    'perfgate-report/ as an artifact and add a workflow_run workflow that runs perfgate with mode: report (see the README). ' +
    "Do not switch this workflow to pull_request_target: it would run the PR's code with write access."
  )
}
