import { describe, expect, it, jest } from '@jest/globals'
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import * as core from '../../__fixtures__/core.js'
import { freePort, REPO } from '../../__fixtures__/config.js'
import { useActionSandbox } from '../../__fixtures__/action-sandbox.js'
import { type GitSandbox, git } from '../../__fixtures__/git.js'

jest.unstable_mockModule('@actions/core', () => core)
const { run } = await import('../../src/main.js')
const { stopAllServices } = await import('../../src/service/spawn.js')
const { syntheticDoor } = await import('../harness/fake-measurer.js')

/**
 * The first test measures for real, end to end; the others are about which record is stored and found, so their
 * measurement interface is the synthetic one (no service runs).
 */
const synthetic = syntheticDoor()

let sandbox: GitSandbox
let work: string

useActionSandbox((s, w) => {
  sandbox = s
  work = w
}, stopAllServices)

/** The config; one baseline round where a test is not about how many a push measures. */
const config = (port: number, rounds = 1) => `version: 1
service:
  command: node ${path.join(REPO, 'examples/service/server.mjs')}
  env: { PORT: "${port}", CPU_US: "50" }
  ready: { url: http://127.0.0.1:${port}/health, timeout: 15s }
defaults: { warmup: 100ms, duration: 300ms, connections: 4, min-requests: 5 }
baseline: { rounds: ${rounds} }
scenarios:
  - name: get
    request: { url: http://127.0.0.1:${port}/reservations/1 }
    regression:
      throughput.rps: "-50%"
`

async function pushEvent(event: string, ref: string, runId: string): Promise<void> {
  core.reset()
  await writeFile(path.join(work, 'event.json'), JSON.stringify({ repository: { default_branch: 'main' } }))
  Object.assign(process.env, {
    GITHUB_WORKSPACE: work,
    GITHUB_REPOSITORY: 'o/r',
    GITHUB_EVENT_NAME: event,
    GITHUB_EVENT_PATH: path.join(work, 'event.json'),
    GITHUB_REF: ref,
    GITHUB_SHA: git(work, 'rev-parse', 'HEAD'),
    GITHUB_RUN_ID: runId,
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_STEP_SUMMARY: path.join(work, 'summary.md')
  })
  Object.assign(core.inputs, { config: 'perfgate.yml', comment: 'off', 'github-token': 'ghs_x' })
}

const BRANCH = 'perfgate-baselines'

