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
  workflow_run: { head_sha: headSha, event: 'pull_request', head_repository: { full_name: 'mallory/r' } },
  repository: { default_branch: 'main', full_name: 'o/r' }
})
