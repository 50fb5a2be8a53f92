import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { DirectoryStore } from '../../src/baseline/directory.js'
import type { Config } from '../../src/config/types.js'
import type { Report } from '../../src/model/report.js'
import { prContext, pushHistory, type OnChangePoint } from '../../src/action/history.js'
import { mainContextSection } from '../../src/report/history-markdown.js'
import { readInputs } from '../../src/action/inputs.js'
import { FakeGitHub } from '../../__fixtures__/github/fake-api.js'
import { unspacedClient } from '../../__fixtures__/github/client.js'
import { git } from '../../__fixtures__/git.js'
import { syntheticHistory } from '../../__fixtures__/history.js'

/**
 * The push job's alert over a real git line and a directory store: 20 commits, the handler 30 % slower from the
 * 13th; each push stores its run and analyses the history, as the action does after saving.
 */
const RUNS = 20
const STEP = 12

let dir: string
let repo: string
const shas: string[] = []
let api: FakeGitHub
const events = () => undefined
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-action-history-'))
  repo = path.join(dir, 'repo')
  git(dir, 'init', '-q', '-b', 'main', repo)
  for (let i = 0; i < RUNS; i++) {
    git(
      repo,
      'commit',
      '-q',
      '--allow-empty',
      '-m',
      i === STEP ? 'handler does 30% more work' : `change ${i + 1}`
    )
    shas.push(git(repo, 'rev-parse', 'HEAD'))
  }
  api = await new FakeGitHub().start()
})
afterAll(async () => {
  await api?.stop()
  if (dir) await rm(dir, { recursive: true, force: true })
})

const configFor = (store: string) =>
  ({ baseline: { store: 'directory', directory: store } }) as unknown as Config

/** Stores runs 0..last of the synthetic history under the real commits. */
async function storeRuns(store: string, last: number): Promise<void> {
  const { records } = syntheticHistory({ runs: RUNS, stepAt: STEP, step: 1.3, seed: 3 })
  const directory = new DirectoryStore(store)
  for (let i = 0; i <= last; i++) {
    const record = records[i]!.record
    await directory.save({ ...record, git: { ...record.git, sha: shas[i]! } })
  }
}

async function push(store: string, i: number, mode: OnChangePoint, warnings: string[] = []) {
  await storeRuns(store, i)
  return pushHistory({
    config: configFor(store),
    repo,
    sha: shas[i]!,
    mode,
    outDir: path.join(dir, `out-${mode}`),
    events,
    warn: m => warnings.push(m),
    env: { GITHUB_REPOSITORY: 'o/r', GITHUB_API_URL: api.url },
    token: 't0ken',
    runUrl: 'https://github.com/o/r/actions/runs/9',
    createClient: unspacedClient
  })
}

