import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { readPrContext } from '../../src/github/context.js'
import { forkWarning } from '../../src/github/fork.js'
import { createClient } from '../../src/github/client.js'
import {
  parseResultArtifact,
  readArtifactFromDir,
  resolveWorkflowRunPr,
  type ResultArtifact
} from '../../src/github/workflow-run.js'
import { FakeGitHub } from '../../__fixtures__/github/fake-api.js'
import { forkPr, openPr, sameRepoPr, workflowRun } from '../../__fixtures__/github/events.js'
import { report } from '../../__fixtures__/report.js'

const env = {
  GITHUB_REPOSITORY: 'o/r',
  GITHUB_EVENT_NAME: 'pull_request',
  GITHUB_RUN_ID: '42',
  GITHUB_API_URL: 'http://127.0.0.1:1'
}

describe('readPrContext', () => {
  it('reads a same-repo PR', () => {
    const ctx = readPrContext(env, sameRepoPr)
    expect(ctx).toMatchObject({
      kind: 'pull_request',
      prNumber: 7,
      isFork: false,
      labels: ['perf-accepted'],
      baseRef: 'main',
      runUrl: 'https://github.com/o/r/actions/runs/42'
    })
  })

  it('detects a fork PR from the payload and explains the workflow_run set-up', () => {
    const ctx = readPrContext(env, forkPr)
    expect(ctx).toMatchObject({ isFork: true, forkRepo: 'mallory/r', prNumber: 8 })
    const warning = forkWarning(ctx)
    expect(warning).toContain('On pull_request events GitHub gives a fork')
    expect(warning).toContain('read-only GITHUB_TOKEN')
    expect(readPrContext({ ...env, GITHUB_EVENT_NAME: 'pull_request_target' }, forkPr).kind).toBe(
      'pull_request_target'
    )
    expect(warning).toContain('mode: report')
    expect(warning).toContain('Do not switch this workflow to pull_request_target')
  })

  it('tells a fork PR by its head repository, not by head.repo.fork (true for every branch of a forked repository)', () => {
    const inFork = { ...env, GITHUB_REPOSITORY: 'mallory/r' }
    const sameRepoInFork = {
      pull_request: {
        number: 9,
        head: { sha: 'a'.repeat(40), ref: 'feature', repo: { full_name: 'mallory/r', fork: true } },
        base: { sha: 'b'.repeat(40), ref: 'main', repo: { full_name: 'mallory/r' } },
        labels: []
      }
    }
    expect(readPrContext(inFork, sameRepoInFork)).toMatchObject({ isFork: false })
    expect(readPrContext(inFork, sameRepoInFork).forkRepo).toBeUndefined()
    const fromAnotherFork = {
      pull_request: {
        ...sameRepoInFork.pull_request,
        head: { ...sameRepoInFork.pull_request.head, repo: { full_name: 'eve/r', fork: true } }
      }
    }
    expect(readPrContext(inFork, fromAnotherFork)).toMatchObject({ isFork: true, forkRepo: 'eve/r' })
    const deletedFork = {
      pull_request: {
        ...sameRepoInFork.pull_request,
        head: { ...sameRepoInFork.pull_request.head, repo: null }
      }
    }
    expect(readPrContext(inFork, deletedFork).isFork).toBe(true)
  })

  it('names a missing GITHUB_REPOSITORY', () => {
    expect(() => readPrContext({}, {})).toThrow('GITHUB_REPOSITORY must look like "owner/repo"')
  })
})

describe('the workflow_run result artifact', () => {
  const artifact = (overrides: Partial<ResultArtifact> = {}): ResultArtifact => ({
    schemaVersion: 1,
    prNumber: 7,
    headSha: 'a'.repeat(40),
    configFile: 'perfgate.yml',
    commentId: 'perfgate.yml',
    commentMode: 'always',
    report: report(),
    ...overrides
  })

  it('parses a valid artifact and rejects malformed, oversized or wrong-schema ones', () => {
    expect(parseResultArtifact(JSON.stringify(artifact())).prNumber).toBe(7)
    expect(() => parseResultArtifact('{not json')).toThrow('not valid JSON')
    expect(() => parseResultArtifact('x'.repeat(100), 50)).toThrow('over the 50-byte limit')
    expect(() => parseResultArtifact(JSON.stringify(artifact({ prNumber: -1, headSha: 'zz' })))).toThrow(
      /prNumber must be a positive integer; headSha must be/
    )
    expect(() => parseResultArtifact(JSON.stringify({ ...artifact(), report: { verdict: 'pass' } }))).toThrow(
      /malformed: report/
    )
  })

  let dir: string
  let api: FakeGitHub
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-artifact-'))
    api = await new FakeGitHub().start()
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
    await api.stop()
  })

  it('reads only a regular file inside the download directory', async () => {
    await expect(readArtifactFromDir(dir)).rejects.toThrow('no perfgate-result.json')
    await expect(readArtifactFromDir(dir, '../etc/passwd')).rejects.toThrow('escapes')
    await writeFile(path.join(dir, 'real.json'), '{}')
    await symlink(path.join(dir, 'real.json'), path.join(dir, 'perfgate-result.json'))
    await expect(readArtifactFromDir(dir)).rejects.toThrow('not a regular file')
  })

  it('comments only when the PR number matches the triggering run’s head SHA', async () => {
    const octokit = createClient('t', { apiUrl: api.url })
    api.pulls.set(7, openPr('a'.repeat(40)))
    api.pulls.set(9, openPr('d'.repeat(40)))
    expect(
      await resolveWorkflowRunPr(octokit, workflowRun('a'.repeat(40)), artifact(), { owner: 'o', repo: 'r' })
    ).toEqual({ ok: true, prNumber: 7 })
    const pointed = await resolveWorkflowRunPr(
      octokit,
      workflowRun('a'.repeat(40)),
      artifact({ prNumber: 9 }),
      { owner: 'o', repo: 'r' }
    )
    expect(pointed).toEqual({
      ok: false,
      reason: 'artifact PR number #9 does not match workflow_run.head_sha (or the PR is closed)'
    })
    const otherSha = await resolveWorkflowRunPr(octokit, workflowRun('e'.repeat(40)), artifact(), {
      owner: 'o',
      repo: 'r'
    })
    expect(otherSha.ok).toBe(false)
  })
})
