import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import * as core from '../../__fixtures__/core.js'
import { FakeGitHub } from '../../__fixtures__/github/fake-api.js'
import { openPr, sameRepoPr, workflowRun } from '../../__fixtures__/github/events.js'
import { check, report, scenarioReport } from '../../__fixtures__/report.js'
import { exampleConfig } from '../../__fixtures__/config.js'
import type { ResultArtifact } from '../../src/github/workflow-run.js'
import type { Report } from '../../src/model/report.js'
import { stampLeg } from '../../src/shard/identity.js'
import { shardScenarios } from '../../src/shard/split.js'
import { overallVerdict } from '../../src/compare/verdict.js'
import { commandsRun } from '../../__fixtures__/workflow-commands.js'
import { DEFAULT_LEG_LIMITS, legDirectories } from '../../src/shard/read.js'

jest.unstable_mockModule('@actions/core', () => core)
const { runMergeMode } = await import('../../src/action/merge-mode.js')
const { publishComment } = await import('../../src/action/comment.js')
const { readInputs } = await import('../../src/action/inputs.js')
const { unspacedClient } = await import('../../__fixtures__/github/client.js')

const HEAD = 'a'.repeat(40)
const config = exampleConfig(9, [{ name: 'a' }, { name: 'b' }, { name: 'c' }])
let dir: string
let api: FakeGitHub
const savedEnv = { ...process.env }

function leg(index: number, count: number, failing: string[] = []): Report {
  const scenarios = shardScenarios(config, { index, count }).map(name =>
    failing.includes(name)
      ? scenarioReport({
          name,
          verdict: 'fail',
          checks: [check({ verdict: 'fail', message: `${name}: p95 too slow` })]
        })
      : scenarioReport({ name })
  )
  return stampLeg(report({ scenarios, verdict: overallVerdict(scenarios), git: { sha: HEAD } }), config, {
    index,
    count
  })
}

function artifact(r: Report, overrides: Partial<ResultArtifact> = {}): ResultArtifact {
  return {
    schemaVersion: 1,
    prNumber: 7,
    headSha: HEAD,
    configFile: 'perfgate.yml',
    commentId: 'perfgate.yml:perf',
    commentMode: 'always',
    failing: false,
    report: r,
    ...overrides
  }
}

async function put(sub: string, file: string, data: unknown): Promise<void> {
  await mkdir(path.join(dir, 'legs', sub), { recursive: true })
  await writeFile(path.join(dir, 'legs', sub, file), typeof data === 'string' ? data : JSON.stringify(data))
}

const inputs = (extra: Record<string, string> = {}) =>
  readInputs(
    name =>
      ({
        mode: 'merge',
        'artifact-path': 'legs',
        'github-token': 't',
        'out-dir': 'merged',
        ...extra
      })[name] ?? '',
    { GITHUB_WORKSPACE: dir }
  )
const hooks = () => ({
  env: process.env,
  warn: (message: string) => core.warning(message),
  annotate: (list: Array<{ level: string; message: string }>) =>
    list.forEach(a => (a.level === 'error' ? core.error(a.message) : core.warning(a.message))),
  createClient: unspacedClient
})
const warnings = () => core.annotations.filter(a => a.level === 'warning').map(a => a.message)

beforeEach(async () => {
  core.reset()
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-merge-mode-'))
  api = await new FakeGitHub().start()
  Object.assign(process.env, {
    GITHUB_REPOSITORY: 'o/r',
    GITHUB_API_URL: api.url,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '600',
    GITHUB_STEP_SUMMARY: path.join(dir, 'summary.md')
  })
})
afterEach(async () => {
  process.env = { ...savedEnv }
  await api.stop()
  await rm(dir, { recursive: true, force: true })
})

async function asWorkflowRun(): Promise<void> {
  await writeFile(
    path.join(dir, 'event.json'),
    JSON.stringify({ ...workflowRun(HEAD), workflow_run: { ...workflowRun(HEAD).workflow_run, id: 555 } })
  )
  Object.assign(process.env, {
    GITHUB_EVENT_NAME: 'workflow_run',
    GITHUB_EVENT_PATH: path.join(dir, 'event.json')
  })
  api.pulls.set(7, openPr(HEAD))
}

