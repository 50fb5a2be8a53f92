import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { git, tryGit } from './history.js'

/** Worktrees made and not yet removed: a cancelled run removes them. */
const worktrees = new Set<() => Promise<void>>()

export async function removeAllWorktrees(): Promise<void> {
  await Promise.all([...worktrees].map(remove => remove()))
}

/**
 * A detached git worktree of `repoDir` at `sha`, in a temp directory; `remove` (idempotent) deletes it and prunes
 * it from the repository. A failure to make it throws git's message, with nothing left behind.
 */
export async function addWorktree(
  repoDir: string,
  sha: string
): Promise<{ dir: string; remove: () => Promise<void> }> {
  const parent = await mkdtemp(path.join(os.tmpdir(), 'perfgate-base-'))
  const dir = path.join(parent, 'base')
  // registered before the worktree exists, so a run cancelled while it is being made still removes it
  let removing: Promise<void> | undefined
  const remove = () =>
    (removing ??= (async () => {
      await tryGit(repoDir, ['worktree', 'remove', '--force', dir])
      await rm(parent, { recursive: true, force: true })
      await tryGit(repoDir, ['worktree', 'prune'])
      worktrees.delete(remove)
    })())
  worktrees.add(remove)
  try {
    await git(repoDir, ['worktree', 'add', '--detach', dir, sha])
  } catch (err) {
    await remove()
    throw err
  }
  return { dir, remove }
}
