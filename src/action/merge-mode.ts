/**
 * `mode: merge`: the job that `needs:` a sharded suite's legs joins their report folders (downloaded artifacts
 * under `artifact-path`) into one report, one verdict and one sticky comment.
 *
 * - In the measuring workflow (pull_request, push), each leg's report.json is read and schema-checked, and the
 *   merged report is published as a single run's would be (files, summary, outputs, comment; a fork PR gets no
 *   comment, and perfgate-result.json of the merged report is written for a `mode: report` commenter).
 * - In a `workflow_run` commenter, each leg's perfgate-result.json is parsed as untrusted data, as the single
 *   artifact is in report mode; the legs must name the same PR, head SHA and comment, and the PR is checked
 *   against the triggering run before the comment is posted.
 */
import * as core from '@actions/core'
import path from 'node:path'
import { jobFails } from '../compare/verdict.js'
import { createClient, type ClientFactory } from '../github/client.js'
import { commentMarker, upsertStickyComment } from '../github/comment.js'
import { readPrContext } from '../github/context.js'
import { explainApiError } from '../github/errors.js'
import {
  ARTIFACT_FILE,
  parseResultArtifact,
  readArtifactFromDir,
  resolveWorkflowRunPr,
  triggeringRunUrl,
  type ResultArtifact
} from '../github/workflow-run.js'
import { renderComment, renderSummary } from '../report/markdown.js'
import { mergeLegReports, mergedOnInconclusive, type LegInput } from '../shard/merge-legs.js'
import type { Report } from '../model/report.js'
import { writeReportFiles } from '../report/write.js'
import { legDirectories, readLegDir } from '../shard/read.js'
import { reportAnnotations, type Annotation } from './annotations.js'
import { publishComment } from './comment.js'
import { readEventPayload } from './event.js'
import type { ActionInputs } from './inputs.js'
import { runUrl } from './publish.js'
import { capSummary, writeSummary } from './summary.js'
import { logText } from './safe-log.js'

export interface MergeHooks {
  /** the workflow's environment (the door reads it; nothing here does) */
  env: NodeJS.ProcessEnv
  warn: (message: string) => void
  annotate: (annotations: Annotation[]) => void
  /** how the GitHub client is made (default createClient) */
  createClient?: ClientFactory
}

/** The legs' directories: artifact-path's subdirectories, or one directory per line. */
async function legDirs(inputs: ActionInputs, file: string): Promise<string[]> {
  if (!inputs.artifactPath)
    throw new Error(
      "mode: merge needs the artifact-path input: where actions/download-artifact put the legs' report folders"
    )
  const paths = inputs.artifactPath
    .split('\n')
    .map(p => p.trim())
    .filter(Boolean)
    .map(p => path.resolve(inputs.workspace, p))
  return legDirectories(paths, file)
}

const legName = (inputs: ActionInputs, dir: string) => path.relative(inputs.workspace, dir) || dir

/** Files, outputs and the job's verdict of a merged report (both paths). */
async function publishFiles(
  report: Report,
  inputs: ActionInputs,
  hooks: MergeHooks,
  links: { runUrl?: string },
  verdict: string = report.verdict
): Promise<boolean> {
  const files = await writeReportFiles(report, inputs.outDir, { ...links, artifactName: 'perfgate-report' })
  await writeSummary(
    capSummary(renderSummary(report, { ...links, artifactName: 'perfgate-report' })),
    hooks.env
  )
  hooks.annotate(reportAnnotations(report, report.config.file))
  for (const problem of report.merge?.problems ?? [])
    hooks.annotate([{ level: 'error', title: 'perfgate merge', message: problem }])
  core.setOutput('verdict', verdict)
  core.setOutput('report', files.json)
  core.setOutput('html', files.html)
  core.setOutput('summary', files.summary)
  core.setOutput('junit', files.junit)
  core.setOutput('metrics', files.metrics)
  const failing = report.scenarios.flatMap(s => s.checks.filter(c => c.verdict === 'fail'))
  core.setOutput('regressions', String(failing.filter(c => c.kind === 'regression').length))
  core.setOutput('failed-checks', String(failing.length))
  return jobFails(report.verdict, inputs.onInconclusive ?? mergedOnInconclusive(report))
}

function finish(report: Report, failing: boolean): void {
  if (failing) core.setFailed(report.headline)
  else logText(report.headline)
}

