import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import * as core from '../../__fixtures__/core.js'
import { useActionSandbox } from '../../__fixtures__/action-sandbox.js'
import { git } from '../../__fixtures__/git.js'
import { startTestServer, type TestServer } from '../../__fixtures__/servers.js'
import type { Report } from '../../src/model/report.js'

jest.unstable_mockModule('@actions/core', () => core)
const { run } = await import('../../src/main.js')

let work: string
let server: TestServer

beforeAll(async () => {
  server = await startTestServer((_req, res) => res.end('ok'))
})
afterAll(async () => {
  await server.close()
})
useActionSandbox((_sandbox, w) => {
  work = w
})

describe('the action on a running target (no service section)', () => {
  it('mode compare measures the target against its limits and the stored baseline: no base is built or started', async () => {
    await writeFile(
      path.join(work, 'perfgate.yml'),
      `version: 1
ready: { url: "${server.url}/health", timeout: 5s }
defaults: { warmup: 0s, duration: 600ms, connections: 2, min-requests: 5 }
baseline: { rounds: 1 }
scenarios:
  - name: home
    request: { url: "${server.url}/" }
    thresholds:
      latency.p99: "< 2s"
`
    )
    git(work, 'add', 'perfgate.yml')
    git(work, 'commit', '-q', '-m', 'add perfgate')
    await writeFile(path.join(work, 'event.json'), JSON.stringify({ repository: { default_branch: 'main' } }))
    Object.assign(process.env, {
      GITHUB_WORKSPACE: work,
      GITHUB_REPOSITORY: 'o/r',
      GITHUB_EVENT_NAME: 'push',
      GITHUB_EVENT_PATH: path.join(work, 'event.json'),
      GITHUB_REF: 'refs/heads/feature',
      GITHUB_SHA: git(work, 'rev-parse', 'HEAD'),
      GITHUB_RUN_ID: '801',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_JOB: 'perf',
      GITHUB_STEP_SUMMARY: path.join(work, 'summary.md')
    })
    for (const key of Object.keys(core.inputs)) delete core.inputs[key]
    Object.assign(core.inputs, {
      config: 'perfgate.yml',
      mode: 'compare',
      comment: 'off',
      'github-token': 'ghs_x'
    })
    const before = server.seen()
    await run()
    expect(core.setFailed).not.toHaveBeenCalled()
    expect(core.outputs.verdict).toBe('pass')
    const report = JSON.parse(await readFile(core.outputs.report!, 'utf8')) as Report
    expect(report.mode).toBe('run')
    expect(report.notes.join('\n')).toContain('a running target')
    expect(report.config.used?.service).toBeUndefined()
    expect(server.seen() - before).toBeGreaterThan(5)
  }, 30_000)
})
