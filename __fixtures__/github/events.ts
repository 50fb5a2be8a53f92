export const sameRepoPr = {
  pull_request: {
    number: 7,
    head: { sha: 'a'.repeat(40), ref: 'feature', repo: { full_name: 'o/r', fork: false } },
    base: { sha: 'b'.repeat(40), ref: 'main', repo: { full_name: 'o/r' } },
    labels: [{ name: 'perf-accepted' }]
  },
  repository: { default_branch: 'main', full_name: 'o/r' }
}

export const forkPr = {
  pull_request: {
    number: 8,
    head: { sha: 'c'.repeat(40), ref: 'main', repo: { full_name: 'mallory/r', fork: true } },
    base: { sha: 'b'.repeat(40), ref: 'main', repo: { full_name: 'o/r' } },
    labels: []
  },
  repository: { default_branch: 'main', full_name: 'o/r' }
}

export const workflowRun = (headSha: string) => ({
  workflow_run: {
    head_sha: headSha,
    head_branch: 'feature',
    event: 'pull_request',
    conclusion: 'success',
    head_repository: { full_name: 'mallory/r' }
  },
  repository: { default_branch: 'main', full_name: 'o/r' }
})

/** An open PR as GET /pulls/N gives it, from the branch and repository workflowRun names. */
export const openPr = (
  headSha: string,
  head: { ref?: string; repo?: { full_name: string } | null } = {}
) => ({
  state: 'open',
  head: { sha: headSha, ref: 'feature', repo: { full_name: 'mallory/r' }, ...head }
})
