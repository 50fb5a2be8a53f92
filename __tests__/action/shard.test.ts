import { describe, expect, it, jest } from '@jest/globals'
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import * as core from '../../__fixtures__/core.js'
import { freePort, REPO } from '../../__fixtures__/config.js'
import { useActionSandbox } from '../../__fixtures__/action-sandbox.js'
import { type GitSandbox, git } from '../../__fixtures__/git.js'
import type { Report } from '../../src/model/report.js'

jest.unstable_mockModule('@actions/core', () => core)
const { run } = await import('../../src/main.js')
const { stopAllServices } = await import('../../src/service/spawn.js')

let sandbox: GitSandbox
let work: string

useActionSandbox((s, w) => {
  sandbox = s
  work = w
}, stopAllServices)

const config = (port: number) => `version: 1
service:
  command: node ${path.join(REPO, 'examples/service/server.mjs')}
  env: { PORT: "${port}", CPU_US: "50" }
  ready: { url: http://127.0.0.1:${port}/health, timeout: 15s }
defaults: { warmup: 100ms, duration: 300ms, connections: 4, min-requests: 5 }
baseline: { rounds: 2 }
scenarios:
  - name: one
    request: { url: http://127.0.0.1:${port}/reservations/1 }
    regression:
      throughput.rps: "-60%"
  - name: two
    request: { url: http://127.0.0.1:${port}/reservations/2 }
    regression:
      throughput.rps: "-60%"
`

async function pushEvent(runId: string, inputs: Record<string, string>): Promise<void> {
  core.reset()
  await writeFile(path.join(work, 'event.json'), JSON.stringify({ repository: { default_branch: 'main' } }))
  Object.assign(process.env, {
    GITHUB_WORKSPACE: work,
    GITHUB_REPOSITORY: 'o/r',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_EVENT_PATH: path.join(work, 'event.json'),
    GITHUB_REF: 'refs/heads/main',
    GITHUB_SHA: git(work, 'rev-parse', 'HEAD'),
    GITHUB_RUN_ID: runId,
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_JOB: 'perf',
    GITHUB_STEP_SUMMARY: path.join(work, 'summary.md')
  })
  for (const key of Object.keys(core.inputs)) delete core.inputs[key]
  Object.assign(core.inputs, { config: 'perfgate.yml', comment: 'off', 'github-token': 'ghs_x', ...inputs })
}

const readReport = async (file: string) => JSON.parse(await readFile(file, 'utf8')) as Report

describe('the action with shard: K/N', () => {
  it('each leg measures its shard and stores its own record; the next run finds every scenario; merge joins them', async () => {
    await writeFile(path.join(work, 'perfgate.yml'), config(await freePort()))
    git(work, 'add', 'perfgate.yml')
    git(work, 'commit', '-q', '-m', 'add perfgate')
    git(work, 'push', '-q', 'origin', 'HEAD:main')
    const sha = git(work, 'rev-parse', 'HEAD')
    for (const k of [1, 2]) {
      await pushEvent('701', { shard: `${k}/2`, 'out-dir': `leg-${k}` })
      await run()
      expect(core.setFailed).not.toHaveBeenCalled()
      const report = await readReport(core.outputs.report!)
      expect(report.shard).toMatchObject({ index: k, count: 2, suite: ['one', 'two'] })
      expect(report.scenarios.map(s => s.name)).toEqual([k === 1 ? 'one' : 'two'])
      expect(report.git?.sha).toBe(sha)
      expect(report.baseline?.saved).toMatchObject({ saved: true })
    }
    const records = sandbox.files('perfgate-baselines').filter(f => f.startsWith(`v1/runs/${sha}/701-1-`))
    expect(records.sort()).toEqual([
      expect.stringContaining('-perfgate.yml_perf-shard-1-of-2-'),
      expect.stringContaining('-perfgate.yml_perf-shard-2-of-2-')
    ])
    const [one, two] = [
      await readReport(path.join(work, 'leg-1/report.json')),
      await readReport(path.join(work, 'leg-2/report.json'))
    ]
    expect(one.config.hash).toBe(two.config.hash)

    // the legs' reports join into one verdict
    await pushEvent('701', { mode: 'merge', 'artifact-path': 'leg-1\nleg-2', 'out-dir': 'merged' })
    await run()
    expect(core.setFailed).not.toHaveBeenCalled()
    // the first stored runs: nothing to compare the regression checks with yet
    expect(core.outputs.verdict).toBe('skipped')
    const merged = await readReport(core.outputs.report!)
    expect(merged.scenarios.map(s => s.name)).toEqual(['one', 'two'])
    expect(merged.merge?.problems).toEqual([])

    // an unsharded run of the next commit compares every scenario with the legs' records
    git(work, 'commit', '-q', '--allow-empty', '-m', 'next change')
    git(work, 'push', '-q', 'origin', 'HEAD:main')
    await pushEvent('702', {})
    await run()
    const whole = await readReport(core.outputs.report!)
    expect(whole.config.hash).toBe(one.config.hash)
    expect(whole.baseline).toMatchObject({ state: 'used', sha })
    for (const s of whole.scenarios) expect(s.checks[0]!.verdict).not.toBe('skipped')
  }, 120_000)

  it('a bad shard input fails the step naming the input', async () => {
    await writeFile(path.join(work, 'perfgate.yml'), config(await freePort()))
    await pushEvent('703', { shard: '3/2' })
    await run()
    expect(core.setFailed).toHaveBeenCalledWith(
      'perfgate: the "shard" input takes K/N with 1 <= K <= N, got "3/2": there is no shard 3 of 2'
    )
    expect(core.outputs.verdict).toBe('errored')
  })
})
