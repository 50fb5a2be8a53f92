import * as core from '@actions/core'
import { readPrContext } from '../github/context.js'
import { createClient, type ClientFactory } from '../github/client.js'
import { commentMarker, upsertStickyComment } from '../github/comment.js'
import { explainApiError } from '../github/errors.js'
import {
  parseResultArtifact,
  readArtifactFromDir,
  resolveWorkflowRunPr,
  triggeringRunUrl,
  type ResultArtifact
} from '../github/workflow-run.js'
import { jobFails } from '../compare/verdict.js'
import { renderComment, renderSummary } from '../report/markdown.js'
import type { ActionInputs } from './inputs.js'
import { readEventPayload } from './event.js'
import { capSummary, writeSummary } from './summary.js'
import { logText } from './safe-log.js'

/** Whether the pull_request run failed its job; artifacts from before `failing` was recorded fall back to its verdict. */
function failedItsJob(artifact: ResultArtifact): boolean {
  return artifact.failing ?? jobFails(artifact.report.verdict, 'warn')
}

/**
 * `mode: report`, in a `workflow_run` workflow: the result artifact of a pull_request run is read as data (size and
 * schema checked, nothing executed), bound to the triggering run (its conclusion, head SHA, repository and branch
 * against the PR's), and the sticky comment posted; the `verdict` output is the artifact's only once it is bound. The gate's verdict was given by the pull_request run; this step only reports it.
 */
export async function runReportMode(
  inputs: ActionInputs,
  env: NodeJS.ProcessEnv,
  warn: (message: string) => void = message => core.warning(message),
  client: ClientFactory = createClient
): Promise<void> {
  if (!inputs.artifactPath)
    throw new Error(
      'mode: report needs the artifact-path input (where actions/download-artifact put perfgate-result.json)'
    )
  const artifact = parseResultArtifact(await readArtifactFromDir(inputs.artifactPath))
  const payload = readEventPayload(env)
  const ctx = readPrContext(env, payload)
  const options = {
    runUrl: triggeringRunUrl(payload, ctx.serverUrl, ctx.repo) ?? ctx.runUrl,
    artifactName: 'perfgate-report',
    repositoryUrl: `${ctx.serverUrl}/${ctx.repo.owner}/${ctx.repo.repo}`
  }
  await writeSummary(capSummary(renderSummary(artifact.report, options)), env)
  // the artifact's verdict becomes this step's output only once the artifact is bound to the triggering run
  core.setOutput('verdict', 'errored')
  if (!inputs.token) throw new Error('mode: report needs a github-token with pull-requests: write')
  const octokit = client(inputs.token, { apiUrl: ctx.apiUrl, log: message => logText(message) })
  const id = artifact.commentId
  let pr: Awaited<ReturnType<typeof resolveWorkflowRunPr>>
  try {
    pr = await resolveWorkflowRunPr(octokit, payload, artifact, ctx.repo)
  } catch (err) {
    warn(explainApiError(err, `pull request #${artifact.prNumber}`, 'read'))
    return
  }
  if (!pr.ok) {
    warn(`perfgate: not commenting: ${pr.reason}`)
    return
  }
  core.setOutput('verdict', artifact.report.verdict)
  try {
    const result = await upsertStickyComment(octokit, {
      owner: ctx.repo.owner,
      repo: ctx.repo.repo,
      issueNumber: pr.prNumber,
      id,
      previousIds: artifact.previousCommentIds,
      body: renderComment(artifact.report, { ...options, marker: commentMarker(id) }),
      mode: inputs.comment,
      failing: failedItsJob(artifact),
      log: (message: string) => logText(message)
    })
    core.setOutput('comment-url', result.url ?? '')
    logText(`perfgate: comment ${result.action} on PR #${pr.prNumber}`)
  } catch (err) {
    warn(explainApiError(err, `the comment on pull request #${artifact.prNumber}`))
  }
}