describe('the push job after storing its run', () => {
  it('warns once, on the push that brought the step to light, and always writes the table and the page', async () => {
    const store = path.join(dir, 'store-warn')
    const alertsAt: Array<[number, string[]]> = []
    for (let i = 0; i < RUNS; i++) {
      const warnings: string[] = []
      const result = (await push(store, i, 'warn', warnings))!
      expect(result.summary).toContain('### History: the newest change points')
      expect(result.fail).toBeUndefined()
      if (warnings.length) alertsAt.push([i, warnings])
    }
    // each metric alerts once: throughput, p50 and p99 stepped at the 13th commit
    const metrics = alertsAt.flatMap(([, w]) => w.map(m => /: (\S+) of list stepped/.exec(m)?.[1]))
    expect(new Set(metrics).size).toBe(metrics.length)
    expect(metrics).toEqual(expect.arrayContaining(['latency.p99', 'throughput.ok_rps']))
    for (const [i, warnings] of alertsAt) {
      expect(i).toBeGreaterThanOrEqual(STEP + 5) // 6 runs after the step make it certain
      for (const w of warnings)
        expect(w).toContain(`at ${shas[STEP]!.slice(0, 7)} "handler does 30% more work"`)
    }
    const page = await readFile(path.join(dir, 'out-warn/history/index.html'), 'utf8')
    expect(page).toContain(shas[STEP]!.slice(0, 7))
  }, 60_000)

  it('on-change-point: fail fails the job with the step; issue opens one issue per scenario and metric, updated, never duplicated', async () => {
    const store = path.join(dir, 'store-issue')
    const { records } = syntheticHistory({ runs: RUNS, stepAt: STEP, step: 1.3, seed: 3 })
    expect(records).toHaveLength(RUNS)
    let alertAt = -1
    for (let i = 0; i < RUNS && alertAt < 0; i++) {
      const result = (await push(store, i, 'fail'))!
      if (result.fail) alertAt = i
    }
    expect(alertAt).toBeGreaterThan(STEP)

    const issueStore = path.join(dir, 'store-issue-2')
    const first = (await push(issueStore, alertAt, 'issue'))!
    const count = api.issues.length
    expect(count).toBeGreaterThanOrEqual(2)
    expect(first.summary).toMatch(/Issue #\d+ created/)
    const again = (await push(issueStore, alertAt, 'issue'))! // the same push re-run: updated, not duplicated
    expect(again.summary).toMatch(/Issue #\d+ updated/)
    expect(api.issues).toHaveLength(count)
    const p99 = api.issues.find(i => i.body.startsWith('<!-- perfgate-change-point: list/latency.p99 -->'))!
    expect(p99.title).toMatch(
      new RegExp(`^perf: latency.p99 of list stepped \\+\\d+(\\.\\d)?% at ${shas[STEP]!.slice(0, 7)}$`)
    )
    expect(p99.body).toContain('handler does 30% more work')
    expect(p99.body).toContain('https://github.com/o/r/actions/runs/9')
    expect(p99.labels.map(l => l.name)).toEqual(['perfgate-change-point'])
  }, 60_000)

  it('gives a failing PR check its line of context from the default branch', async () => {
    const store = path.join(dir, 'store-warn')
    const report = {
      git: { sha: 'f'.repeat(40), baseSha: shas[RUNS - 1] },
      scenarios: [
        {
          name: 'list',
          checks: [
            { metric: 'latency.p99', kind: 'regression', verdict: 'fail' },
            { metric: 'errors.rate', kind: 'regression', verdict: 'fail' },
            { metric: 'latency.p50', kind: 'threshold', verdict: 'fail' }
          ]
        }
      ]
    } as unknown as Report
    expect(await prContext(report, configFor(store), repo, 'main', events)).toBe(2)
    const [p99, errors, threshold] = report.scenarios[0]!.checks
    expect(p99!.mainContext).toMatchObject({ kind: 'stepped', branch: 'main', sha: shas[STEP] })
    expect(errors!.mainContext).toEqual({ kind: 'stable', branch: 'main', runs: RUNS })
    expect(threshold!.mainContext).toBeUndefined()
    // the comment's words come from that data alone
    const lines = mainContextSection(report, Date.parse(shasDate(RUNS)))
      .split('\n')
      .filter(l => l.startsWith('- '))
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(
      new RegExp(
        `^- main stepped \\+\\d+\\.\\d% in latency.p99 of list at ${shas[STEP]!.slice(0, 7)} \\(\\d+ (min|h|days) ago\\)`
      )
    )
    expect(lines[1]).toBe(`- on main, errors.rate of list has been stable for ${RUNS} runs`)
  })

  it('reads on-change-point, warn by default', () => {
    const get = (inputs: Record<string, string>) => (name: string) => inputs[name] ?? ''
    expect(readInputs(get({}), {}).onChangePoint).toBe('warn')
    expect(readInputs(get({ 'on-change-point': 'issue' }), {}).onChangePoint).toBe('issue')
    expect(() => readInputs(get({ 'on-change-point': 'page' }), {})).toThrow(
      'Invalid value "page" for the "on-change-point" input. It must be one of: warn, fail, issue.'
    )
  })
})

const shasDate = (i: number) => new Date(Date.UTC(2026, 10, 1) + i * 3_600_000).toISOString()
