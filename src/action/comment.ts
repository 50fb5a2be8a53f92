import * as core from '@actions/core'
import path from 'node:path'
import { writeFile } from 'node:fs/promises'
import { readPrContext, type PrContext } from '../github/context.js'
import { createClient, type ClientFactory } from '../github/client.js'
import { commentMarker, upsertStickyComment } from '../github/comment.js'
import { forkWarning } from '../github/fork.js'
import { explainApiError } from '../github/errors.js'
import type { ResultArtifact } from '../github/workflow-run.js'
import { renderComment } from '../report/markdown.js'
import type { Report } from '../model/report.js'
import type { ActionInputs } from './inputs.js'
import { readEventPayload } from './event.js'
import { logText } from './safe-log.js'

export const RESULT_ARTIFACT_FILE = 'perfgate-result.json'

interface PublishOptions {
  failing: boolean
  runUrl?: string
  outDir: string
  /** a warning annotation, within the run's annotation limit */
  warn?: (message: string) => void
  /** the workflow's environment: which repository, event and pull request */
  env: NodeJS.ProcessEnv
  /** how the GitHub client is made (default createClient) */
  createClient?: ClientFactory
}

/** The data a `workflow_run` commenter needs, written next to the report for upload as an artifact. */
async function writeResultArtifact(
  report: Report,
  ctx: PrContext,
  inputs: ActionInputs,
  outDir: string,
  failing: boolean
): Promise<void> {
  if (!ctx.prNumber || !ctx.headSha) return
  const artifact: ResultArtifact = {
    schemaVersion: 1,
    prNumber: ctx.prNumber,
    headSha: ctx.headSha,
    configFile: inputs.config,
    commentId: inputs.commentId,
    ...(inputs.previousCommentIds.length ? { previousCommentIds: inputs.previousCommentIds } : {}),
    commentMode: inputs.comment,
    failing,
    report
  }
  await writeFile(path.join(outDir, RESULT_ARTIFACT_FILE), JSON.stringify(artifact) + '\n')
}

/** The context section goes before the footer (the `<sub>` line with the run link), else at the end. */
/** Posts or updates the sticky PR comment. Never throws and never changes the verdict; returns its URL. */
export async function publishComment(
  report: Report,
  inputs: ActionInputs,
  options: PublishOptions
): Promise<string | undefined> {
  const warn = options.warn ?? ((message: string) => core.warning(message))
  let ctx: PrContext
  try {
    ctx = readPrContext(options.env, readEventPayload(options.env))
  } catch (err) {
    warn(`perfgate: no PR comment: ${(err as Error).message}`)
    return undefined
  }
  if (ctx.kind !== 'pull_request' || !ctx.prNumber) return undefined
  await writeResultArtifact(report, ctx, inputs, options.outDir, options.failing)
  // a leg of a sharded suite leaves the comment to the merge job
  if (inputs.comment === 'off' || report.shard) return undefined
  if (ctx.isFork) {
    warn(forkWarning(ctx))
    return undefined
  }
  if (!inputs.token) {
    warn('perfgate: no github-token input, so no PR comment; results are in the job summary.')
    return undefined
  }
  const body = renderComment(report, {
    marker: commentMarker(inputs.commentId),
    runUrl: options.runUrl,
    artifactName: 'perfgate-report',
    repositoryUrl: `${ctx.serverUrl}/${ctx.repo.owner}/${ctx.repo.repo}`
  })
  try {
    const octokit = (options.createClient ?? createClient)(inputs.token, {
      apiUrl: ctx.apiUrl,
      log: message => logText(message)
    })
    const result = await upsertStickyComment(octokit, {
      owner: ctx.repo.owner,
      repo: ctx.repo.repo,
      issueNumber: ctx.prNumber,
      id: inputs.commentId,
      previousIds: inputs.previousCommentIds,
      body,
      mode: inputs.comment,
      failing: options.failing,
      log: (message: string) => logText(message)
    })
    if (result.reason) logText(`perfgate: comment ${result.action}: ${result.reason}`)
    return result.url
  } catch (err) {
    warn(explainApiError(err, 'the PR comment'))
    return undefined
  }
}
