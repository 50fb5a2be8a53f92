import { execFileSync } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_TERMINAL_PROMPT: '0'
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8', maxBuffer: 64 << 20 }).trim()
}

/** A bare "remote" with a main branch of a few commits, and helpers to clone it, all in one temp dir. */
export class GitSandbox {
  root = ''
  remote = ''
  commits: string[] = []

  async start(commits = 3): Promise<this> {
    this.root = await mkdtemp(path.join(os.tmpdir(), 'perfgate-git-'))
    this.remote = path.join(this.root, 'remote.git')
    git(this.root, 'init', '-q', '--bare', '-b', 'main', this.remote)
    // a force push would be refused: tests prove the store never needs one
    git(this.remote, 'config', 'receive.denyNonFastForwards', 'true')
    git(this.remote, 'config', 'receive.denyDeletes', 'true')
    const seed = path.join(this.root, 'seed')
    git(this.root, 'init', '-q', '-b', 'main', seed)
    git(seed, 'remote', 'add', 'origin', this.remote)
    for (let i = 1; i <= commits; i++) {
      git(seed, 'commit', '-q', '--allow-empty', '-m', `commit ${i}`)
      this.commits.push(git(seed, 'rev-parse', 'HEAD'))
    }
    git(seed, 'push', '-q', 'origin', 'HEAD:refs/heads/main')
    return this
  }

  clone(name: string, options: { shallow?: boolean } = {}): string {
    const dir = path.join(this.root, name)
    const source = options.shallow ? `file://${this.remote}` : this.remote
    git(this.root, 'clone', '-q', ...(options.shallow ? ['--depth', '1'] : []), source, dir)
    return dir
  }

  /** Commit ids on the remote branch, newest first. */
  branchLog(branch: string): string[] {
    return git(this.remote, 'rev-list', branch).split('\n').filter(Boolean)
  }

  files(branch: string): string[] {
    return git(this.remote, 'ls-tree', '-r', '--name-only', branch).split('\n').filter(Boolean)
  }

  async stop(): Promise<void> {
    if (this.root) await rm(this.root, { recursive: true, force: true })
  }
}
