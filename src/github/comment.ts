import type { Octokit } from './client.js'

export const commentMarker = (id: string) => `<!-- perfgate:${id.replace(/-->/g, '')} -->`

/** GitHub rejects comment bodies over 65,536 characters; perfgate stays well below. */
export const COMMENT_LIMIT = 60_000

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
  const fences = kept.filter(l => l.startsWith('```')).length
  const closing: string[] = []
  if (fences % 2 === 1) closing.push('```')
  const opened =
    kept.filter(l => l.startsWith('<details')).length - kept.filter(l => l.startsWith('</details>')).length
  for (let i = 0; i < opened; i++) closing.push('</details>')
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

/** The login the token acts as: GraphQL viewer works with GITHUB_TOKEN, where users.getAuthenticated does not. */
async function viewerLogin(octokit: Octokit): Promise<string> {
  try {
    const result = await octokit.graphql<{ viewer: { login: string } }>('query { viewer { login } }')
    return result.viewer.login
  } catch {
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
  const marker = commentMarker(params.id)
  const body = truncateBody(params.body.includes(marker) ? params.body : `${marker}\n${params.body}`)
  const login = await viewerLogin(octokit)
  const comments = await octokit.paginate(octokit.rest.issues.listComments, {
    owner: params.owner,
    repo: params.repo,
    issue_number: params.issueNumber,
    per_page: 100
  })
  const ours = comments.filter(c => c.user?.login === login && (c.body ?? '').includes(marker))
  const existing = ours.at(-1)
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