describe('mode: merge in a workflow_run commenter (every leg untrusted)', () => {
  it('merges the legs’ result artifacts and posts one comment with the one verdict', async () => {
    await asWorkflowRun()
    await put('perfgate-leg-1', 'perfgate-result.json', artifact(leg(1, 2)))
    await put('perfgate-leg-2', 'perfgate-result.json', artifact(leg(2, 2, ['b'])))
    await runMergeMode(inputs(), hooks())
    expect(api.comments).toHaveLength(1)
    const body = api.comments[0]!.body
    expect(body.startsWith('<!-- perfgate:perfgate.yml:perf -->')).toBe(true)
    expect(body).toContain('b: p95 too slow')
    expect(core.outputs).toMatchObject({
      verdict: 'fail',
      'comment-url': expect.stringContaining('issuecomment')
    })
    expect(core.setFailed).toHaveBeenCalledWith(expect.stringContaining('perfgate failed'))
    const merged = JSON.parse(await readFile(path.join(dir, 'merged/report.json'), 'utf8')) as Report
    expect(merged.scenarios.map(s => s.name)).toEqual(['a', 'b', 'c'])
  })

  it('a leg whose artifact is malformed, hostile or names another PR is errored by name; never a pass', async () => {
    await asWorkflowRun()
    await put('perfgate-leg-1', 'perfgate-result.json', artifact(leg(1, 3)))
    await put('perfgate-leg-2', 'perfgate-result.json', artifact(leg(2, 3), { prNumber: 9 }))
    await put(
      'perfgate-leg-3',
      'perfgate-result.json',
      artifact(leg(3, 3), { commentId: '---->> <img src=https://evil.example/x.png>' })
    )
    await runMergeMode(inputs(), hooks())
    expect(core.outputs.verdict).toBe('errored')
    const merged = JSON.parse(await readFile(path.join(dir, 'merged/report.json'), 'utf8')) as Report
    expect(merged.merge?.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^leg legs\/perfgate-leg-2: refusing its result artifact: it names PR #9, the others #7/
        ),
        expect.stringMatching(
          /^leg legs\/perfgate-leg-3: the result artifact is malformed: commentId may hold only/
        )
      ])
    )
    expect(api.comments).toHaveLength(1)
    expect(api.comments[0]!.body).toContain('ERRORED')
    expect(api.comments[0]!.body).not.toContain('<img')
    expect(core.setFailed).toHaveBeenCalled()
  })

  it('copies the legs’ verdict into the output only when the PR is bound to the run (repository, branch)', async () => {
    await asWorkflowRun()
    api.pulls.set(7, openPr(HEAD, { repo: { full_name: 'eve/r' } }))
    await put('perfgate-leg-1', 'perfgate-result.json', artifact(leg(1, 2)))
    await put('perfgate-leg-2', 'perfgate-result.json', artifact(leg(2, 2)))
    await runMergeMode(inputs(), hooks())
    expect(api.comments).toHaveLength(0)
    expect(core.outputs.verdict).toBe('errored')
    expect(warnings()).toEqual([expect.stringContaining("not from the triggering run's mallory/r:feature")])
  })

  it('a missing leg is errored naming it, with the comment saying so', async () => {
    await asWorkflowRun()
    await put('perfgate-leg-1', 'perfgate-result.json', artifact(leg(1, 2)))
    await runMergeMode(inputs(), hooks())
    expect(core.outputs.verdict).toBe('errored')
    expect(api.comments[0]!.body).toMatch(/leg 2\/2 is missing/)
    expect(warnings()).toEqual([])
  })
})

describe('mode: merge logs the artifacts’ text as text', () => {
  it('a headline carrying workflow commands from an artifact runs none of them in the privileged step', async () => {
    await asWorkflowRun()
    const injected = 'slow\n::set-output name=verdict::pass\n::warning title=INJECTED::owned\n##[error]forged'
    const hostile = (index: number) => {
      const r = leg(index, 2)
      r.scenarios = r.scenarios.map(sc => ({
        ...sc,
        checks: [check({ verdict: 'warn', severity: 'warn', message: injected })]
      }))
      return r
    }
    await put('perfgate-leg-1', 'perfgate-result.json', artifact(hostile(1)))
    await put('perfgate-leg-2', 'perfgate-result.json', artifact(hostile(2)))
    await runMergeMode(inputs(), hooks())
    expect(core.setFailed).not.toHaveBeenCalled()
    expect(core.logs.join('\n')).toContain('::set-output name=verdict::pass')
    expect(commandsRun(core.logs)).toEqual([])
  })

  it('an artifact whose scenario name holds a newline is refused by the report schema, naming the rule', async () => {
    await asWorkflowRun()
    const r = leg(1, 2)
    r.scenarios[0]!.name = 'a\n::set-output name=verdict::pass'
    await put('perfgate-leg-1', 'perfgate-result.json', artifact(r))
    await put('perfgate-leg-2', 'perfgate-result.json', artifact(leg(2, 2)))
    await runMergeMode(inputs(), hooks())
    expect(core.outputs.verdict).toBe('errored')
    const merged = JSON.parse(await readFile(path.join(dir, 'merged/report.json'), 'utf8')) as Report
    expect(merged.merge?.problems?.join('\n')).toContain(
      '/scenarios/0/name must be one line without control characters'
    )
  })
})

