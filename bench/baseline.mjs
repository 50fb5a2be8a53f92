// npm run bench:baseline (also the last part of npm run bench): how long reading the baseline store takes with
// RECORDS stored runs (1,000 by default), against `git fetch` of the same branch alone (the floor any git-based
// store pays), and one save on top of it. Median of REPEATS=5 reads each.
import { execFileSync } from 'node:child_process'
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { compileSources, median, table } from './lib.mjs'

const RECORDS = Number(process.env.RECORDS ?? 1000)
const REPEATS = Number(process.env.REPEATS ?? 5)
const BRANCH = 'perfgate-baselines'

const git = (cwd, ...args) =>
  execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'b',
      GIT_AUTHOR_EMAIL: 'b@b',
      GIT_COMMITTER_NAME: 'b',
      GIT_COMMITTER_EMAIL: 'b@b'
    }
  }).trim()

async function timed(fn) {
  const start = performance.now()
  const value = await fn()
  return { ms: performance.now() - start, value }
}

export async function benchBaseline({ compile = true } = {}) {
  if (compile) compileSources()
  const { GitBranchStore } = await import('../build/src/baseline/git.js')
  const { DirectoryStore } = await import('../build/src/baseline/directory.js')
  const { recordPath, serializeRecord } = await import('../build/src/baseline/record.js')
  const { runnerFingerprint } = await import('../build/src/report/fingerprint.js')
  const root = await mkdtemp(path.join(os.tmpdir(), 'perfgate-bench-baseline-'))
  try {
    const remote = path.join(root, 'remote.git')
    git(root, 'init', '-q', '--bare', remote)
    const writer = path.join(root, 'writer')
    git(root, 'init', '-q', writer)
    git(writer, 'checkout', '-q', '--orphan', BRANCH)
    const runner = runnerFingerprint()
    const directory = path.join(root, 'directory')
    for (let i = 0; i < RECORDS; i++) {
      const rounds = [1, 2, 3].map(round => ({
        round,
        metrics: {
          'throughput.rps': 1000 + i + round,
          'latency.p50': 900,
          'latency.p99': 4000,
          'errors.rate': 0
        },
        histogram: 'HISTFAAAACR4nJNpmSzMwMDAxQABzFCaEUzOmNZg/wEi0AYaAEcfBDk='
      }))
      const record = {
        schemaVersion: 1,
        tool: { name: 'perfgate', version: '0.1.0' },
        createdAt: new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString(),
        git: {
          sha: i.toString(16).padStart(40, '0'),
          ref: 'refs/heads/main',
          event: 'push',
          runId: String(1000 + i),
          runAttempt: 1
        },
        config: { hash: '0123456789abcdef', file: 'perfgate.yml' },
        runner,
        verdict: 'pass',
        scenarios: ['list', 'get', 'create'].map(name => ({ name, metrics: rounds[0].metrics, rounds }))
      }
      for (const base of [writer, directory]) {
        const file = path.join(base, recordPath(record))
        await mkdir(path.dirname(file), { recursive: true })
        await writeFile(file, serializeRecord(record))
      }
    }
    await writeFile(path.join(writer, 'meta.json'), '{"schemaVersion":1,"createdBy":"bench"}\n')
    git(writer, 'add', '-A', '.')
    git(writer, 'commit', '-q', '-m', 'records')
    git(writer, 'push', '-q', remote, `HEAD:refs/heads/${BRANCH}`)

    // cold reads: every repeat starts from a fresh repository that has never fetched the branch
    const freshRepo = name => {
      const dir = path.join(root, name)
      git(root, 'init', '-q', dir)
      git(dir, 'remote', 'add', 'origin', remote)
      return dir
    }
    const fetchOnly = []
    const branchReads = []
    const dirReads = []
    for (let i = 0; i < REPEATS; i++) {
      const a = freshRepo(`fetch-${i}`)
      fetchOnly.push(
        (await timed(() => git(a, 'fetch', '-q', 'origin', `+refs/heads/${BRANCH}:refs/bench/x`))).ms
      )
      const b = freshRepo(`read-${i}`)
      const read = await timed(() => new GitBranchStore({ repo: b, branch: BRANCH }).read())
      if (read.value.records.length !== RECORDS) throw new Error(`read ${read.value.records.length} records`)
      branchReads.push(read.ms)
      dirReads.push((await timed(() => new DirectoryStore(directory).read())).ms)
    }
    const reader = freshRepo('reader')
    const store = new GitBranchStore({ repo: reader, branch: BRANCH })
    const extra = JSON.parse(
      serializeRecord({
        ...JSON.parse(JSON.stringify((await store.read()).records[0].record)),
        git: { sha: 'f'.repeat(40), runId: 'bench', runAttempt: 1 }
      })
    )
    const save = await timed(() => store.save(extra))
    if (!save.value.saved) throw new Error(save.value.message)
    const fetchMs = median(fetchOnly)
    const rows = [
      ['operation', `median ms (${REPEATS} reads)`, 'vs git fetch alone'],
      ['git fetch of the branch (reference)', fetchMs.toFixed(0), '1.00'],
      [
        `GitBranchStore.read, ${RECORDS} records`,
        median(branchReads).toFixed(0),
        (median(branchReads) / fetchMs).toFixed(2)
      ],
      [
        `DirectoryStore.read, ${RECORDS} records`,
        median(dirReads).toFixed(0),
        (median(dirReads) / fetchMs).toFixed(2)
      ],
      [
        `GitBranchStore.save onto ${RECORDS} records (1 run)`,
        save.ms.toFixed(0),
        (save.ms / fetchMs).toFixed(2)
      ]
    ]
    console.log(`\nbaseline store: ${RECORDS} stored runs of 3 scenarios x 3 rounds with histograms`)
    console.log(table(rows))
    console.log(
      `reading ${RECORDS} records takes ${(median(branchReads) / 1000).toFixed(2)} s of the job (target: well under 1 s)`
    )
  } finally {
    await rm(root, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchBaseline()
