import { gitOutput, tryGitOutput } from './run.js'

/**
 * Time limits of the git calls here: a local one (merge-base, log, worktree add) and one that talks to the remote
 * (deepening a shallow clone). A hung git never holds the job; the call is stopped with its process group.
 */
export const GIT_LIMITS = { localMs: 2 * 60_000, networkMs: 5 * 60_000 }

export const git = (cwd: string, args: string[]) => gitOutput(cwd, args, { timeoutMs: GIT_LIMITS.localMs })
export const tryGit = (cwd: string, args: string[], timeoutMs = GIT_LIMITS.localMs) =>
  tryGitOutput(cwd, args, { timeoutMs })

/** A fetch: the network limit. */
const tryFetch = (cwd: string, args: string[]) => tryGit(cwd, ['fetch', ...args], GIT_LIMITS.networkMs)

/** Runs one long step (a fetch) under a title, for the log; the default just runs it. */
export type Progress = <T>(title: string, step: () => Promise<T>) => Promise<T>

/** The merge-base of HEAD and `ref` from what the clone already has (no fetch); undefined when it cannot tell. */
export function localMergeBase(repoDir: string, ref: string): Promise<string | undefined> {
  return tryGit(repoDir, ['merge-base', 'HEAD', ref])
}

/**
 * The merge-base of HEAD and `baseRef`, fetching what it takes: a shallow clone is deepened by 50, then 500
 * commits, then unshallowed; a full clone fetches the base branch once. `shallow` tells a caller that could not
 * find it whether fetching more history was tried.
 */
export async function fetchMergeBase(
  repoDir: string,
  baseRef: string,
  progress: Progress = (_title, step) => step()
): Promise<{ found: true; sha: string } | { found: false; shallow: boolean }> {
  const direct = await localMergeBase(repoDir, baseRef)
  if (direct) return { found: true, sha: direct }
  const shallow = (await tryGit(repoDir, ['rev-parse', '--is-shallow-repository'])) === 'true'
  const remoteBranch = baseRef.replace(/^origin\//, '')
  const branchRefspec = `+refs/heads/${remoteBranch}:refs/remotes/origin/${remoteBranch}`
  const found = async () => {
    const sha = await localMergeBase(repoDir, baseRef)
    return sha ? { found: true as const, sha } : undefined
  }
  if (shallow) {
    for (const depth of [50, 500]) {
      await progress(
        `shallow clone: fetching ${depth} more commits to find the merge-base with ${baseRef}`,
        () => tryFetch(repoDir, ['--no-tags', `--deepen=${depth}`, 'origin', branchRefspec])
      )
      const sha = await found()
      if (sha) return sha
    }
    await progress('shallow clone: fetching the whole history to find the merge-base', () =>
      tryFetch(repoDir, ['--no-tags', '--unshallow', 'origin', branchRefspec])
    )
    const sha = await found()
    if (sha) return sha
  } else if (!(await tryGit(repoDir, ['rev-parse', '--verify', '--quiet', `${baseRef}^{commit}`]))) {
    await tryFetch(repoDir, ['--no-tags', 'origin', branchRefspec])
    const sha = await found()
    if (sha) return sha
  }
  return { found: false, shallow }
}

/** The top of the repository `dir` is in, or undefined outside git. */
export async function repoRoot(dir: string): Promise<string | undefined> {
  return tryGit(dir, ['rev-parse', '--show-toplevel'])
}

/** Commit messages between two commits (exclusive of `from`), for Perf-Accepted trailers. */
export async function commitMessages(
  repoDir: string,
  from: string,
  to = 'HEAD'
): Promise<Array<{ sha: string; message: string }>> {
  const out = await tryGit(repoDir, ['log', '--format=%H%x00%B%x1e', `${from}..${to}`])
  if (!out) return []
  return out
    .split('\x1e')
    .map(entry => entry.trim())
    .filter(Boolean)
    .map(entry => {
      const [sha, message = ''] = entry.split('\x00')
      return { sha: sha!, message }
    })
}

/**
 * `rev` and its ancestors, nearest first (at most `max`), for choosing a stored baseline. A shallow clone is
 * deepened once so that a few older commits with stored runs can be found.
 */
export async function ancestorsOf(repoDir: string, rev: string, max = 100): Promise<string[]> {
  const list = async () =>
    ((await tryGit(repoDir, ['rev-list', `--max-count=${max}`, rev])) ?? '').split('\n').filter(Boolean)
  let shas = await list()
  if (shas.length < max && (await tryGit(repoDir, ['rev-parse', '--is-shallow-repository'])) === 'true') {
    await tryFetch(repoDir, ['--no-tags', '--quiet', `--deepen=${max}`, 'origin'])
    shas = await list()
  }
  return shas
}

/** The commit HEAD points at, or undefined outside git. */
export async function headSha(repoDir: string): Promise<string | undefined> {
  return tryGit(repoDir, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'])
}

/** A commit on a line of history, for charts: its sha, subject and committer date (ISO 8601). */
export interface LineCommit {
  sha: string
  subject: string
  date: string
}

/**
 * The first-parent line of `ref`, oldest first (at most `max` commits, the newest ones): the order the default
 * branch moved in, one commit per merge. Empty when `ref` is unknown or outside git.
 */
export async function firstParentLine(repoDir: string, ref: string, max = 10_000): Promise<LineCommit[]> {
  const out = await tryGit(repoDir, [
    'log',
    '--first-parent',
    `--max-count=${max}`,
    '--format=%H%x00%cI%x00%s',
    ref,
    '--'
  ])
  if (!out) return []
  return out
    .split('\n')
    .filter(Boolean)
    .map(line => {
      const [sha, date = '', subject = ''] = line.split('\x00')
      return { sha: sha!, date, subject }
    })
    .reverse()
}

/** The remote's default branch (origin/HEAD), else `main` or `master` if either exists, else HEAD. */
export async function defaultBranch(repoDir: string, remote = 'origin'): Promise<string> {
  const head = await tryGit(repoDir, ['symbolic-ref', '--quiet', '--short', `refs/remotes/${remote}/HEAD`])
  if (head) return head
  for (const name of [`${remote}/main`, `${remote}/master`, 'main', 'master']) {
    if (await tryGit(repoDir, ['rev-parse', '--verify', '--quiet', `${name}^{commit}`])) return name
  }
  return 'HEAD'
}
