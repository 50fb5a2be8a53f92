interface ApiError {
  status?: number
  message?: string
  response?: { headers?: Record<string, string | undefined> }
}

const VERDICT_KEPT = 'Results are in the job summary; the gate verdict is unaffected.'

/**
 * One actionable warning line for a failed GitHub API call. `what` names the call's object ("the PR comment"),
 * `doing` what perfgate tried ("post", "read").
 */
export function explainApiError(error: unknown, what: string, doing = 'post'): string {
  const err = (error ?? {}) as ApiError
  const status = err.status
  const headers = err.response?.headers ?? {}
  const message = (err.message ?? String(error)).split('\n')[0]
  if (status === 403 && headers['x-accepted-github-permissions']) {
    return (
      `perfgate: could not ${doing} ${what}: 403 "${message}". GitHub says this call accepts: ${headers['x-accepted-github-permissions']} ` +
      '(x-accepted-github-permissions). Add to this job: permissions: { contents: read, pull-requests: write }. Your organization or ' +
      `repository may default GITHUB_TOKEN to read-only. ${VERDICT_KEPT}`
    )
  }
  if ((status === 403 || status === 429) && /\bsecondary rate\b/i.test(message)) {
    return (
      `perfgate: could not ${doing} ${what}: GitHub's secondary rate limit (${status}) persisted past perfgate's wait budget, ` +
      `so perfgate gave up rather than hold the job. Too many jobs may be calling the API at once. ${VERDICT_KEPT}`
    )
  }
  if (status === 403 || status === 429) {
    return `perfgate: could not ${doing} ${what}: GitHub answered ${status} "${message}" (a rate limit, or missing permissions: the job needs permissions: { pull-requests: write }). ${VERDICT_KEPT}`
  }
  if (status === 404) {
    return (
      `perfgate: could not ${doing} ${what}: GitHub answered 404. For private repositories GitHub answers 404 instead of 403 when the token ` +
      "lacks access: check the token's repository access and the job's permissions (pull-requests: write)."
    )
  }
  return `perfgate: could not ${doing} ${what}: ${status ? `${status} ` : ''}${message}. ${VERDICT_KEPT}`
}
