import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as core from '../__fixtures__/core.js'
import { FakeGitHub } from '../__fixtures__/github/fake-api.js'
import { forkPr, sameRepoPr } from '../__fixtures__/github/events.js'
import { exampleServiceYaml, freePort } from '../__fixtures__/config.js'

jest.unstable_mockModule('@actions/core', () => core)
const { run } = await import('../src/main.js')
const { unspacedClient } = await import('../__fixtures__/github/client.js')
const { liveProcessGroups, stopAllServices } = await import('../src/service/spawn.js')
const { syntheticDoor } = await import('./harness/fake-measurer.js')

/** For tests about what the action says and publishes, not what it measures: no service runs. */
const synthetic = { createClient: unspacedClient, ...syntheticDoor() }

let dir: string
let api: FakeGitHub
const savedEnv = { ...process.env }

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-action-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})
beforeEach(async () => {
  core.reset()
  api = await new FakeGitHub().start()
})
afterEach(async () => {
  process.env = { ...savedEnv }
  await api.stop()
  await stopAllServices()
})

async function setUp(config: string, event: unknown, eventName = 'pull_request'): Promise<void> {
  await writeFile(path.join(dir, 'perfgate.yml'), config)
  await writeFile(path.join(dir, 'event.json'), JSON.stringify(event))
  Object.assign(process.env, {
    GITHUB_WORKSPACE: dir,
    GITHUB_REPOSITORY: 'o/r',
    GITHUB_EVENT_NAME: eventName,
    GITHUB_EVENT_PATH: path.join(dir, 'event.json'),
    GITHUB_API_URL: api.url,
    GITHUB_RUN_ID: '42',
    GITHUB_SHA: 'a'.repeat(40),
    GITHUB_STEP_SUMMARY: path.join(dir, 'summary.md')
  })
  Object.assign(core.inputs, {
    config: 'perfgate.yml',
    'github-token': 'ghs_token',
    mode: 'run',
    comment: 'always'
  })
}

const exampleConfig = (port: number, threshold = '"< 5s"') =>
  exampleServiceYaml(
    port,
    `    thresholds:
      latency.p99: ${threshold}
`,
    '{ warmup: 200ms, duration: 800ms, connections: 4, min-requests: 20 }'
  )

