import { randomBytes } from 'node:crypto'
import { rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {
  META_FILE,
  NewerBaselineError,
  RUNS_DIR,
  StoreError,
  newMeta,
  recordPath,
  serializeRecord
} from './record.js'
import type { BaselineRecord } from './record.js'
import { parseStoreFiles, type BaselineStore, type SaveResult, type StoreReadout } from './store.js'
import {
  gitOutput,
  GitTimeoutError,
  lastLines,
  runGit,
  secondsText,
  withoutCredentials,
  type GitResult,
  type RunGitOptions
} from '../git/run.js'

/** What the remote said about a failed push, without git's generic lines. */
function pushReason(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map(l => l.trim())
    .filter(l => l && !/^To /.test(l) && !/^hint:/.test(l) && !/^error: failed to push some refs/.test(l))
  return withoutCredentials(lines.slice(-4).join(' / ')) || lastLines(stderr)
}

/** Failures another attempt cannot mend: missing permission, a protected branch, no credentials. */
const PERMANENT =
  /permission to .* denied|denied to|403|authentication failed|could not read username|permission denied \(publickey\)|GH006|protected branch|repository not found/i

/** Rejections that re-reading the tip and re-applying fixes: someone else pushed first. */
const RACE =
  /non-fast-forward|fetch first|cannot lock ref|failed to update ref|stale info|incorrect old value/i

/** git fetch failed for a reason another attempt may mend (the network, the server): the save loop retries it. */
class FetchFailedError extends StoreError {
  constructor(
    message: string,
    readonly transient: boolean
  ) {
    super(message)
  }
}

export interface RetryPolicy {
  maxAttempts: number
  /** for a whole save (or read), retries included: a fetch or push still running when it is spent is stopped */
  budgetMs: number
  /** first delay; doubled each attempt, ±50% jitter, at most 8× the first */
  baseDelayMs: number
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 10, budgetMs: 120_000, baseDelayMs: 1000 }

export interface GitBranchStoreOptions {
  /** a clone of the repository (the workflow's checkout) */
  repo: string
  branch: string
  remote?: string
  retry?: Partial<RetryPolicy>
  /** each rejection and retry, for the log */
  log?: (message: string) => void
  now?: () => number
  sleep?: (ms: number) => Promise<void>
}

const BOT = {
  GIT_AUTHOR_NAME: 'github-actions[bot]',
  GIT_AUTHOR_EMAIL: '41898282+github-actions[bot]@users.noreply.github.com',
  GIT_COMMITTER_NAME: 'github-actions[bot]',
  GIT_COMMITTER_EMAIL: '41898282+github-actions[bot]@users.noreply.github.com'
}

/**
 * Baselines in an orphan branch of the repository. Reads fetch the branch into a private ref (no checkout, no
 * working-tree change). Writes build a commit with plumbing on the observed tip and push it as a plain
 * fast-forward: on rejection the tip is re-read and the same file re-applied, with backoff, within a budget
 * that also stops a hung fetch or push. Never a force push.
 */
export class GitBranchStore implements BaselineStore {
  readonly description: string
  private readonly remote: string
  private readonly localRef: string
  private readonly retry: RetryPolicy
  private readonly log: (message: string) => void
  private readonly now: () => number
  private readonly sleep: (ms: number) => Promise<void>

  constructor(private readonly options: GitBranchStoreOptions) {
    this.remote = options.remote ?? 'origin'
    this.description = `branch ${options.branch} of ${this.remote}`
    this.localRef = `refs/perfgate/${options.branch}`
    this.retry = { ...DEFAULT_RETRY, ...options.retry }
    this.log = options.log ?? (() => undefined)
    this.now = options.now ?? Date.now
    this.sleep = options.sleep ?? (ms => new Promise(resolve => setTimeout(resolve, ms)))
  }

  private git(args: string[], options?: RunGitOptions): Promise<GitResult> {
    return runGit(this.options.repo, args, options)
  }

  /**
   * A git call that talks to the remote (fetch, push), stopped when the rest of the time budget is spent: one
   * hung connection must not hold the job past the budget.
   */
  private async network(args: string[], deadline: number): Promise<GitResult> {
    const command = args[0]!
    const push = command === 'push'
    // the remote's URL (without credentials) is looked up only for the message of a timeout
    const what = async () => {
      const url = await this.git(['remote', 'get-url', ...(push ? ['--push'] : []), this.remote])
      const shown = url.code === 0 ? ` (${withoutCredentials(url.stdout.toString().trim())})` : ''
      return `git ${command} ${push ? 'to' : 'from'} ${this.remote}${shown}`
    }
    const budget = secondsText(this.retry.budgetMs)
    const left = deadline - this.now()
    if (left <= 0) throw new GitTimeoutError(`the time budget of ${budget} was spent before ${await what()}`)
    try {
      return await this.git(args, { timeoutMs: left })
    } catch (err) {
      if (!(err instanceof GitTimeoutError)) throw err
      throw new GitTimeoutError(
        `${await what()} did not finish within ${secondsText(left)}, what was left of the time budget of ${budget}, and was stopped` +
          (push
            ? '; a push moves the branch all at once or not at all, so no partial record is left on the remote'
            : '')
      )
    }
  }

  /** Why there is no store to talk to, or undefined when the repository and its remote are there. */
  private async unavailable(): Promise<string | undefined> {
    if ((await this.git(['rev-parse', '--git-dir'])).code !== 0) {
      return `${this.options.repo} is not a git repository, so there is no baseline branch`
    }
    if ((await this.git(['remote', 'get-url', this.remote])).code !== 0) {
      return `the repository has no remote named ${this.remote}, so there is no baseline branch`
    }
    return undefined
  }

  /** The remote branch's tip, fetched into the private ref; undefined when the branch does not exist yet. */
  private async fetchTip(deadline: number): Promise<string | undefined> {
    let fetched: GitResult
    try {
      fetched = await this.network(
        [
          'fetch',
          '--no-tags',
          '--quiet',
          '--no-write-fetch-head',
          this.remote,
          `+refs/heads/${this.options.branch}:${this.localRef}`
        ],
        deadline
      )
    } catch (err) {
      if (!(err instanceof GitTimeoutError)) throw err
      throw new StoreError(`cannot read the baseline ${this.description}: ${err.message}`, { cause: err })
    }
    if (fetched.code !== 0) {
      if (/couldn't find remote ref/i.test(fetched.stderr)) {
        await this.git(['update-ref', '-d', this.localRef])
        return undefined
      }
      throw new FetchFailedError(
        `cannot read the baseline ${this.description}: git fetch failed: ${lastLines(fetched.stderr)}`,
        !PERMANENT.test(fetched.stderr)
      )
    }
    return gitOutput(this.options.repo, ['rev-parse', '--verify', `${this.localRef}^{commit}`])
  }

  async read(): Promise<StoreReadout> {
    const missing = await this.unavailable()
    if (missing) return { state: 'missing', records: [], warnings: [], message: missing }
    const tip = await this.fetchTip(this.now() + this.retry.budgetMs)
    if (!tip) {
      return {
        state: 'missing',
        records: [],
        warnings: [],
        message: `the ${this.description} does not exist yet: the first push to the default branch creates it`
      }
    }
    try {
      const files = await this.readFiles(tip)
      return { state: 'ok', ...parseStoreFiles(files, this.description) }
    } catch (err) {
      if (err instanceof StoreError || err instanceof NewerBaselineError) throw err
      throw new StoreError(`cannot read the baseline ${this.description}: ${(err as Error).message}`)
    }
  }

  /** Every record blob of the tree, read in one `git cat-file --batch` call (1,000 records stay fast). */
  private async readFiles(tip: string): Promise<Array<{ path: string; text: string }>> {
    const listing = await this.git(['ls-tree', '-r', '-z', '--full-tree', tip])
    if (listing.code !== 0) throw new Error(`git ls-tree failed: ${lastLines(listing.stderr)}`)
    const entries = listing.stdout
      .toString()
      .split('\0')
      .filter(Boolean)
      .map(line => {
        const tab = line.indexOf('\t')
        const [, type, oid] = line.slice(0, tab).split(' ')
        return { type, oid: oid!, path: line.slice(tab + 1) }
      })
      .filter(e => e.type === 'blob' && (e.path === META_FILE || e.path.startsWith(`${RUNS_DIR}/`)))
    if (entries.length === 0) return []
    const batch = await this.git(['cat-file', '--batch'], {
      input: entries.map(e => e.oid).join('\n') + '\n'
    })
    if (batch.code !== 0) throw new Error(`git cat-file failed: ${lastLines(batch.stderr)}`)
    const out = batch.stdout
    const files: Array<{ path: string; text: string }> = []
    let offset = 0
    for (const entry of entries) {
      const newline = out.indexOf(0x0a, offset)
      const header = out.subarray(offset, newline).toString()
      const size = Number(header.split(' ')[2])
      if (!header.startsWith(entry.oid) || !Number.isFinite(size)) {
        throw new Error(`unexpected git cat-file output for ${entry.path}: ${header}`)
      }
      files.push({ path: entry.path, text: out.subarray(newline + 1, newline + 1 + size).toString() })
      offset = newline + 1 + size + 1
    }
    return files
  }

  /** The blob id at `file` in `tip`, if any. */
  private async blobAt(tip: string, file: string): Promise<string | undefined> {
    const result = await this.git(['ls-tree', tip, '--', file])
    const line = result.stdout.toString().trim()
    return line ? line.split(/\s+/)[2] : undefined
  }

  /** A commit holding the tip's tree plus the one new file (and meta.json on the first write). */
  private async commitOnto(tip: string | undefined, file: string, text: string, message: string) {
    const indexFile = path.join(os.tmpdir(), `perfgate-index-${randomBytes(6).toString('hex')}`)
    const env = { GIT_INDEX_FILE: indexFile }
    const repo = this.options.repo
    try {
      await gitOutput(repo, tip ? ['read-tree', tip] : ['read-tree', '--empty'], { env })
      const blob = await gitOutput(repo, ['hash-object', '-w', '--stdin'], { input: text })
      await gitOutput(repo, ['update-index', '--add', '--cacheinfo', `100644,${blob},${file}`], { env })
      if (!tip || !(await this.blobAt(tip, META_FILE))) {
        const meta = await gitOutput(repo, ['hash-object', '-w', '--stdin'], {
          input: `${JSON.stringify(newMeta(), null, 1)}\n`
        })
        await gitOutput(repo, ['update-index', '--add', '--cacheinfo', `100644,${meta},${META_FILE}`], {
          env
        })
      }
      const tree = await gitOutput(repo, ['write-tree'], { env })
      return await gitOutput(repo, ['commit-tree', tree, ...(tip ? ['-p', tip] : []), '-m', message], {
        env: BOT
      })
    } finally {
      await rm(indexFile, { force: true })
    }
  }

  private delay(attempt: number): number {
    const base = Math.min(this.retry.baseDelayMs * 2 ** (attempt - 1), this.retry.baseDelayMs * 8)
    return Math.round(base * (0.5 + Math.random()))
  }

  async save(record: BaselineRecord): Promise<SaveResult> {
    const file = recordPath(record)
    const text = serializeRecord(record)
    const message = `perfgate: baseline for ${record.git.sha.slice(0, 12)} (run ${record.git.runId}, attempt ${record.git.runAttempt})`
    const notSaved = (attempts: number, why: string): SaveResult => ({
      saved: false,
      path: file,
      attempts,
      message: `baseline NOT saved to the ${this.description} after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${why}`
    })
    const missing = await this.unavailable()
    if (missing) return notSaved(0, missing)
    const deadline = this.now() + this.retry.budgetMs
    for (let attempt = 1; ; attempt++) {
      let tip: string | undefined
      try {
        tip = await this.fetchTip(deadline)
        const existing = tip ? await this.blobAt(tip, file) : undefined
        if (existing) {
          const ours = await gitOutput(this.options.repo, ['hash-object', '--stdin'], { input: text })
          return {
            saved: true,
            already: true,
            path: file,
            attempts: attempt,
            message:
              existing === ours
                ? `baseline already stored at ${file} (a re-run of the same attempt)`
                : `a baseline for this run and attempt is already stored at ${file}; it was kept unchanged`
          }
        }
        const commit = await this.commitOnto(tip, file, text, message)
        const push = await this.network(
          ['push', '--quiet', this.remote, `${commit}:refs/heads/${this.options.branch}`],
          deadline
        )
        if (push.code === 0) {
          await this.git(['update-ref', this.localRef, commit])
          return {
            saved: true,
            path: file,
            attempts: attempt,
            message: `baseline saved to the ${this.description}: ${file}${attempt > 1 ? ` (after ${attempt} attempts)` : ''}`
          }
        }
        const reason = pushReason(push.stderr)
        if (PERMANENT.test(push.stderr) && !RACE.test(push.stderr)) {
          return notSaved(
            attempt,
            `${reason}. The job needs \`permissions: contents: write\` and credentials for git push (actions/checkout keeps them unless persist-credentials is false); a protected branch needs a token allowed to push to it`
          )
        }
        const wait = this.delay(attempt)
        if (attempt >= this.retry.maxAttempts || this.now() + wait > deadline) {
          return notSaved(attempt, `the push was rejected every time; last: ${reason}`)
        }
        this.log(
          `baseline push rejected (attempt ${attempt}): ${reason}; re-reading the branch and retrying in ${wait} ms`
        )
        await this.sleep(wait)
      } catch (err) {
        // a fetch that failed for a reason another attempt may mend (a dropped connection, a 5xx) is retried too
        const wait = this.delay(attempt)
        if (
          !(err instanceof FetchFailedError && err.transient) ||
          attempt >= this.retry.maxAttempts ||
          this.now() + wait > deadline
        )
          return notSaved(attempt, (err as Error).message)
        this.log(`baseline fetch failed (attempt ${attempt}): ${err.message}; retrying in ${wait} ms`)
        await this.sleep(wait)
      }
    }
  }
}
