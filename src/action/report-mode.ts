import * as core from '@actions/core'
import { readPrContext } from '../github/context.js'
import { createClient } from '../github/client.js'
import { commentMarker, upsertStickyComment } from '../github/comment.js'
import { explainApiError } from '../github/errors.js'
import { parseResultArtifact, readArtifactFromDir, resolveWorkflowRunPr } from '../github/workflow-run.js'
import { jobFails } from '../compare/verdict.js'
import { renderComment, renderSummary } from '../report/markdown.js'
import type { ActionInputs } from './inputs.js'
import { readEventPayload } from './event.js'
import { writeSummary } from './summary.js'

/**
 * `mode: report`, in a `workflow_run` workflow: the result artifact of a pull_request run is read as data (size and
 * schema checked, nothing executed), its PR number checked against the triggering run's head SHA, and the sticky
 * comment posted. The gate's verdict was given by the pull_request run; this step only reports it.
 */
export async function runReportMode(inputs: ActionInputs): Promise<void> {
  if (!inputs.artifactPath)
    throw new Error(
      'mode: report needs the artifact-path input (where actions/download-artifact put perfgate-result.json)'
    )
  const artifact = parseResultArtifact(await readArtifactFromDir(inputs.artifactPath))
  const payload = readEventPayload()
  const ctx = readPrContext(process.env, payload)
  const summaryOptions = { runUrl: ctx.runUrl, artifactName: 'perfgate-report' }
  await writeSummary(renderSummary(artifact.report, summaryOptions))
  core.setOutput('verdict', artifact.report.verdict)
  if (!inputs.token) throw new Error('mode: report needs a github-token with pull-requests: write')
  const octokit = createClient(inputs.token, { apiUrl: ctx.apiUrl, log: message => core.info(message) })
  const pr = await resolveWorkflowRunPr(octokit, payload, artifact, ctx.repo)
  if (!pr.ok) {
    core.warning(`perfgate: not commenting: ${pr.reason}`)
    return
  }
  const id = artifact.commentId
  try {
    const result = await upsertStickyComment(octokit, {
      owner: ctx.repo.owner,
      repo: ctx.repo.repo,
      issueNumber: pr.prNumber,
      id,
      body: renderComment(artifact.report, { ...summaryOptions, marker: commentMarker(id) }),
      mode: inputs.comment,
      failing: jobFails(artifact.report.verdict, 'warn'),
      log: (message: string) => core.info(message)
    })
    core.setOutput('comment-url', result.url ?? '')
    core.info(`perfgate: comment ${result.action} on PR #${pr.prNumber}`)
  } catch (err) {
    core.warning(explainApiError(err, 'the PR comment'))
  }
}