describe('mode: merge takes a bounded number of legs', () => {
  it('refuses more than 64 legs before reading any, with what to do; the limits of count and total size hold', async () => {
    await asWorkflowRun()
    for (let i = 1; i <= 65; i++) await put(`perfgate-leg-${i}`, 'perfgate-result.json', '{}')
    await expect(runMergeMode(inputs(), hooks())).rejects.toThrow(
      /^found 65 legs \(directories holding perfgate-result\.json\) under .*legs, more than the 64 perfgate merges at once; download only/
    )
    expect(api.comments).toHaveLength(0)
    expect(DEFAULT_LEG_LIMITS.maxLegs).toBe(64)
    const legs = path.join(dir, 'legs')
    expect(
      await legDirectories([legs], 'perfgate-result.json', { maxLegs: 65, maxTotalBytes: 200 })
    ).toHaveLength(65)
    await put('perfgate-leg-1', 'perfgate-result.json', 'x'.repeat(500))
    await expect(
      legDirectories([legs], 'perfgate-result.json', { maxLegs: 65, maxTotalBytes: 200 })
    ).rejects.toThrow(
      /^the 65 legs' perfgate-result\.json files hold 628 bytes together, over the 200-byte limit/
    )
  })
})

describe('mode: merge in the measuring workflow', () => {
  it('merges the legs’ report.json files, writes every file and posts the sticky comment on a same-repo PR', async () => {
    await writeFile(path.join(dir, 'event.json'), JSON.stringify(sameRepoPr))
    Object.assign(process.env, {
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: path.join(dir, 'event.json')
    })
    await put('perfgate-leg-1', 'report.json', leg(1, 2))
    await put('perfgate-leg-2', 'report.json', leg(2, 2))
    await runMergeMode(inputs(), hooks())
    expect(core.outputs.verdict).toBe('pass')
    for (const file of [
      'report.json',
      'report.html',
      'summary.md',
      'junit.xml',
      'metrics.prom',
      'perfgate-result.json'
    ])
      expect(existsSync(path.join(dir, 'merged', file))).toBe(true)
    expect(api.comments).toHaveLength(1)
    expect(api.comments[0]!.body).toContain('merged from 2 of 2 legs')
    expect(core.setFailed).not.toHaveBeenCalled()
  })

  it('a leg posts no comment but leaves its result artifact for the merge', async () => {
    await writeFile(path.join(dir, 'event.json'), JSON.stringify(sameRepoPr))
    Object.assign(process.env, {
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: path.join(dir, 'event.json')
    })
    const outDir = path.join(dir, 'leg-out')
    await mkdir(outDir)
    const url = await publishComment(leg(1, 2), inputs({ mode: 'auto', shard: '1/2' }), {
      failing: false,
      outDir,
      env: process.env
    })
    expect(url).toBeUndefined()
    expect(api.comments).toHaveLength(0)
    const written = JSON.parse(
      await readFile(path.join(outDir, 'perfgate-result.json'), 'utf8')
    ) as ResultArtifact
    expect(written.report.shard).toMatchObject({ index: 1, count: 2 })
  })
})

describe('the shard input', () => {
  it('is parsed, names itself in errors, and gives every shard its own leg in the baseline records', () => {
    const leg1 = inputs({ mode: 'auto', shard: '1/3', 'comment-id': 'perf' })
    expect(leg1.shard).toEqual({ index: 1, count: 3 })
    expect(leg1.leg).toBe('perf-shard-1-of-3')
    expect(inputs({ mode: 'auto', shard: '2/3', leg: 'api' }).leg).toBe('api-shard-2-of-3')
    expect(inputs({ mode: 'auto' }).shard).toBeUndefined()
    expect(() => inputs({ shard: '4/3' })).toThrow('the "shard" input takes K/N with 1 <= K <= N, got "4/3"')
    expect(() => inputs({ shard: 'two' })).toThrow(/^the "shard" input takes K\/N/)
    expect(inputs().mode).toBe('merge')
  })
})
