import type { Octokit } from './client.js'

/**
 * What a comment id may hold. The id goes inside an HTML comment (`<!-- perfgate:ID -->`), and a result artifact
 * from a fork carries one, so it is limited to characters that can never end the comment (`-->`, `--!>`) or start
 * markup: letters, digits and `._:/-`, at most 100 of them.
 */
export const COMMENT_ID_RULE = /^[A-Za-z0-9._:/-]{1,100}$/
export const COMMENT_ID_WORDS = 'letters, digits and . _ : / - (1 to 100 of them)'

export const isCommentId = (id: unknown): id is string => typeof id === 'string' && COMMENT_ID_RULE.test(id)

/** Maps any text (a config path and a job id) into the comment-id set: other characters become `-`. */
export function toCommentId(text: string): string {
  const mapped = text.replace(/[^A-Za-z0-9._:/-]/g, '-').slice(0, 100)
  return mapped === '' ? 'perfgate' : mapped
}

/** The hidden marker of a comment; only ids of the allowed set are ever written or matched. */
export function commentMarker(id: string): string {
  if (!isCommentId(id))
    throw new Error(`the comment id ${JSON.stringify(id)} is refused: it may hold only ${COMMENT_ID_WORDS}`)
  return `<!-- perfgate:${id} -->`
}

/** GitHub rejects comment bodies over 65,536 characters; perfgate stays well below. */
export const COMMENT_LIMIT = 60_000

/**
 * What the kept lines leave open: a code fence (closed only by a fence at least as long, so a longer fence around
 * text with ``` lines is tracked as one block) and <details> outside code.
 */
export function closersOf(lines: readonly string[]): string[] {
  let fence: string | undefined
  let details = 0
  for (const line of lines) {
    const run = /^(`{3,})/.exec(line)?.[1]
    if (fence) {
      if (run && run.length >= fence.length && line.slice(run.length).trim() === '') fence = undefined
    } else if (run) fence = run
    else if (line.startsWith('<details')) details++
    else if (line.startsWith('</details>')) details = Math.max(0, details - 1)
  }
  return [...(fence ? [fence] : []), ...Array.from({ length: details }, () => '</details>')]
}

/** Cuts a body at a line boundary under `limit`, closing an open code fence or <details>, and says so. */
export function truncateBody(body: string, limit = COMMENT_LIMIT): string {
  if (body.length <= limit) return body
  const reserve = 400
  const lines = body.split('\n')
  const kept: string[] = []
  let size = 0
  for (const line of lines) {
    if (size + line.length + 1 > limit - reserve) break
    kept.push(line)
    size += line.length + 1
  }
  const omitted = lines.length - kept.length
  const closing = closersOf(kept)
  return [
    ...kept,
    ...closing,
    '',
    `… ${omitted} lines omitted: the full report is in the job summary and the report artifact.`,
    ''
  ].join('\n')
}

export type CommentMode = 'always' | 'on-change' | 'on-failure' | 'off'

export interface UpsertParams {
  owner: string
  repo: string
  issueNumber: number
  id: string
  /** ids this comment had before (an older default); such a comment is taken over rather than left behind */
  previousIds?: string[]
  body: string
  mode: CommentMode
  failing: boolean
  log?: (message: string) => void
}

export interface UpsertResult {
  action: 'created' | 'updated' | 'unchanged' | 'skipped'
  url?: string
  reason?: string
}

/**
 * The login the token acts as: GraphQL viewer works with GITHUB_TOKEN (where users.getAuthenticated does not) and
 * with a user's token; the REST call covers a server whose GraphQL endpoint is unavailable.
 */
async function viewerLogin(octokit: Octokit, log: (message: string) => void): Promise<string> {
  try {
    const result = await octokit.graphql<{ viewer: { login: string } }>('query { viewer { login } }')
    return result.viewer.login
  } catch (err) {
    log(`perfgate: GraphQL viewer query failed (${(err as Error).message.split('\n')[0]}); asking REST /user`)
  }
  try {
    return (await octokit.rest.users.getAuthenticated()).data.login
  } catch {
    log('perfgate: the token has no user; assuming it is GITHUB_TOKEN (github-actions[bot])')
    return 'github-actions[bot]'
  }
}

/** Lines that change on every run (the footer with the run link); ignored when deciding whether anything changed. */
const stable = (body: string) =>
  body
    .split('\n')
    .filter(l => !l.startsWith('<sub>'))
    .join('\n')

/**
 * One sticky comment per marker: found among all comments (paginated) written by the token's own identity, so a
 * user's comment that copies the marker is ignored, then updated in place or created.
 */
export async function upsertStickyComment(octokit: Octokit, params: UpsertParams): Promise<UpsertResult> {
  if (params.mode === 'off') return { action: 'skipped', reason: 'comment: off' }
  const log = params.log ?? (() => undefined)
  const marker = commentMarker(params.id)
  const body = truncateBody(params.body.startsWith(marker) ? params.body : `${marker}\n${params.body}`)
  const login = await viewerLogin(octokit, log)
  const comments = await octokit.paginate(octokit.rest.issues.listComments, {
    owner: params.owner,
    repo: params.repo,
    issue_number: params.issueNumber,
    per_page: 100
  })
  // the marker opens the body: a marker quoted further down (in a service's output, say) is not this comment's
  const mine = (m: string) => comments.filter(c => c.user?.login === login && (c.body ?? '').startsWith(m))
  const existing =
    mine(marker).at(-1) ??
    (params.previousIds ?? [])
      .filter(isCommentId)
      .map(id => mine(commentMarker(id)).at(-1))
      .find(c => c !== undefined)
  if (!existing) {
    if (params.mode === 'on-failure' && !params.failing)
      return { action: 'skipped', reason: 'the gate passed and comment is on-failure' }
    const created = await octokit.rest.issues.createComment({
      owner: params.owner,
      repo: params.repo,
      issue_number: params.issueNumber,
      body
    })
    return { action: 'created', url: created.data.html_url }
  }
  if (params.mode === 'on-change' && stable(existing.body ?? '') === stable(body)) {
    return { action: 'unchanged', url: existing.html_url, reason: 'the results did not change' }
  }
  const updated = await octokit.rest.issues.updateComment({
    owner: params.owner,
    repo: params.repo,
    comment_id: existing.id,
    body
  })
  return { action: 'updated', url: updated.data.html_url }
}
