interface ApiError {
  status?: number
  message?: string
  response?: { headers?: Record<string, string | undefined> }
}

/** One actionable warning line for a failed GitHub API call. */
export function explainApiError(error: unknown, what: string): string {
  const err = (error ?? {}) as ApiError
  const status = err.status
  const headers = err.response?.headers ?? {}
  const message = (err.message ?? String(error)).split('\n')[0]
  if (status === 403 && headers['x-accepted-github-permissions']) {
    return (
      `perfgate: could not post ${what}: 403 "${message}". GitHub says this call accepts: ${headers['x-accepted-github-permissions']} ` +
      '(x-accepted-github-permissions). Add to this job: permissions: { contents: read, pull-requests: write }. Your organization or ' +
      'repository may default GITHUB_TOKEN to read-only. Results are in the job summary; the gate verdict is unaffected.'
    )
  }
  if (status === 403 || status === 429) {
    return `perfgate: could not post ${what}: GitHub answered ${status} "${message}" (a rate limit, or missing permissions). Results are in the job summary; the gate verdict is unaffected.`
  }
  if (status === 404) {
    return (
      `perfgate: GitHub answered 404 for ${what}. For private repositories GitHub answers 404 instead of 403 when the token ` +
      "lacks access: check the token's repository access and the job's permissions (pull-requests: write)."
    )
  }
  return `perfgate: could not post ${what}: ${status ? `${status} ` : ''}${message}. Results are in the job summary; the gate verdict is unaffected.`
}
