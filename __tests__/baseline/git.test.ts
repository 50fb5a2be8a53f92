import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { GitBranchStore } from '../../src/baseline/git.js'
import {
  BASELINE_SCHEMA_VERSION,
  NewerBaselineError,
  StoreError,
  parseRecord,
  recordPath,
  serializeRecord
} from '../../src/baseline/record.js'
import { saveRun } from '../../src/gate/baseline.js'
import { ignoreEvents } from '../../src/measure/events.js'
import { GitSandbox, git } from '../../__fixtures__/git.js'
import { sampleRecord } from '../../__fixtures__/baseline.js'
import { report, scenarioReport } from '../../__fixtures__/report.js'

const BRANCH = 'perfgate-baselines'
const FAST = { baseDelayMs: 20, maxAttempts: 30, budgetMs: 60_000 }

let sandbox: GitSandbox
beforeEach(async () => {
  sandbox = await new GitSandbox().start()
})
afterEach(async () => {
  await sandbox.stop()
})

const storeIn = (repo: string, retry = FAST, log?: (m: string) => void) =>
  new GitBranchStore({ repo, branch: BRANCH, retry, log })

/**
 * A remote that accepts the connection and then never answers: git's `ext::` transport runs this script, which
 * notes its pid and sleeps. Returns the URL to give git and where the pids are written.
 */
async function hungRemote(): Promise<{ url: string; pids: string }> {
  const script = path.join(sandbox.root, 'hang.sh')
  const pids = path.join(sandbox.root, 'hang.pids')
  await writeFile(script, `#!/bin/sh\necho $$ >> ${pids}\nexec sleep 30\n`)
  await chmod(script, 0o755)
  return { url: `ext::${script}`, pids }
}