describe('the action', () => {
  it('gates, writes reports, sets outputs, comments once and saves the process group for the post step', async () => {
    await setUp(exampleConfig(await freePort()), sameRepoPr)
    await run({ createClient: unspacedClient })
    expect(core.setFailed).not.toHaveBeenCalled()
    expect(core.outputs).toMatchObject({ verdict: 'pass', regressions: '0', 'failed-checks': '0' })
    expect(JSON.parse(await readFile(core.outputs.report!, 'utf8')).verdict).toBe('pass')
    const report = path.join(dir, 'perfgate-report')
    expect(core.outputs).toMatchObject({
      html: path.join(report, 'report.html'),
      summary: path.join(report, 'summary.md'),
      junit: path.join(report, 'junit.xml'),
      metrics: path.join(report, 'metrics.prom')
    })
    for (const output of ['html', 'summary', 'junit', 'metrics'])
      expect(existsSync(core.outputs[output]!)).toBe(true)
    expect(existsSync(path.join(dir, 'perfgate-report/perfgate-result.json'))).toBe(true)
    expect(core.summaryParts.join('')).toContain('perfgate: PASS')
    expect(api.comments).toHaveLength(1)
    expect(api.comments[0]!.body).toContain('<!-- perfgate:perfgate.yml -->')
    expect(core.outputs['comment-url']).toContain('issuecomment')
    // the measurement is folded in its own group in the Actions log
    const group = core.logs.findIndex(l => l.startsWith('::group::get · head'))
    expect(group).toBeGreaterThan(-1)
    expect(core.logs.indexOf('::endgroup::', group)).toBeGreaterThan(group)
    expect(JSON.parse(core.state['perfgate-pgids']!)).toHaveLength(1)
    expect(liveProcessGroups()).toEqual([])
  })

  it('fails the job with one line and annotates the limit’s line', async () => {
    await setUp(exampleConfig(await freePort(), '"< 1us"'), sameRepoPr)
    await run(synthetic)
    expect(core.setFailed).toHaveBeenCalledTimes(1)
    expect(String(core.setFailed.mock.calls[0]![0])).toMatch(
      /^perfgate failed: get: latency.p99 .* is not under the limit < 1 µs$/
    )
    // an absolute limit broke: a failed check, not a regression
    expect(core.outputs).toMatchObject({ verdict: 'fail', regressions: '0', 'failed-checks': '1' })
    expect(core.annotations).toContainEqual(
      expect.objectContaining({
        level: 'error',
        props: expect.objectContaining({ file: 'perfgate.yml', startLine: 11 })
      })
    )
  })

  it('on a fork PR makes no API call, warns once and keeps the verdict', async () => {
    await setUp(exampleConfig(await freePort()), forkPr)
    await run(synthetic)
    expect(api.requests).toHaveLength(0)
    expect(core.annotations.filter(a => a.level === 'warning').map(a => a.message)).toEqual([
      expect.stringContaining('comes from a fork (mallory/r)')
    ])
    expect(core.outputs.verdict).toBe('pass')
    expect(core.setFailed).not.toHaveBeenCalled()
  })

  it('refuses to measure on pull_request_target, before building or starting anything, and shows the workflow_run pattern', async () => {
    const ran = path.join(dir, 'ran-under-target')
    await setUp(
      exampleConfig(await freePort()).replace(
        'service:\n',
        `service:\n  build: touch ${JSON.stringify(ran)}\n`
      ),
      sameRepoPr,
      'pull_request_target'
    )
    core.inputs.mode = 'auto'
    await run({ createClient: unspacedClient })
    expect(core.setFailed).toHaveBeenCalledTimes(1)
    const failed = String(core.setFailed.mock.calls[0]![0])
    expect(failed).toMatch(/refuses to measure on pull_request_target/)
    expect(failed).toContain('workflow_run')
    expect(failed).toContain('mode: report')
    expect(core.summaryParts.join('')).toContain('Change `on: pull_request_target` to `on: pull_request`')
    expect(core.outputs.verdict).toBe('errored')
    expect(core.state['perfgate-pgids']).toBeUndefined()
    expect(existsSync(ran)).toBe(false)
    expect(api.requests).toHaveLength(0)
    // mode: report runs no PR code, so it may run there (here it stops for want of its artifact)
    core.reset()
    core.setFailed.mockClear()
    Object.assign(core.inputs, { config: 'perfgate.yml', 'github-token': 't', mode: 'report' })
    await run({ createClient: unspacedClient })
    expect(String(core.setFailed.mock.calls[0]![0])).toContain('mode: report needs the artifact-path input')
  })

  it('refuses to measure on every event but pull_request, push, schedule, workflow_dispatch and merge_group, naming the event', async () => {
    const ran = path.join(dir, 'ran-under-other-event')
    for (const event of ['workflow_run', 'issue_comment', 'pull_request_review']) {
      core.reset()
      core.setFailed.mockClear()
      await setUp(
        exampleConfig(await freePort()).replace(
          'service:\n',
          `service:\n  build: touch ${JSON.stringify(ran)}\n`
        ),
        sameRepoPr,
        event
      )
      core.inputs.mode = 'auto'
      await run({ createClient: unspacedClient })
      expect(core.setFailed).toHaveBeenCalledTimes(1)
      const failed = String(core.setFailed.mock.calls[0]![0])
      expect(failed).toContain(`perfgate refuses to measure on the ${event} event`)
      expect(failed).toContain('pull_request, push, schedule, workflow_dispatch, merge_group')
      expect(failed).toContain('mode: report')
      expect(core.summaryParts.join('')).toContain(
        'comment from a `workflow_run` workflow with `mode: report`'
      )
      expect(core.outputs.verdict).toBe('errored')
      expect(existsSync(ran)).toBe(false)
      expect(api.requests).toHaveLength(0)
    }
    for (const event of ['schedule', 'merge_group']) {
      core.reset()
      core.setFailed.mockClear()
      await setUp(exampleConfig(await freePort()), {}, event)
      await run(synthetic)
      expect(core.setFailed).not.toHaveBeenCalled()
      expect(core.outputs.verdict).toBe('pass')
    }
  })

  it('registers the base64 git credential header with setSecret, so a git trace cannot print it', async () => {
    await setUp(exampleConfig(await freePort()), {}, 'push')
    await run(synthetic)
    const basic = Buffer.from('x-access-token:ghs_token').toString('base64')
    expect(core.secrets).toContain(basic)
    expect(core.secrets).toContain(`AUTHORIZATION: basic ${basic}`)
  })

  it('a comment failure never changes the verdict', async () => {
    await setUp(exampleConfig(await freePort()), sameRepoPr)
    api.failures.push({
      status: 403,
      message: 'Resource not accessible by integration',
      headers: { 'x-accepted-github-permissions': 'pull_requests=write' }
    })
    await run(synthetic)
    expect(core.setFailed).not.toHaveBeenCalled()
    expect(core.annotations.map(a => a.message).join('\n')).toContain('pull_requests=write')
  })

  it('reports config errors at file:line:col and fails with one summary line', async () => {
    await setUp(
      'version: 1\nservice:\n  command: x\n  ready: { url: http://127.0.0.1:1/ }\nscenarios:\n  - name: a\n    request: { url: http://127.0.0.1:1/ }\n    thresholds: { p999: "< 1ms" }\n',
      sameRepoPr,
      'push'
    )
    await run({ createClient: unspacedClient })
    expect(core.annotations[0]).toMatchObject({
      level: 'error',
      props: { file: 'perfgate.yml', startLine: 8, startColumn: 19 }
    })
    expect(core.setFailed).toHaveBeenCalledWith(
      'perfgate: perfgate.yml has 1 problem (first: line 8 col 19: unknown metric "p999"; did you mean "latency.p99.9"?)'
    )
    expect(core.outputs.verdict).toBe('errored')
  })

  it('finds .github/perfgate.yml when the config input is left at its default', async () => {
    await setUp('', sameRepoPr, 'push')
    await rm(path.join(dir, 'perfgate.yml'))
    await mkdir(path.join(dir, '.github'), { recursive: true })
    await writeFile(
      path.join(dir, '.github/perfgate.yml'),
      'version: 1\nservice:\n  command: x\n  ready: { url: http://127.0.0.1:1/ }\nscenarios:\n  - name: a\n    request: { url: http://127.0.0.1:1/ }\n    thresholds: { p999: "< 1ms" }\n'
    )
    try {
      await run({ createClient: unspacedClient })
      expect(core.annotations[0]).toMatchObject({
        level: 'error',
        props: { file: '.github/perfgate.yml', startLine: 8, startColumn: 19 }
      })
      expect(core.outputs.verdict).toBe('errored')
    } finally {
      await rm(path.join(dir, '.github'), { recursive: true, force: true })
    }
  })

  it('mode: compare with a base-dir measures base and head in rounds and comments base → head', async () => {
    const port = await freePort()
    await setUp(exampleConfig(port) + 'compare: { rounds: { min: 2, max: 2 } }\n', sameRepoPr)
    Object.assign(core.inputs, { mode: 'compare', 'base-dir': '.' })
    await run({ createClient: unspacedClient })
    expect(core.setFailed).not.toHaveBeenCalled()
    const report = JSON.parse(await readFile(core.outputs.report!, 'utf8'))
    expect(report.mode).toBe('compare')
    expect(report.scenarios[0].runs.map((r: { side: string }) => r.side)).toEqual([
      'base',
      'head',
      'base',
      'head'
    ])
    expect(report.scenarios[0].baseMetrics['throughput.rps']).toBeGreaterThan(0)
    expect(api.comments).toHaveLength(1)
    expect(api.comments[0]!.body).toMatch(/req\/s → [\d,.]+ req\/s/)
    expect(liveProcessGroups()).toEqual([])
  })

  it('mode: compare with a missing base-dir errors every scenario as base-unavailable, naming the directory', async () => {
    await setUp(exampleConfig(await freePort()), sameRepoPr)
    Object.assign(core.inputs, { mode: 'compare', 'base-dir': 'no-such-base' })
    await run({ createClient: unspacedClient })
    expect(core.outputs.verdict).toBe('errored')
    const report = JSON.parse(await readFile(core.outputs.report!, 'utf8'))
    expect(report.scenarios[0].error.kind).toBe('base-unavailable')
    expect(report.scenarios[0].error.message).toMatch(/the base directory .*no-such-base does not exist/)
    expect(report.scenarios[0].metrics).toEqual({})
    expect(liveProcessGroups()).toEqual([])
  })

  it('an error before any verdict still writes the summary and outputs, with advice and no token', async () => {
    const token = `ghs_${'S3cr3t'.repeat(6)}`
    const store = path.join(dir, `store-${token}`)
    await mkdir(path.join(store, 'v1/runs'), { recursive: true })
    await writeFile(
      path.join(store, 'meta.json'),
      JSON.stringify({ schemaVersion: 99, createdBy: 'perfgate 9' })
    )
    await setUp(
      exampleConfig(await freePort()) +
        `baseline: { store: directory, directory: ${JSON.stringify(store)} }\n`,
      { repository: { default_branch: 'main' } },
      'push'
    )
    core.inputs['github-token'] = token
    await run({ createClient: unspacedClient })
    expect(core.setFailed).toHaveBeenCalledTimes(1)
    const failed = String(core.setFailed.mock.calls[0]![0])
    expect(failed).toMatch(
      /^perfgate: the baseline store .* upgrade perfgate \(store written by perfgate 9\)$/
    )
    expect(failed).toContain('store-***')
    expect(core.outputs.verdict).toBe('errored')
    const summary = core.summaryParts.join('')
    expect(summary).toContain('### 💥 perfgate: ERRORED')
    expect(summary).toContain('uses baseline schema version 99')
    expect(summary).toContain('**What to do:** The baseline store holds records written by a newer perfgate')
    expect(summary).toContain('[workflow run](https://github.com/o/r/actions/runs/42)')
    for (const text of [failed, summary, ...core.annotations.map(a => a.message)])
      expect(text).not.toContain(token)
    expect(liveProcessGroups()).toEqual([])
  })

  it('keeps engine warnings within 8 annotations and one "N more" note', async () => {
    const store = path.join(dir, 'corrupt-store')
    await mkdir(path.join(store, 'v1/runs/abc'), { recursive: true })
    for (let i = 0; i < 12; i++) await writeFile(path.join(store, `v1/runs/abc/${i}.json`), '{broken')
    await setUp(
      exampleConfig(await freePort()) +
        `baseline: { store: directory, directory: ${JSON.stringify(store)} }\n`,
      { repository: { default_branch: 'main' } },
      'push'
    )
    core.inputs.comment = 'off'
    await run(synthetic)
    const warnings = core.annotations.filter(a => a.level === 'warning')
    expect(warnings).toHaveLength(9)
    expect(warnings.slice(0, 8).every(w => /corrupt|skipp|not valid JSON/i.test(w.message))).toBe(true)
    expect(warnings[8]!.message).toMatch(/^\d+ more warnings: see the job summary and the log$/)
    expect(Number(/^(\d+)/.exec(warnings[8]!.message)![1])).toBeGreaterThanOrEqual(4)
    expect(core.logs.filter(l => l.startsWith('warning (past the annotation limit)')).length).toBe(
      Number(/^(\d+)/.exec(warnings[8]!.message)![1])
    )
    expect(core.outputs.verdict).toBe('pass')
  })

  it('names a wrong input', async () => {
    await setUp(exampleConfig(await freePort()), sameRepoPr)
    core.inputs.comment = 'sometimes'
    await run({ createClient: unspacedClient })
    expect(core.setFailed).toHaveBeenCalledWith(
      expect.stringContaining('Invalid value "sometimes" for the "comment" input')
    )
  })
})
