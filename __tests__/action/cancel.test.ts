import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { existsSync, readdirSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import * as core from '../../__fixtures__/core.js'
import { git, GitSandbox } from '../../__fixtures__/git.js'
import { sameRepoPr } from '../../__fixtures__/github/events.js'
import { freePort, REPO } from '../../__fixtures__/config.js'

jest.unstable_mockModule('@actions/core', () => core)
const { run } = await import('../../src/main.js')
const { groupMembers, stopAllServices } = await import('../../src/service/spawn.js')
const { probeTcp } = await import('../../src/service/ready.js')

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))
const savedEnv = { ...process.env }
let sandbox: GitSandbox

beforeEach(async () => {
  core.reset()
  core.setFailed.mockClear()
  sandbox = await new GitSandbox().start(2)
})
afterEach(async () => {
  process.env = { ...savedEnv }
  await stopAllServices()
  await sandbox.stop()
})

const baseWorktrees = () => readdirSync(os.tmpdir()).filter(name => name.startsWith('perfgate-base-'))

describe('a cancelled job', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'on %s stops the base build, removes the worktree and writes the summary with verdict errored',
    async signal => {
      const work = sandbox.clone('work')
      git(work, 'checkout', '-q', '-b', 'feature')
      git(work, 'commit', '-q', '--allow-empty', '-m', 'feature')
      git(work, 'config', '--local', 'http.https://github.com/.extraheader', 'AUTHORIZATION: basic x')
      const port = await freePort()
      const started = path.join(sandbox.root, 'build-started')
      await writeFile(
        path.join(work, 'perfgate.yml'),
        `version: 1
service:
  build: touch ${JSON.stringify(started)} && sleep 60 & sleep 60
  command: node -e "setInterval(() => {}, 1000)"
  ready: { url: http://127.0.0.1:${port}/, timeout: 5s }
scenarios:
  - name: get
    request: { url: http://127.0.0.1:${port}/ }
`
      )
      await writeFile(path.join(sandbox.root, 'event.json'), JSON.stringify(sameRepoPr))
      Object.assign(process.env, {
        GITHUB_WORKSPACE: work,
        GITHUB_REPOSITORY: 'o/r',
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: path.join(sandbox.root, 'event.json'),
        GITHUB_BASE_REF: 'main',
        GITHUB_RUN_ID: '42',
        GITHUB_STEP_SUMMARY: path.join(sandbox.root, 'summary.md')
      })
      Object.assign(core.inputs, { config: 'perfgate.yml', mode: 'compare', comment: 'off' })
      const before = new Set(baseWorktrees())
      const exit = jest.fn<(code: number) => void>()
      const running = run({ exit })
      for (let i = 0; i < 200 && !existsSync(started); i++) await sleep(50)
      expect(existsSync(started)).toBe(true)
      // the build's process group was saved for the post step
      const saved = JSON.parse(core.state['perfgate-pgids']!) as Array<{ pgid: number }>
      expect(saved).toHaveLength(1)
      const build = saved[0]!.pgid
      expect(groupMembers(build).length).toBeGreaterThan(0)
      const madeNow = baseWorktrees().filter(name => !before.has(name))
      expect(madeNow).toHaveLength(1)

      process.emit(signal, signal)
      await running
      expect(exit).toHaveBeenCalledWith(1)
      expect(groupMembers(build)).toEqual([])
      expect(existsSync(path.join(os.tmpdir(), madeNow[0]!))).toBe(false)
      expect(git(work, 'worktree', 'list').split('\n')).toHaveLength(1)
      expect(core.outputs.verdict).toBe('errored')
      expect(core.setFailed).toHaveBeenCalledTimes(1)
      expect(String(core.setFailed.mock.calls[0]![0])).toMatch(
        new RegExp(`^perfgate: cancelled \\(${signal}\\)`)
      )
      const summary = core.summaryParts.join('')
      expect(summary).toContain('### 💥 perfgate: ERRORED')
      expect(summary).toContain(`cancelled (${signal})`)
      expect(process.listenerCount(signal)).toBe(0)
      // a pull request job whose checkout persisted its token is told so
      expect(core.annotations.map(a => a.message).join('\n')).toContain('persist-credentials: false')
    },
    30_000
  )

  it('during load stops the service group, frees its port and ends errored ("cancelled")', async () => {
    const work = sandbox.clone('work-load')
    const port = await freePort()
    await writeFile(
      path.join(work, 'perfgate.yml'),
      `version: 1
service:
  command: node ${path.join(REPO, 'examples/service/server.mjs')}
  env: { PORT: "${port}", CPU_US: "50" }
  ready: { url: http://127.0.0.1:${port}/health, timeout: 15s }
defaults: { warmup: 100ms, duration: 60s, connections: 2 }
scenarios:
  - name: get
    request: { url: http://127.0.0.1:${port}/reservations/1 }
`
    )
    await writeFile(path.join(sandbox.root, 'event.json'), JSON.stringify({}))
    Object.assign(process.env, {
      GITHUB_WORKSPACE: work,
      GITHUB_REPOSITORY: 'o/r',
      GITHUB_EVENT_NAME: 'push',
      GITHUB_EVENT_PATH: path.join(sandbox.root, 'event.json'),
      GITHUB_STEP_SUMMARY: path.join(sandbox.root, 'summary.md')
    })
    Object.assign(core.inputs, { config: 'perfgate.yml', mode: 'run', comment: 'off' })
    const exit = jest.fn<(code: number) => void>()
    const started = Date.now()
    const running = run({ exit })
    for (let i = 0; i < 200 && !core.state['perfgate-pgids']; i++) await sleep(50)
    const [service] = JSON.parse(core.state['perfgate-pgids']!) as Array<{ pgid: number }>
    await sleep(500) // load is running
    expect(groupMembers(service!.pgid).length).toBeGreaterThan(0)
    process.emit('SIGTERM', 'SIGTERM')
    await running
    expect(Date.now() - started).toBeLessThan(30_000)
    expect(exit).toHaveBeenCalledWith(1)
    expect(groupMembers(service!.pgid)).toEqual([])
    expect((await probeTcp('127.0.0.1', port, 500)).ok).toBe(false)
    expect(core.outputs.verdict).toBe('errored')
    expect(String(core.setFailed.mock.calls.at(-1)![0])).toMatch(/^perfgate: cancelled \(SIGTERM\)/)
  }, 60_000)
})
