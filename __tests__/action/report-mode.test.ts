import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import * as core from '../../__fixtures__/core.js'
import { FakeGitHub } from '../../__fixtures__/github/fake-api.js'
import { openPr, workflowRun } from '../../__fixtures__/github/events.js'
import { check, report, scenarioReport } from '../../__fixtures__/report.js'
import type { ResultArtifact } from '../../src/github/workflow-run.js'
import type { Report } from '../../src/model/report.js'

jest.unstable_mockModule('@actions/core', () => core)
const { runReportMode } = await import('../../src/action/report-mode.js')
const { readInputs } = await import('../../src/action/inputs.js')
const { unspacedClient } = await import('../../__fixtures__/github/client.js')

const HEAD = 'a'.repeat(40)
let dir: string
let api: FakeGitHub
const savedEnv = { ...process.env }

beforeEach(async () => {
  core.reset()
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-report-mode-'))
  api = await new FakeGitHub().start()
  await writeFile(
    path.join(dir, 'event.json'),
    JSON.stringify({ ...workflowRun(HEAD), workflow_run: { ...workflowRun(HEAD).workflow_run, id: 555 } })
  )
  Object.assign(process.env, {
    GITHUB_REPOSITORY: 'o/r',
    GITHUB_EVENT_NAME: 'workflow_run',
    GITHUB_EVENT_PATH: path.join(dir, 'event.json'),
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

async function writeArtifact(overrides: Partial<ResultArtifact> = {}): Promise<void> {
  const artifact: ResultArtifact = {
    schemaVersion: 1,
    prNumber: 7,
    headSha: HEAD,
    configFile: 'perfgate.yml',
    commentId: 'perfgate.yml:perf',
    commentMode: 'always',
    report: report(),
    ...overrides
  }
  await writeFile(path.join(dir, 'perfgate-result.json'), JSON.stringify(artifact))
}

const inputs = (extra: Record<string, string> = {}) =>
  readInputs(
    name => ({ mode: 'report', 'artifact-path': dir, 'github-token': 't', ...extra })[name] ?? '',
    {}
  )
const warnings = () => core.annotations.filter(a => a.level === 'warning').map(a => a.message)

describe('mode: report against the API', () => {
  it('posts the comment on the PR the artifact names, linking the measuring run’s artifacts', async () => {
    api.pulls.set(7, openPr(HEAD))
    await writeArtifact()
    await runReportMode(inputs(), process.env, undefined, unspacedClient)
    expect(api.comments).toHaveLength(1)
    const body = api.comments[0]!.body
    expect(body.startsWith('<!-- perfgate:perfgate.yml:perf -->')).toBe(true)
    expect(body).toContain('[workflow run](https://github.com/o/r/actions/runs/555)')
    expect(body).toContain('[artifact `perfgate-report`](https://github.com/o/r/actions/runs/555#artifacts)')
    expect(core.outputs).toMatchObject({
      verdict: 'pass',
      'comment-url': expect.stringContaining('issuecomment')
    })
    expect(core.summaryParts.join('')).toContain('perfgate: PASS')
    expect(warnings()).toEqual([])
  })

  it('refuses an artifact whose PR number points at another PR', async () => {
    api.pulls.set(7, openPr(HEAD))
    api.pulls.set(9, openPr('d'.repeat(40)))
    await writeArtifact({ prNumber: 9 })
    await runReportMode(inputs(), process.env, undefined, unspacedClient)
    expect(api.comments).toHaveLength(0)
    expect(warnings()).toEqual([
      'perfgate: not commenting: artifact PR number #9 does not match workflow_run.head_sha (or the PR is closed)'
    ])
  })

  it('binds the PR to the run: another repository or branch with the same head SHA gets no comment and no verdict', async () => {
    for (const head of [{ repo: { full_name: 'eve/r' } }, { ref: 'other-branch' }, { repo: null }]) {
      core.reset()
      api.pulls.set(7, openPr(HEAD, head))
      await writeArtifact({ report: report({ verdict: 'pass' }) })
      await runReportMode(inputs(), process.env, undefined, unspacedClient)
      expect(api.comments).toHaveLength(0)
      expect(core.outputs.verdict).toBe('errored')
      expect(warnings()).toEqual([
        expect.stringMatching(
          /^perfgate: not commenting: PR #7 comes from .*, not from the triggering run's mallory\/r:feature$/
        )
      ])
    }
  })

  it('checks workflow_run.conclusion: a cancelled or unfinished run’s artifact is not reported, and its verdict not copied', async () => {
    for (const conclusion of ['cancelled', 'skipped', null]) {
      core.reset()
      const requests = api.requests.length
      await writeFile(
        path.join(dir, 'event.json'),
        JSON.stringify({
          ...workflowRun(HEAD),
          workflow_run: { ...workflowRun(HEAD).workflow_run, conclusion }
        })
      )
      api.pulls.set(7, openPr(HEAD))
      await writeArtifact({ report: report({ verdict: 'pass' }) })
      await runReportMode(inputs(), process.env, undefined, unspacedClient)
      expect(api.requests.length).toBe(requests)
      expect(core.outputs.verdict).toBe('errored')
      expect(warnings()[0]).toContain(`the triggering run's conclusion is ${JSON.stringify(conclusion)}`)
    }
  })

  it('copies the artifact’s verdict into the output only once it is bound', async () => {
    api.pulls.set(7, openPr(HEAD))
    await writeArtifact({ headSha: 'e'.repeat(40), report: report({ verdict: 'pass' }) })
    await runReportMode(inputs(), process.env, undefined, unspacedClient)
    expect(core.outputs.verdict).toBe('errored')
    core.reset()
    await writeArtifact({ report: report({ verdict: 'pass' }) })
    await runReportMode(inputs(), process.env, undefined, unspacedClient)
    expect(core.outputs.verdict).toBe('pass')
  })

  it.each([
    [403, 'Resource not accessible by integration', 'pull-requests: write'],
    [404, 'Not Found', '404 instead of 403']
  ])('a %i from pulls.get is explained as an API error, not a mismatch', async (status, message, advice) => {
    api.failures.push({ route: /^GET \/repos\/o\/r\/pulls\/7$/, status, message })
    await writeArtifact()
    await runReportMode(inputs(), process.env, undefined, unspacedClient)
    expect(api.comments).toHaveLength(0)
    expect(warnings()).toHaveLength(1)
    expect(warnings()[0]).toContain(advice)
    expect(warnings()[0]).not.toContain('does not match')
    expect(warnings()[0]).toContain('could not read pull request #7')
  })

  it('takes over the comment an older perfgate left under the previous id the artifact names', async () => {
    api.pulls.set(7, openPr(HEAD))
    api.addComment('github-actions[bot]', '<!-- perfgate:perfgate.yml -->\nold')
    await writeArtifact({ previousCommentIds: ['perfgate.yml'] })
    await runReportMode(inputs(), process.env, undefined, unspacedClient)
    expect(api.comments).toHaveLength(1)
    expect(api.comments[0]!.body.startsWith('<!-- perfgate:perfgate.yml:perf -->')).toBe(true)
  })

  it('refuses an artifact whose previousCommentIds is not a short list of strings', async () => {
    api.pulls.set(7, openPr(HEAD))
    await writeArtifact({ previousCommentIds: [{ x: 1 }] as unknown as string[] })
    await expect(runReportMode(inputs(), process.env, undefined, unspacedClient)).rejects.toThrow(
      /previousCommentIds must be a list of at most 5 ids/
    )
    expect(api.comments).toHaveLength(0)
  })

  it.each([
    ['commentId', { commentId: '---->> <img src=https://evil.example/x.png> @org/team' }],
    ['commentId', { commentId: 'x --!> <img src=https://evil.example/x.png>' }],
    ['previousCommentIds', { previousCommentIds: ['perfgate.yml', '---->> <b>hi</b>'] }]
  ] as Array<[string, Partial<ResultArtifact>]>)(
    'refuses an artifact whose %s could end the hidden marker: exactly one comment terminator stays',
    async (field, hostile) => {
      api.pulls.set(7, openPr(HEAD))
      // a scenario name that tries the same inside the report is escaped, not refused
      const named = report({ scenarios: [scenarioReport({ name: '--> <img src=x> --!>' })] })
      await writeArtifact({ report: named })
      await runReportMode(inputs(), process.env, undefined, unspacedClient)
      await writeArtifact({ report: named, ...hostile })
      await expect(runReportMode(inputs(), process.env, undefined, unspacedClient)).rejects.toThrow(
        new RegExp(`${field} .*letters, digits`)
      )
      expect(api.comments).toHaveLength(1)
      const body = api.comments[0]!.body
      expect(body.match(/--!?>/g)).toEqual(['-->'])
      expect(body.startsWith('<!-- perfgate:perfgate.yml:perf -->\n')).toBe(true)
      expect(body).not.toContain('<img')
    }
  )

  it('on-failure follows whether the pull_request run failed, as its artifact says', async () => {
    api.pulls.set(7, openPr(HEAD))
    const inconclusive = report({ verdict: 'inconclusive' })
    await writeArtifact({ report: inconclusive, failing: false })
    await runReportMode(inputs({ comment: 'on-failure' }), process.env, undefined, unspacedClient)
    expect(api.comments).toHaveLength(0)
    // the PR run had on-inconclusive: fail, so its job failed: the comment must say so
    await writeArtifact({ report: inconclusive, failing: true })
    await runReportMode(inputs({ comment: 'on-failure' }), process.env, undefined, unspacedClient)
    expect(api.comments).toHaveLength(1)
  })

  it('caps a huge summary under GitHub’s 1 MiB', async () => {
    api.pulls.set(7, openPr(HEAD))
    const scenarios = Array.from({ length: 2500 }, (_, i) =>
      scenarioReport({ name: `scenario-${i}-${'n'.repeat(150)}`, checks: [check()] })
    )
    const big: Report = report({ scenarios, headline: 'perfgate passed: many' })
    await writeArtifact({ report: big })
    await runReportMode(inputs(), process.env, undefined, unspacedClient)
    const summary = core.summaryParts.join('')
    expect(Buffer.byteLength(summary)).toBeLessThanOrEqual(900 * 1024)
    expect(summary).toContain('to stay under GitHub’s 1 MiB summary limit')
    expect(api.comments).toHaveLength(1)
  })
})