/** Whether a process still runs (a zombie waiting to be reaped does not). */
function running(pid: number): boolean {
  const stat = `/proc/${pid}/stat`
  if (existsSync('/proc/self/stat')) {
    if (!existsSync(stat)) return false
    return !/^\d+ \(.*\) [ZX]/.test(readFileSync(stat, 'utf8'))
  }
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

async function expectStopped(pidsFile: string): Promise<void> {
  const pids = (await readFile(pidsFile, 'utf8')).split('\n').filter(Boolean).map(Number)
  expect(pids.length).toBeGreaterThan(0)
  for (let i = 0; i < 50 && pids.some(running); i++) await new Promise(r => setTimeout(r, 20))
  expect(pids.filter(running)).toEqual([])
}

/** Pushes files to the baseline branch by hand (as a broken or future writer would). */
async function pushFiles(files: Record<string, string>): Promise<void> {
  const work = sandbox.clone(`hand-${Math.random().toString(36).slice(2)}`)
  git(work, 'checkout', '-q', '--orphan', BRANCH)
  for (const [file, text] of Object.entries(files)) {
    const full = path.join(work, file)
    await mkdir(path.dirname(full), { recursive: true })
    await writeFile(full, text)
  }
  git(work, 'add', '-A', '.')
  git(work, 'commit', '-q', '-m', 'by hand')
  git(work, 'push', '-q', 'origin', `HEAD:refs/heads/${BRANCH}`)
}

describe('GitBranchStore', () => {
  it('first run: no branch is "missing", not an error; the first save creates an orphan branch', async () => {
    const store = storeIn(sandbox.clone('writer'))
    const before = await store.read()
    expect(before.state).toBe('missing')
    expect(before.message).toMatch(/does not exist yet/)

    const record = sampleRecord({ sha: sandbox.commits[2] })
    const result = await store.save(record)
    expect(result).toMatchObject({ saved: true, attempts: 1, path: recordPath(record) })
    const log = sandbox.branchLog(BRANCH)
    expect(log).toHaveLength(1)
    expect(git(sandbox.remote, 'rev-list', '--parents', '-n1', BRANCH).split(' ')).toHaveLength(1)
    expect(sandbox.files(BRANCH).sort()).toEqual(['meta.json', recordPath(record)].sort())

    const after = await storeIn(sandbox.clone('reader')).read()
    expect(after.state).toBe('ok')
    expect(after.records.map(r => r.record)).toEqual([record])
    // reading touches no branch or working tree of the reader's checkout
    expect(git(path.join(sandbox.root, 'reader'), 'status', '--porcelain')).toBe('')
  })

  it('re-running the same attempt is idempotent; a new attempt is its own record', async () => {
    const store = storeIn(sandbox.clone('writer'))
    const record = sampleRecord()
    await store.save(record)
    const again = await store.save(record)
    expect(again).toMatchObject({ saved: true, already: true })
    expect(again.message).toMatch(/re-run of the same attempt/)
    expect(sandbox.branchLog(BRANCH)).toHaveLength(1)

    await store.save(sampleRecord({ attempt: 2 }))
    expect(sandbox.branchLog(BRANCH)).toHaveLength(2)
    expect((await store.read()).records).toHaveLength(2)
  })

  it('2 concurrent writers both land, with fast-forward pushes only', async () => {
    const stores = [storeIn(sandbox.clone('w1')), storeIn(sandbox.clone('w2'))]
    const results = await Promise.all(stores.map((s, i) => s.save(sampleRecord({ runId: `r${i}` }))))
    expect(results.every(r => r.saved)).toBe(true)
    expect(sandbox.branchLog(BRANCH)).toHaveLength(2)
    expect((await stores[0]!.read()).records).toHaveLength(2)
  })

  it('6 concurrent writers all land: rejected pushes re-read the tip and re-apply the same file', async () => {
    const logs: string[] = []
    const stores = Array.from({ length: 6 }, (_, i) =>
      storeIn(sandbox.clone(`w${i}`), FAST, m => logs.push(m))
    )
    const results = await Promise.all(stores.map((s, i) => s.save(sampleRecord({ runId: `run${i}` }))))
    expect(results.filter(r => r.saved)).toHaveLength(6)
    // receive.denyNonFastForwards is on: every one of these landed as a plain fast-forward
    expect(sandbox.branchLog(BRANCH)).toHaveLength(6)
    const files = sandbox.files(BRANCH).filter(f => f.startsWith('v1/runs/'))
    expect(files).toHaveLength(6)
    expect(results.reduce((n, r) => n + r.attempts, 0)).toBeGreaterThan(6)
    expect(logs.some(l => /baseline push rejected \(attempt \d+\)/.test(l))).toBe(true)
  })

  it('a rejection storm gives up with a clear message and saveRun keeps the record as a file', async () => {
    const hook = path.join(sandbox.remote, 'hooks', 'pre-receive')
    await writeFile(hook, '#!/bin/sh\necho "storm: try again later" >&2\nexit 1\n')
    await chmod(hook, 0o755)
    const store = storeIn(sandbox.clone('writer'), { baseDelayMs: 5, maxAttempts: 3, budgetMs: 10_000 })
    const result = await store.save(sampleRecord())
    expect(result.saved).toBe(false)
    expect(result.attempts).toBe(3)
    expect(result.message).toMatch(
      /baseline NOT saved to the branch perfgate-baselines of origin after 3 attempts/
    )
    expect(result.message).toMatch(/storm: try again later/)

    const outDir = path.join(sandbox.root, 'out')
    const saved = await saveRun(
      report({
        verdict: 'pass',
        scenarios: [
          scenarioReport({ runs: [{ side: 'head', round: 1, metrics: { 'throughput.rps': 900 } }] })
        ]
      }),
      store,
      { sha: sandbox.commits[0]!, runId: '7', runAttempt: 1, event: 'push' },
      outDir,
      ignoreEvents
    )
    expect(saved.saved).toBe(false)
    expect(saved.file).toBe(path.join(outDir, 'baseline-record.json'))
    const kept = parseRecord(await readFile(saved.file!, 'utf8'), 'kept')
    expect(kept.git.runId).toBe('7')
  })

  it('a corrupt record is skipped with a warning naming its path; the rest are used', async () => {
    const good = sampleRecord()
    await pushFiles({
      'meta.json': '{"schemaVersion":1}',
      [recordPath(good)]: serializeRecord(good),
      'v1/runs/bad/1-1-abcdef.json': '{"schemaVersion": 1, "tool": ',
      'v1/runs/bad/2-1-abcdef.json': '{"schemaVersion": 1}'
    })
    const readout = await storeIn(sandbox.clone('reader')).read()
    expect(readout.state).toBe('ok')
    expect(readout.records.map(r => r.path)).toEqual([recordPath(good)])
    expect(readout.warnings).toHaveLength(2)
    expect(readout.warnings[0]).toMatch(/v1\/runs\/bad\/1-1-abcdef\.json: not valid JSON/)
    expect(readout.warnings[1]).toMatch(/v1\/runs\/bad\/2-1-abcdef\.json: does not match the baseline schema/)
  })

  it('a record from a newer perfgate is an error naming it and its writer: "upgrade perfgate", never skipped', async () => {
    const good = sampleRecord({ runId: 'good' })
    const future = { ...sampleRecord(), schemaVersion: 99, tool: { name: 'perfgate', version: '9.0.0' } }
    expect(BASELINE_SCHEMA_VERSION).toBeLessThan(99)
    await pushFiles({
      'meta.json': '{"schemaVersion":1}',
      [recordPath(good)]: serializeRecord(good),
      'v1/runs/f/1-1-abcdef.json': JSON.stringify(future)
    })
    const read = storeIn(sandbox.clone('reader')).read()
    await expect(read).rejects.toThrow(NewerBaselineError)
    await expect(read).rejects.toThrow(
      /v1\/runs\/f\/1-1-abcdef\.json uses baseline schema version 99; .*upgrade perfgate \(record written by perfgate 9\.0\.0\)$/
    )
  })

  it('retries a save whose fetch failed for a transient reason, within the attempts; a lasting failure is bounded', async () => {
    const writer = sandbox.clone('transient')
    const away = `${sandbox.remote}.away`
    const logs: string[] = []
    // the remote is unreachable at the first fetch and back by the retry
    await rename(sandbox.remote, away)
    let sleeps = 0
    const store = new GitBranchStore({
      repo: writer,
      branch: BRANCH,
      retry: FAST,
      log: m => logs.push(m),
      sleep: async () => {
        sleeps++
        if (sleeps === 1) await rename(away, sandbox.remote)
      }
    })
    const result = await store.save(sampleRecord({ runId: 'transient' }))
    expect(result).toMatchObject({ saved: true, attempts: 2 })
    expect(logs[0]).toMatch(
      /^baseline fetch failed \(attempt 1\): cannot read the baseline .*git fetch failed: .*retrying in \d+ ms$/
    )
    expect(sandbox.files(BRANCH)).toContain(recordPath(sampleRecord({ runId: 'transient' })))
    // the remote stays away: the save gives up after maxAttempts, saying why, never hanging
    await rename(sandbox.remote, away)
    const gone = new GitBranchStore({
      repo: writer,
      branch: BRANCH,
      retry: { ...FAST, maxAttempts: 3 },
      sleep: async () => undefined
    })
    const failed = await gone.save(sampleRecord({ runId: 'gone' }))
    await rename(away, sandbox.remote)
    expect(failed).toMatchObject({ saved: false, attempts: 3 })
    expect(failed.message).toMatch(/^baseline NOT saved to the .* after 3 attempts: cannot read the baseline/)
  })

  it('works from a shallow clone', async () => {
    await storeIn(sandbox.clone('writer')).save(sampleRecord({ runId: 'first' }))
    const shallow = sandbox.clone('shallow', { shallow: true })
    expect(git(shallow, 'rev-parse', '--is-shallow-repository')).toBe('true')
    const store = storeIn(shallow)
    expect((await store.read()).records).toHaveLength(1)
    expect((await store.save(sampleRecord({ runId: 'second' }))).saved).toBe(true)
    expect(sandbox.branchLog(BRANCH)).toHaveLength(2)
  })

  it('a store that exists but cannot be reached is an error, never "no baseline"', async () => {
    const clone = sandbox.clone('reader')
    git(clone, 'remote', 'set-url', 'origin', path.join(sandbox.root, 'gone.git'))
    await expect(storeIn(clone).read()).rejects.toThrow(StoreError)
    await expect(storeIn(clone).read()).rejects.toThrow(
      /cannot read the baseline branch perfgate-baselines of origin/
    )
  })

  it('no remote or no repository: there is no store, which is said, not an error', async () => {
    const clone = sandbox.clone('reader')
    git(clone, 'remote', 'remove', 'origin')
    expect(await storeIn(clone).read()).toMatchObject({
      state: 'missing',
      message: expect.stringMatching(/no remote named origin/)
    })
    expect(await storeIn(sandbox.root).read()).toMatchObject({
      state: 'missing',
      message: expect.stringMatching(/not a git repository/)
    })
  })

  it('reads 1,000 records in one pass', async () => {
    const files: Record<string, string> = {}
    for (let i = 0; i < 1000; i++) {
      const r = sampleRecord({ sha: i.toString(16).padStart(40, '0'), runId: String(i) })
      files[recordPath(r)] = serializeRecord(r)
    }
    await pushFiles(files)
    const readout = await storeIn(sandbox.clone('reader')).read()
    expect(readout.records).toHaveLength(1000)
    expect(readout.warnings).toEqual([])
  })

  it('a fetch that hangs is stopped when the time budget is spent: a read error naming git fetch and the remote', async () => {
    const clone = sandbox.clone('reader')
    const hung = await hungRemote()
    git(clone, 'config', 'protocol.ext.allow', 'always')
    git(clone, 'remote', 'set-url', 'origin', hung.url)
    const store = storeIn(clone, { ...FAST, budgetMs: 1000 })
    const error = await store.read().catch((err: unknown) => err)
    expect(error).toBeInstanceOf(StoreError)
    // what was left of the budget is a millisecond under it when the clock ticked before the fetch started
    const message = (error as Error).message.replace(/within (1|0\.9\d\d) s,/, 'within 1 s,')
    expect(message).toBe(
      `cannot read the baseline branch perfgate-baselines of origin: git fetch from origin (${hung.url}) did not finish within 1 s, what was left of the time budget of 1 s, and was stopped`
    )
    // the transport git was waiting for was stopped with it, not left running
    await expectStopped(hung.pids)
  })

  it('a push that hangs is stopped within the budget: not saved, the remote branch untouched, no retry', async () => {
    const writer = sandbox.clone('writer')
    await storeIn(writer).save(sampleRecord({ runId: 'before' }))
    const hung = await hungRemote()
    git(writer, 'config', 'protocol.ext.allow', 'always')
    // fetches still reach the real remote; only the push hangs
    git(writer, 'remote', 'set-url', '--push', 'origin', hung.url)
    const result = await storeIn(writer, { ...FAST, budgetMs: 1500 }).save(sampleRecord({ runId: 'hung' }))
    expect(result.saved).toBe(false)
    expect(result.attempts).toBe(1)
    expect(result.message).toMatch(
      new RegExp(
        `^baseline NOT saved to the branch perfgate-baselines of origin after 1 attempt: git push to origin \\(${hung.url.replace(/[.]/g, '\\.')}\\) did not finish within [\\d.]+ s, what was left of the time budget of 1\\.5 s, and was stopped; a push moves the branch all at once or not at all`
      )
    )
    await expectStopped(hung.pids)
    expect(sandbox.branchLog(BRANCH)).toHaveLength(1)
    expect(sandbox.files(BRANCH).filter(f => f.includes('/hung-'))).toEqual([])
  })

  it('a remote URL with credentials in it is named without them', async () => {
    const clone = sandbox.clone('reader')
    git(clone, 'remote', 'set-url', 'origin', 'https://x-access-token:secret@127.0.0.1:9/none.git')
    const error = (await storeIn(clone, { ...FAST, budgetMs: 0 })
      .read()
      .catch((err: unknown) => err)) as Error
    expect(error.message).toBe(
      'cannot read the baseline branch perfgate-baselines of origin: the time budget of 0 s was spent before git fetch from origin (https://127.0.0.1:9/none.git)'
    )
  })
})
