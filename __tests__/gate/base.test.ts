import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { once } from 'node:events'
import net from 'node:net'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { BaseError, findMergeBase, useBaseDir, worktreeBase } from '../../src/gate/base.js'
import { GIT_LIMITS, commitMessages } from '../../src/git/history.js'
import { ignoreEvents } from '../../src/measure/events.js'

let root: string
let remote: string
let work: string
let mergeBaseSha: string

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@x',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@x'
    }
  }).trim()

async function commit(dir: string, file: string, message: string): Promise<string> {
  await writeFile(path.join(dir, file), message)
  git(dir, 'add', file)
  git(dir, 'commit', '-q', '-m', message)
  return git(dir, 'rev-parse', 'HEAD')
}

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'perfgate-base-test-'))
  remote = path.join(root, 'remote.git')
  work = path.join(root, 'work')
  git(root, 'init', '-q', '--bare', '-b', 'main', remote)
  git(root, 'clone', '-q', remote, work)
  for (let i = 0; i < 5; i++) await commit(work, 'app.txt', `main ${i}`)
  mergeBaseSha = git(work, 'rev-parse', 'HEAD')
  git(work, 'push', '-q', 'origin', 'main')
  git(work, 'checkout', '-q', '-b', 'feature')
  await commit(work, 'app.txt', 'feature 1\n\nPerf-Accepted: list throughput.rps')
  await commit(work, 'app.txt', 'feature 2')
  git(work, 'push', '-q', 'origin', 'feature')
  git(work, 'checkout', '-q', 'main')
  await commit(work, 'other.txt', 'main moves on')
  git(work, 'push', '-q', 'origin', 'main')
})

afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

describe('preparing the base', () => {
  it('finds the merge-base of a full clone', async () => {
    const clone = path.join(root, 'full')
    git(root, 'clone', '-q', '-b', 'feature', remote, clone)
    expect(await findMergeBase(clone, 'origin/main', ignoreEvents)).toBe(mergeBaseSha)
    const messages = await commitMessages(clone, mergeBaseSha)
    expect(messages).toHaveLength(2)
    expect(messages.map(m => m.message).join('\n')).toContain('Perf-Accepted: list throughput.rps')
  })

  it('deepens a shallow clone until the merge-base appears', async () => {
    const clone = path.join(root, 'shallow')
    git(root, 'clone', '-q', '--depth', '1', '--no-single-branch', '-b', 'feature', `file://${remote}`, clone)
    expect(git(clone, 'rev-parse', '--is-shallow-repository')).toBe('true')
    const messages: string[] = []
    const sha = await findMergeBase(
      clone,
      'origin/main',
      e => e.type === 'step-start' && messages.push(e.title)
    )
    expect(sha).toBe(mergeBaseSha)
    expect(messages.join('\n')).toContain('shallow clone')
  })

  it('a shallow clone whose base shares no history fails clearly after deepening 50, 500 and unshallowing', async () => {
    // an unrelated branch on the remote: no amount of history gives a merge-base with it
    const orphan = path.join(root, 'orphan-src')
    git(root, 'clone', '-q', remote, orphan)
    git(orphan, 'checkout', '-q', '--orphan', 'unrelated')
    git(orphan, 'rm', '-rfq', '.')
    await commit(orphan, 'other.txt', 'unrelated 1')
    await commit(orphan, 'other.txt', 'unrelated 2')
    git(orphan, 'push', '-q', 'origin', 'unrelated')
    const clone = path.join(root, 'shallow-unrelated')
    git(root, 'clone', '-q', '--depth', '1', '--no-single-branch', '-b', 'feature', `file://${remote}`, clone)
    const messages: string[] = []
    await expect(
      findMergeBase(clone, 'origin/unrelated', e => e.type === 'step-start' && messages.push(e.title))
    ).rejects.toThrow(
      /could not find the merge-base of HEAD and origin\/unrelated \(the clone is shallow and fetching more history did not help\): check out with actions\/checkout and fetch-depth: 0/
    )
    expect(messages).toEqual([
      'shallow clone: fetching 50 more commits to find the merge-base with origin/unrelated',
      'shallow clone: fetching 500 more commits to find the merge-base with origin/unrelated',
      'shallow clone: fetching the whole history to find the merge-base'
    ])
    // the fetches really ran: the clone is whole now
    expect(git(clone, 'rev-parse', '--is-shallow-repository')).toBe('false')
  })

  it('stops a deepening fetch that hangs and fails clearly: no git call runs unbounded', async () => {
    // a "remote" that accepts connections and never answers
    const hung = net.createServer(() => undefined).listen(0, '127.0.0.1')
    await once(hung, 'listening')
    const port = (hung.address() as net.AddressInfo).port
    const clone = path.join(root, 'shallow-hung')
    git(root, 'clone', '-q', '--depth', '1', '-b', 'feature', `file://${remote}`, clone)
    git(clone, 'remote', 'set-url', 'origin', `http://127.0.0.1:${port}/o/r.git`)
    const limits = { ...GIT_LIMITS }
    GIT_LIMITS.networkMs = 500
    const started = Date.now()
    try {
      await expect(findMergeBase(clone, 'origin/main', ignoreEvents)).rejects.toThrow(
        /could not find the merge-base/
      )
      expect(Date.now() - started).toBeLessThan(8000)
    } finally {
      Object.assign(GIT_LIMITS, limits)
      hung.close()
    }
  }, 20_000)

  it('says what to do when there is no merge-base', async () => {
    const lonely = path.join(root, 'lonely')
    git(root, 'init', '-q', lonely)
    await commit(lonely, 'x.txt', 'unrelated')
    await expect(findMergeBase(lonely, 'origin/main', ignoreEvents)).rejects.toThrow(/fetch-depth: 0/)
  })

  it('makes a worktree at the merge-base, builds it, and removes it afterwards', async () => {
    const clone = path.join(root, 'wt')
    git(root, 'clone', '-q', '-b', 'feature', remote, clone)
    const base = await worktreeBase(clone, mergeBaseSha, 'echo built > build.txt', ignoreEvents)
    expect(existsSync(path.join(base.dir, 'build.txt'))).toBe(true)
    expect(git(base.dir, 'rev-parse', 'HEAD')).toBe(mergeBaseSha)
    await base.cleanup()
    expect(existsSync(base.dir)).toBe(false)
    expect(git(clone, 'worktree', 'list')).not.toContain(base.dir)
  })

  it('a base that fails to build is a clear error and leaves no worktree', async () => {
    const clone = path.join(root, 'wt-fail')
    git(root, 'clone', '-q', '-b', 'feature', remote, clone)
    await expect(worktreeBase(clone, mergeBaseSha, 'echo compiling; exit 3', ignoreEvents)).rejects.toThrow(
      BaseError
    )
    expect(git(clone, 'worktree', 'list').split('\n')).toHaveLength(1)
  })

  it('a missing base directory names the directory and what to do', () => {
    expect(() => useBaseDir('/nonexistent/base')).toThrow(
      /the base directory \/nonexistent\/base does not exist: build the base there first/
    )
  })
})
