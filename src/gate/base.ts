import { existsSync, statSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { gitOutput, tryGitOutput } from '../git/run.js'
import { runBuild } from '../service/spawn.js'
import { longStep, type EventSink } from '../measure/events.js'

/**
 * Time limits of the git calls here: a local one (merge-base, log, worktree add) and one that talks to the remote
 * (deepening a shallow clone). A hung git never holds the job; the call is stopped with its process group.
 */
export const GIT_LIMITS = { localMs: 2 * 60_000, networkMs: 5 * 60_000 }

/** The base could not be prepared: it is missing or unreachable (base-unavailable), or its build failed. */
export class BaseError extends Error {
  constructor(
    message: string,
    readonly kind: 'base-unavailable' | 'build-failed' = 'base-unavailable'
  ) {
    super(message)
  }
}

export interface PreparedBase {
  dir: string
  sha?: string
  /** how it was prepared, for the report's notes */
  description: string
  cleanup(): Promise<void>
}

const git = (cwd: string, args: string[]) => gitOutput(cwd, args, { timeoutMs: GIT_LIMITS.localMs })
const tryGit = (cwd: string, args: string[], timeoutMs = GIT_LIMITS.localMs) =>
  tryGitOutput(cwd, args, { timeoutMs })

/** A fetch: the network limit. */
const tryFetch = (cwd: string, args: string[]) => tryGit(cwd, ['fetch', ...args], GIT_LIMITS.networkMs)

/** Worktrees made and not yet removed: a cancelled run removes them. */
const worktrees = new Set<() => Promise<void>>()

export async function removeAllWorktrees(): Promise<void> {
  await Promise.all([...worktrees].map(cleanup => cleanup()))
}

/** A directory given for one side (`what`: "base", "head"): it must exist (else `hint` says what to do) and be a directory. */
export function requireSideDir(dir: string, what: string, hint: string): void {
  if (!existsSync(dir)) throw new BaseError(`the ${what} directory ${dir} does not exist: ${hint}`)
  if (!statSync(dir).isDirectory()) throw new BaseError(`the ${what} directory ${dir} is not a directory`)
}

/** A base directory the workflow built itself: it must exist and be a directory. */
export function useBaseDir(dir: string): PreparedBase {
  requireSideDir(
    dir,
    'base',
    'build the base there first, or leave base-dir empty to let perfgate make one from the merge-base'
  )
  return { dir, description: `base from the directory ${dir}`, cleanup: async () => undefined }
}

/**
 * The commit to compare against: the merge-base of HEAD and the base ref. On a shallow clone the history is
 * deepened until the merge-base appears (or the clone is unshallowed).
 */
/** The merge-base of HEAD and `ref` from what the clone already has (no fetch); undefined when it cannot tell. */
export function localMergeBase(repoDir: string, ref: string): Promise<string | undefined> {
  return tryGit(repoDir, ['merge-base', 'HEAD', ref])
}

export async function findMergeBase(repoDir: string, baseRef: string, events: EventSink): Promise<string> {
  const direct = await localMergeBase(repoDir, baseRef)
  if (direct) return direct
  const shallow = (await tryGit(repoDir, ['rev-parse', '--is-shallow-repository'])) === 'true'
  const remoteBranch = baseRef.replace(/^origin\//, '')
  if (shallow) {
    for (const depth of [50, 500]) {
      await longStep(
        events,
        `shallow clone: fetching ${depth} more commits to find the merge-base with ${baseRef}`,
        () =>
          tryFetch(repoDir, [
            '--no-tags',
            `--deepen=${depth}`,
            'origin',
            `+refs/heads/${remoteBranch}:refs/remotes/origin/${remoteBranch}`
          ])
      )
      const found = await tryGit(repoDir, ['merge-base', 'HEAD', baseRef])
      if (found) return found
    }
    await longStep(events, 'shallow clone: fetching the whole history to find the merge-base', () =>
      tryFetch(repoDir, [
        '--no-tags',
        '--unshallow',
        'origin',
        `+refs/heads/${remoteBranch}:refs/remotes/origin/${remoteBranch}`
      ])
    )
    const found = await tryGit(repoDir, ['merge-base', 'HEAD', baseRef])
    if (found) return found
  } else if (!(await tryGit(repoDir, ['rev-parse', '--verify', '--quiet', `${baseRef}^{commit}`]))) {
    await tryFetch(repoDir, [
      '--no-tags',
      'origin',
      `+refs/heads/${remoteBranch}:refs/remotes/origin/${remoteBranch}`
    ])
    const found = await tryGit(repoDir, ['merge-base', 'HEAD', baseRef])
    if (found) return found
  }
  throw new BaseError(
    `could not find the merge-base of HEAD and ${baseRef}${shallow ? ' (the clone is shallow and fetching more history did not help)' : ''}: ` +
      'check out with actions/checkout and fetch-depth: 0, or pass base-dir / --base with a built base'
  )
}

/** Makes the base itself: a git worktree at `sha`, then `service.build` in it. */
export async function worktreeBase(
  repoDir: string,
  sha: string,
  build: string | undefined,
  events: EventSink,
  onSpawned?: (pid: number) => void
): Promise<PreparedBase> {
  const parent = await mkdtemp(path.join(os.tmpdir(), 'perfgate-base-'))
  const dir = path.join(parent, 'base')
  // registered before the worktree exists, so a run cancelled while it is being made still removes it
  let removing: Promise<void> | undefined
  const cleanup = () =>
    (removing ??= (async () => {
      await tryGit(repoDir, ['worktree', 'remove', '--force', dir])
      await rm(parent, { recursive: true, force: true })
      await tryGit(repoDir, ['worktree', 'prune'])
      worktrees.delete(cleanup)
    })())
  worktrees.add(cleanup)
  try {
    await git(repoDir, ['worktree', 'add', '--detach', dir, sha])
  } catch (err) {
    await cleanup()
    throw new BaseError(
      `could not create a git worktree at ${sha.slice(0, 12)}: ${(err as Error).message.trim()}`
    )
  }
  if (build) {
    try {
      await longStep(events, `building the base (${sha.slice(0, 12)}): ${build}`, () =>
        runBuild(build, dir, { onSpawned, onLine: line => events({ type: 'step-output', line }) })
      )
    } catch (err) {
      await cleanup()
      throw new BaseError(
        `the base (${sha.slice(0, 12)}) could not be built: ${(err as Error).message}`,
        'build-failed'
      )
    }
  }
  return {
    dir,
    sha,
    description: `base built from the merge-base ${sha.slice(0, 12)} in a git worktree`,
    cleanup
  }
}

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
