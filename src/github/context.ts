/** What perfgate needs to know about the workflow run, read from the environment and the event payload. */
export interface PrContext {
  /** pull_request_target is its own kind: it runs with a write token, so nothing treats it as a pull_request */
  kind: 'pull_request' | 'pull_request_target' | 'push' | 'workflow_dispatch' | 'workflow_run' | 'other'
  eventName: string
  /** the event's activity type (pull_request: opened, synchronize, labeled, ...) */
  eventAction?: string
  repo: { owner: string; repo: string }
  prNumber?: number
  headSha?: string
  baseSha?: string
  baseRef?: string
  headRef?: string
  isFork: boolean
  forkRepo?: string
  defaultBranch?: string
  labels: string[]
  runUrl?: string
  serverUrl: string
  apiUrl: string
}

interface Payload {
  action?: string
  pull_request?: {
    number?: number
    head?: { sha?: string; ref?: string; repo?: { full_name?: string; fork?: boolean } | null }
    base?: { sha?: string; ref?: string; repo?: { full_name?: string } }
    labels?: Array<{ name?: string }>
  }
  repository?: { default_branch?: string; full_name?: string }
}

const KINDS: Record<string, PrContext['kind']> = {
  pull_request: 'pull_request',
  pull_request_target: 'pull_request_target',
  push: 'push',
  workflow_dispatch: 'workflow_dispatch',
  workflow_run: 'workflow_run'
}

export function readPrContext(env: NodeJS.ProcessEnv, payload: unknown): PrContext {
  const full = env.GITHUB_REPOSITORY ?? ''
  const [owner, repo, extra] = full.split('/')
  if (!owner || !repo || extra !== undefined) {
    throw new Error(
      `GITHUB_REPOSITORY must look like "owner/repo"; got "${full}" (is this running outside GitHub Actions?)`
    )
  }
  const p = (payload ?? {}) as Payload
  const pr = p.pull_request
  const eventName = env.GITHUB_EVENT_NAME ?? 'other'
  const headRepo = pr?.head?.repo?.full_name
  // a fork PR comes from another repository: `head.repo.fork` is also true for a branch inside a forked repository
  const baseRepo = pr?.base?.repo?.full_name ?? full
  const isFork = Boolean(
    pr &&
    (pr.head?.repo === null || (headRepo !== undefined && headRepo.toLowerCase() !== baseRepo.toLowerCase()))
  )
  const serverUrl = env.GITHUB_SERVER_URL ?? 'https://github.com'
  return {
    kind: KINDS[eventName] ?? 'other',
    eventName,
    ...(typeof p.action === 'string' ? { eventAction: p.action } : {}),
    repo: { owner, repo },
    ...(pr?.number !== undefined ? { prNumber: pr.number } : {}),
    ...(pr?.head?.sha ? { headSha: pr.head.sha } : {}),
    ...(pr?.base?.sha ? { baseSha: pr.base.sha } : {}),
    ...(pr?.base?.ref ? { baseRef: pr.base.ref } : {}),
    ...(pr?.head?.ref ? { headRef: pr.head.ref } : {}),
    isFork,
    ...(isFork && headRepo ? { forkRepo: headRepo } : {}),
    ...(p.repository?.default_branch ? { defaultBranch: p.repository.default_branch } : {}),
    labels: (pr?.labels ?? []).map(l => l.name ?? '').filter(Boolean),
    ...(env.GITHUB_RUN_ID ? { runUrl: `${serverUrl}/${full}/actions/runs/${env.GITHUB_RUN_ID}` } : {}),
    serverUrl,
    apiUrl: env.GITHUB_API_URL ?? 'https://api.github.com'
  }
}
