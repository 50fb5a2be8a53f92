import type { NoteData } from '../model/note.js'
import { existsSync, statSync } from 'node:fs'
import { fetchMergeBase } from '../git/history.js'
import { addWorktree } from '../git/worktree.js'
import { runBuild } from '../service/spawn.js'
import { longStep, type EventSink } from '../measure/events.js'

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
  note: Extract<NoteData, { kind: 'base-source' }>
  cleanup(): Promise<void>
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
  return { dir, note: { kind: 'base-source', source: 'directory', dir }, cleanup: async () => undefined }
}

/**
 * The commit to compare against: the merge-base of HEAD and the base ref. On a shallow clone the history is
 * deepened until the merge-base appears (or the clone is unshallowed); each fetch is a step in the log.
 */
export async function findMergeBase(repoDir: string, baseRef: string, events: EventSink): Promise<string> {
  const found = await fetchMergeBase(repoDir, baseRef, (title, step) => longStep(events, title, step))
  if (found.found) return found.sha
  throw new BaseError(
    `could not find the merge-base of HEAD and ${baseRef}${found.shallow ? ' (the clone is shallow and fetching more history did not help)' : ''}: ` +
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
  let worktree: { dir: string; remove: () => Promise<void> }
  try {
    worktree = await addWorktree(repoDir, sha)
  } catch (err) {
    throw new BaseError(
      `could not create a git worktree at ${sha.slice(0, 12)}: ${(err as Error).message.trim()}`
    )
  }
  const { dir, remove: cleanup } = worktree
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
    note: { kind: 'base-source', source: 'merge-base', sha },
    cleanup
  }
}