describe('the action and the baseline branch', () => {
  it('a push to the default branch stores its run; the next push compares with it', async () => {
    await writeFile(path.join(work, 'perfgate.yml'), config(await freePort(), 2))
    git(work, 'add', 'perfgate.yml')
    git(work, 'commit', '-q', '-m', 'add perfgate')
    git(work, 'push', '-q', 'origin', 'HEAD:main')

    await pushEvent('push', 'refs/heads/main', '101')
    await run()
    expect(core.setFailed).not.toHaveBeenCalled()
    const first = JSON.parse(await readFile(core.outputs.report!, 'utf8'))
    expect(first.baseline).toMatchObject({ state: 'none', saved: { saved: true } })
    expect(first.scenarios[0].runs).toHaveLength(2)
    const files = sandbox.files(BRANCH)
    expect(files).toContain('meta.json')
    const firstSha = git(work, 'rev-parse', 'HEAD')
    expect(files.some(f => f.startsWith(`v1/runs/${firstSha}/101-1-`))).toBe(true)
    expect(core.summaryParts.join('')).toContain(
      '💾 Baseline saved to the branch perfgate-baselines of origin'
    )

    git(work, 'commit', '-q', '--allow-empty', '-m', 'next change')
    git(work, 'push', '-q', 'origin', 'HEAD:main')
    await pushEvent('push', 'refs/heads/main', '102')
    await run()
    expect(core.setFailed).not.toHaveBeenCalled()
    const second = JSON.parse(await readFile(core.outputs.report!, 'utf8'))
    expect(second.baseline).toMatchObject({ state: 'used', sha: firstSha, runId: '101', distance: 0 })
    expect(second.scenarios[0].checks[0].verdict).toMatch(/pass|inconclusive/)
    expect(sandbox.branchLog(BRANCH)).toHaveLength(2)
    // the workflow's own checkout is untouched: no branch switch, no stray files
    expect(git(work, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('main')
  })

  it('two legs of one run both land, and each leg compares with its own record', async () => {
    await writeFile(path.join(work, 'perfgate.yml'), config(await freePort()))
    git(work, 'add', 'perfgate.yml')
    git(work, 'commit', '-q', '-m', 'add perfgate')
    git(work, 'push', '-q', 'origin', 'HEAD:main')
    const sha = git(work, 'rev-parse', 'HEAD')
    // a matrix: the same job and run id; each leg sets its comment-id, which is its leg by default
    for (const leg of ['perf-node20', 'perf-node24']) {
      await pushEvent('push', 'refs/heads/main', '501')
      process.env.GITHUB_JOB = 'perf'
      core.inputs['comment-id'] = leg
      await run(synthetic)
      expect(core.setFailed).not.toHaveBeenCalled()
      const report = JSON.parse(await readFile(core.outputs.report!, 'utf8'))
      expect(report.baseline.saved).toMatchObject({ saved: true })
      expect(report.baseline.saved.message).not.toMatch(/kept unchanged|already stored/)
    }
    const records = sandbox.files(BRANCH).filter(f => f.startsWith(`v1/runs/${sha}/501-1-`))
    expect(records).toHaveLength(2)
    expect(records.some(f => f.includes('-perf-node20-'))).toBe(true)
    expect(records.some(f => f.includes('-perf-node24-'))).toBe(true)

    git(work, 'commit', '-q', '--allow-empty', '-m', 'next change')
    git(work, 'push', '-q', 'origin', 'HEAD:main')
    for (const leg of ['perf-node20', 'perf-node24']) {
      await pushEvent('push', 'refs/heads/main', '502')
      core.inputs['comment-id'] = 'perf'
      core.inputs.leg = leg
      await run(synthetic)
      const report = JSON.parse(await readFile(core.outputs.report!, 'utf8'))
      expect(report.baseline).toMatchObject({ state: 'used', sha, runId: '501' })
      expect(report.baseline.path).toContain(`-${leg}-`)
      expect(report.baseline.message).toContain(`leg ${leg}`)
    }
  })

  it('a pull request with compare.mode: stored compares with the stored run of its merge-base', async () => {
    await writeFile(path.join(work, 'perfgate.yml'), config(await freePort()) + 'compare: { mode: stored }\n')
    git(work, 'add', 'perfgate.yml')
    git(work, 'commit', '-q', '-m', 'add perfgate')
    git(work, 'push', '-q', 'origin', 'HEAD:main')
    const mergeBase = git(work, 'rev-parse', 'HEAD')
    await pushEvent('push', 'refs/heads/main', '401')
    await run(synthetic)
    expect(sandbox.files(BRANCH).some(f => f.startsWith(`v1/runs/${mergeBase}/401-1-`))).toBe(true)

    git(work, 'checkout', '-q', '-b', 'feature')
    git(work, 'commit', '-q', '--allow-empty', '-m', 'feature work')
    git(work, 'fetch', '-q', 'origin')
    await pushEvent('pull_request', 'refs/pull/7/merge', '402')
    process.env.GITHUB_BASE_REF = 'main'
    await run(synthetic)
    expect(core.setFailed).not.toHaveBeenCalled()
    const report = JSON.parse(await readFile(core.outputs.report!, 'utf8'))
    expect(report.mode).toBe('run')
    expect(report.baseline).toMatchObject({ state: 'used', sha: mergeBase, runId: '401' })
    expect(report.baseline.message).toMatch(/\(the merge-base\)/)
    expect(report.baseline.saved).toBeUndefined()
    expect(sandbox.branchLog(BRANCH)).toHaveLength(1)
  })

  it('pull requests and pushes to other branches never write a baseline', async () => {
    await writeFile(path.join(work, 'perfgate.yml'), config(await freePort()))
    await pushEvent('push', 'refs/heads/feature', '201')
    core.inputs.mode = 'run'
    await run(synthetic)
    expect(core.logs.join('\n')).toMatch(
      /not stored as a baseline: only pushes to the default branch \(main\)/
    )
    await pushEvent('pull_request', 'refs/pull/1/merge', '202')
    process.env.GITHUB_BASE_REF = 'main'
    core.inputs.mode = 'run'
    await run(synthetic)
    expect(core.logs.join('\n')).toMatch(/runs of pull_request events are never stored/)
    expect(() => sandbox.files(BRANCH)).toThrow()
  })

  it('a push that cannot be stored warns and keeps the record for the user', async () => {
    await writeFile(path.join(work, 'perfgate.yml'), config(await freePort()))
    const hook = path.join(sandbox.remote, 'hooks', 'pre-receive')
    await writeFile(hook, '#!/bin/sh\necho "GH006: Protected branch update failed" >&2\nexit 1\n', {
      mode: 0o755
    })
    await pushEvent('push', 'refs/heads/main', '301')
    await run(synthetic)
    const report = JSON.parse(await readFile(core.outputs.report!, 'utf8'))
    expect(report.baseline.saved).toMatchObject({ saved: false })
    expect(report.baseline.saved.message).toMatch(/baseline NOT saved.*GH006.*contents: write/)
    expect(core.annotations.some(a => a.level === 'warning' && /baseline NOT saved/.test(a.message))).toBe(
      true
    )
    const kept = JSON.parse(await readFile(path.join(work, 'perfgate-report/baseline-record.json'), 'utf8'))
    expect(kept.git.runId).toBe('301')
    expect(core.summaryParts.join('')).toContain('⚠️ Baseline NOT saved')
  })
})