/** The measuring workflow's merge job: legs' report.json files, published like one run's report. */
async function mergeInWorkflow(inputs: ActionInputs, hooks: MergeHooks): Promise<void> {
  const dirs = await legDirs(inputs, 'report.json')
  const legs = await Promise.all(dirs.map(d => readLegDir(d, legName(inputs, d))))
  const report = mergeLegReports(legs)
  const url = runUrl(hooks.env)
  const failing = await publishFiles(report, inputs, hooks, { runUrl: url })
  const commentUrl = await publishComment(report, inputs, {
    failing,
    runUrl: url,
    outDir: inputs.outDir,
    warn: hooks.warn,
    env: hooks.env
  })
  core.setOutput('comment-url', commentUrl ?? '')
  finish(report, failing)
}

/** The result artifacts of the legs must belong to one pull request, commit and comment. */
function sameTarget(artifact: ResultArtifact, ref: ResultArtifact): string | undefined {
  if (artifact.prNumber !== ref.prNumber)
    return `it names PR #${artifact.prNumber}, the others #${ref.prNumber}`
  if (artifact.headSha !== ref.headSha)
    return `its head SHA ${artifact.headSha.slice(0, 12)} is not the others' ${ref.headSha.slice(0, 12)}`
  if (artifact.commentId !== ref.commentId)
    return `its comment id ${artifact.commentId} is not the others' ${ref.commentId}`
  return undefined
}

/** The workflow_run commenter: every leg's result artifact parsed as untrusted, merged, and the comment posted. */
async function mergeInCommenter(inputs: ActionInputs, hooks: MergeHooks): Promise<void> {
  const dirs = await legDirs(inputs, ARTIFACT_FILE)
  const artifacts: Array<ResultArtifact | undefined> = []
  const legs: LegInput[] = []
  for (const dir of dirs) {
    const source = legName(inputs, dir)
    try {
      const artifact = parseResultArtifact(await readArtifactFromDir(dir))
      artifacts.push(artifact)
      legs.push({ source, report: artifact.report })
    } catch (err) {
      artifacts.push(undefined)
      legs.push({ source, problem: (err as Error).message })
    }
  }
  const ref = artifacts.find((a): a is ResultArtifact => a !== undefined)
  if (ref)
    artifacts.forEach((a, i) => {
      const mismatch = a && sameTarget(a, ref)
      if (mismatch)
        legs[i] = { source: legs[i]!.source, problem: `refusing its result artifact: ${mismatch}` }
    })
  const report = mergeLegReports(legs)
  const payload = readEventPayload(hooks.env)
  const ctx = readPrContext(hooks.env, payload)
  const links = { runUrl: triggeringRunUrl(payload, ctx.serverUrl, ctx.repo) ?? ctx.runUrl }
  // the legs' verdict becomes this step's output only once the artifacts are bound to the triggering run
  const failing = await publishFiles(report, inputs, hooks, links, ref ? 'errored' : report.verdict)
  core.setOutput('comment-url', '')
  if (!ref) return finish(report, failing)
  if (!inputs.token)
    throw new Error('mode: merge in a workflow_run workflow needs a github-token with pull-requests: write')
  const octokit = (hooks.createClient ?? createClient)(inputs.token, {
    apiUrl: ctx.apiUrl,
    log: message => logText(message)
  })
  let pr: Awaited<ReturnType<typeof resolveWorkflowRunPr>> | undefined
  try {
    pr = await resolveWorkflowRunPr(octokit, payload, ref, ctx.repo)
  } catch (err) {
    hooks.warn(explainApiError(err, `pull request #${ref.prNumber}`, 'read'))
  }
  if (pr && !pr.ok) hooks.warn(`perfgate: not commenting: ${pr.reason}`)
  if (pr?.ok) {
    core.setOutput('verdict', report.verdict)
    try {
      const result = await upsertStickyComment(octokit, {
        owner: ctx.repo.owner,
        repo: ctx.repo.repo,
        issueNumber: pr.prNumber,
        id: ref.commentId,
        previousIds: ref.previousCommentIds,
        body: renderComment(report, {
          ...links,
          artifactName: 'perfgate-report',
          marker: commentMarker(ref.commentId)
        }),
        mode: inputs.comment,
        failing,
        log: (message: string) => logText(message)
      })
      core.setOutput('comment-url', result.url ?? '')
      logText(`perfgate: comment ${result.action} on PR #${pr.prNumber}`)
    } catch (err) {
      hooks.warn(explainApiError(err, `the comment on pull request #${ref.prNumber}`))
    }
  }
  finish(report, failing)
}

export async function runMergeMode(inputs: ActionInputs, hooks: MergeHooks): Promise<void> {
  if (hooks.env.GITHUB_EVENT_NAME === 'workflow_run') return mergeInCommenter(inputs, hooks)
  return mergeInWorkflow(inputs, hooks)
}
