import { lstat, readFile, realpath } from 'node:fs/promises'
import path from 'node:path'
import type { Report } from '../model/report.js'
import { reportProblems } from '../report/validate.js'
import type { Octokit } from './client.js'
import { COMMENT_ID_WORDS, isCommentId, type CommentMode } from './comment.js'

/** What a pull_request run leaves for the workflow_run commenter: data only, checked before use. */
export interface ResultArtifact {
  schemaVersion: 1
  prNumber: number
  headSha: string
  configFile: string
  commentId: string
  /** ids an older perfgate used for this comment, so the commenter takes that comment over instead of adding one */
  previousCommentIds?: string[]
  commentMode: CommentMode
  /** whether the pull_request run failed the job (its verdict under its on-inconclusive setting) */
  failing?: boolean
  report: Report
}

export const ARTIFACT_FILE = 'perfgate-result.json'
const MODES = ['always', 'on-change', 'on-failure', 'off']

/** Parses the artifact as untrusted data: size first, then JSON, then every field and the report's schema. */
export function parseResultArtifact(text: string, maxBytes = 5_000_000): ResultArtifact {
  const bytes = Buffer.byteLength(text)
  if (bytes > maxBytes)
    throw new Error(`the result artifact is ${bytes} bytes, over the ${maxBytes}-byte limit; refusing it`)
  let data: Partial<ResultArtifact>
  try {
    data = JSON.parse(text) as Partial<ResultArtifact>
  } catch (err) {
    throw new Error(`the result artifact is not valid JSON: ${(err as Error).message}`, { cause: err })
  }
  const problems: string[] = []
  if (typeof data !== 'object' || data === null) throw new Error('the result artifact is not a JSON object')
  if (data.schemaVersion !== 1)
    problems.push(`schemaVersion must be 1; got ${JSON.stringify(data.schemaVersion)}`)
  if (!Number.isInteger(data.prNumber) || (data.prNumber ?? 0) < 1)
    problems.push('prNumber must be a positive integer')
  if (typeof data.headSha !== 'string' || !/^[0-9a-f]{40}$/.test(data.headSha))
    problems.push('headSha must be a 40-character commit SHA')
  if (typeof data.configFile !== 'string') problems.push('configFile must be a string')
  // the id goes inside the comment's hidden HTML marker: anything outside the set could end it and inject markup
  if (!isCommentId(data.commentId)) problems.push(`commentId may hold only ${COMMENT_ID_WORDS}`)
  if (
    data.previousCommentIds !== undefined &&
    !(
      Array.isArray(data.previousCommentIds) &&
      data.previousCommentIds.length <= 5 &&
      data.previousCommentIds.every(isCommentId)
    )
  )
    problems.push(`previousCommentIds must be a list of at most 5 ids, each holding only ${COMMENT_ID_WORDS}`)
  if (!MODES.includes(String(data.commentMode)))
    problems.push(`commentMode must be one of ${MODES.join(', ')}`)
  if (data.failing !== undefined && typeof data.failing !== 'boolean')
    problems.push('failing must be true or false')
  problems.push(...reportProblems(data.report).map(p => `report${p}`))
  if (problems.length) throw new Error(`the result artifact is malformed: ${problems.slice(0, 5).join('; ')}`)
  return data as ResultArtifact
}

/** Reads perfgate-result.json from the directory the workflow downloaded the artifact into; no symlinks, no escapes. */
export async function readArtifactFromDir(dir: string, fileName = ARTIFACT_FILE): Promise<string> {
  const root = await realpath(dir)
  const file = path.resolve(root, fileName)
  if (path.relative(root, file).startsWith('..') || path.isAbsolute(path.relative(root, file))) {
    throw new Error(`the artifact file name ${fileName} escapes ${dir}`)
  }
  const info = await lstat(file).catch(() => undefined)
  if (!info)
    throw new Error(
      `no ${fileName} in ${dir}: did actions/download-artifact run, and did the pull_request run upload perfgate-report/?`
    )
  if (info.isSymbolicLink() || !info.isFile()) throw new Error(`${file} is not a regular file; refusing it`)
  if (info.size > 5_000_000)
    throw new Error(`${file} is ${info.size} bytes, over the 5,000,000-byte limit; refusing it`)
  return readFile(file, 'utf8')
}

interface WorkflowRunPayload {
  workflow_run?: {
    id?: unknown
    head_sha?: string
    head_branch?: string | null
    event?: string
    conclusion?: string | null
    head_repository?: { full_name?: string } | null
  }
}

/** The conclusions of a measuring run that finished its gate: it passed, or it failed the job with a verdict. */
const FINISHED = ['success', 'failure']

/** The pull_request run that measured and uploaded the artifact (not this commenting run), for the comment's links. */
export function triggeringRunUrl(
  payload: unknown,
  serverUrl: string,
  repo: { owner: string; repo: string }
): string | undefined {
  const id = (payload as WorkflowRunPayload).workflow_run?.id
  return Number.isSafeInteger(id) && (id as number) > 0
    ? `${serverUrl}/${repo.owner}/${repo.repo}/actions/runs/${id as number}`
    : undefined
}

/**
 * The artifact is attacker-controlled on fork PRs, so its PR number is only trusted when it is bound to the
 * triggering run: the run finished (conclusion success or failure), and the PR is open with the run's head commit,
 * from the run's head repository and branch. An API error (no permission, 404 on a private repository) is thrown,
 * for the caller to explain, not taken for a mismatch.
 */
export async function resolveWorkflowRunPr(
  octokit: Octokit,
  payload: unknown,
  artifact: ResultArtifact,
  repo: { owner: string; repo: string }
): Promise<{ ok: true; prNumber: number } | { ok: false; reason: string }> {
  const run = (payload as WorkflowRunPayload).workflow_run
  if (!run?.head_sha)
    return {
      ok: false,
      reason: 'this is not a workflow_run event: mode: report runs in a workflow_run workflow'
    }
  if (!FINISHED.includes(String(run.conclusion)))
    return {
      ok: false,
      reason: `the triggering run's conclusion is ${JSON.stringify(run.conclusion ?? null)}, not success or failure: its artifact is no finished gate (trigger the commenter with types: [completed])`
    }
  if (run.head_sha !== artifact.headSha) {
    return {
      ok: false,
      reason: `the artifact's head SHA ${artifact.headSha.slice(0, 12)} is not workflow_run.head_sha ${run.head_sha.slice(0, 12)}`
    }
  }
  const pr = await octokit.rest.pulls.get({ ...repo, pull_number: artifact.prNumber })
  if (pr.data.head.sha !== run.head_sha || pr.data.state !== 'open') {
    return {
      ok: false,
      reason: `artifact PR number #${artifact.prNumber} does not match workflow_run.head_sha (or the PR is closed)`
    }
  }
  const runRepo = run.head_repository?.full_name
  const prRepo = pr.data.head.repo?.full_name
  if (
    !runRepo ||
    !prRepo ||
    runRepo.toLowerCase() !== prRepo.toLowerCase() ||
    pr.data.head.ref !== run.head_branch
  )
    return {
      ok: false,
      reason:
        `PR #${artifact.prNumber} comes from ${prRepo ?? '(a deleted repository)'}:${pr.data.head.ref}, not from the ` +
        `triggering run's ${runRepo ?? '(unknown repository)'}:${run.head_branch ?? '(unknown branch)'}`
    }
  return { ok: true, prNumber: artifact.prNumber }
}
