import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { labelApproval, prAcceptances } from '../../src/action/accept.js'
import { createClient } from '../../src/github/client.js'
import { readPrContext } from '../../src/github/context.js'
import { FakeGitHub, type TimelineEvent } from '../../__fixtures__/github/fake-api.js'

let api: FakeGitHub
beforeEach(async () => {
  api = await new FakeGitHub().start()
})
afterEach(async () => {
  await api.stop()
})

const prContext = (labels: string[] = []) =>
  readPrContext(
    { GITHUB_REPOSITORY: 'o/r', GITHUB_EVENT_NAME: 'pull_request' },
    { pull_request: { number: 3, base: { ref: 'main' }, labels: labels.map(name => ({ name })) } }
  )

const labeled = (login: string, name = 'perf-accepted'): TimelineEvent => ({
  event: 'labeled',
  label: { name },
  actor: { login }
})
const pushed = (sha: string): TimelineEvent => ({ event: 'committed', sha })
const approvalOf = (labels = ['perf-accepted']) =>
  labelApproval(createClient('t', { apiUrl: api.url }), prContext(labels))

describe('the perf-accepted label', () => {
  it('accepts when applied after the latest push by someone with write access, naming them (the last time)', async () => {
    api.timeline.set(3, [
      pushed('a'.repeat(40)),
      labeled('first'),
      { event: 'unlabeled', label: { name: 'perf-accepted' }, actor: { login: 'first' } },
      labeled('maintainer'),
      labeled('author', 'bug')
    ])
    api.permissions.set('maintainer', 'write')
    const approval = await approvalOf()
    expect(approval).toEqual({ accepted: true, login: 'maintainer' })
    expect(prAcceptances(prContext(['perf-accepted']), approval)).toEqual([
      { scenario: '*', metric: '*', by: 'the perf-accepted label, applied by @maintainer' }
    ])
    expect(prAcceptances(prContext(['bug']), approval)).toEqual([])
    expect(api.requests.map(r => `${r.method} ${r.path}`)).toEqual([
      'GET /repos/o/r/issues/3/timeline',
      'GET /repos/o/r/collaborators/maintainer/permission'
    ])
  })

  it('predates a later push or force push: it accepts nothing and says to re-apply it', async () => {
    api.permissions.set('maintainer', 'admin')
    for (const later of [
      pushed('b'.repeat(40)),
      { event: 'head_ref_force_pushed', actor: { login: 'author' } } as TimelineEvent
    ]) {
      api.timeline.set(3, [pushed('a'.repeat(40)), labeled('maintainer'), later])
      const approval = await approvalOf()
      expect(approval).toEqual({
        accepted: false,
        reason:
          'the perf-accepted label (applied by @maintainer) predates the latest push: re-apply it to accept the pull request as it is now'
      })
      expect(prAcceptances(prContext(['perf-accepted']), approval)).toEqual([])
    }
  })

  it('seen by a run for a push (synchronize) predates that push, whatever the timeline’s order says', async () => {
    // a commit with a backdated date could sort before the label: the run's own event says the push came second
    api.timeline.set(3, [pushed('a'.repeat(40)), labeled('maintainer')])
    api.permissions.set('maintainer', 'write')
    const ctx = readPrContext(
      { GITHUB_REPOSITORY: 'o/r', GITHUB_EVENT_NAME: 'pull_request' },
      {
        action: 'synchronize',
        pull_request: { number: 3, base: { ref: 'main' }, labels: [{ name: 'perf-accepted' }] }
      }
    )
    expect(await labelApproval(createClient('t', { apiUrl: api.url }), ctx)).toEqual({
      accepted: false,
      reason:
        'the perf-accepted label predates the latest push: re-apply it to accept the pull request as it is now'
    })
    expect(api.requests).toHaveLength(0)
  })

  it('applied by someone who cannot write (triage, read, or not a collaborator) accepts nothing', async () => {
    api.timeline.set(3, [pushed('a'.repeat(40)), labeled('triager')])
    api.permissions.set('triager', 'read')
    expect(await approvalOf()).toEqual({
      accepted: false,
      reason:
        'the perf-accepted label was applied by @triager, who cannot write to the repository (permission: read); someone with write access must apply it'
    })
    api.permissions.delete('triager')
    const unknown = await approvalOf()
    expect(unknown.accepted).toBe(false)
    expect(!unknown.accepted && unknown.reason).toMatch(
      /^perfgate could not read @triager's permission on the repository \(Not Found/
    )
  })

  it('accepts nothing when who applied it cannot be read, and says why', async () => {
    api.failures.push({
      route: /\/timeline$/,
      status: 403,
      message: 'Resource not accessible by integration'
    })
    const approval = await approvalOf()
    expect(approval.accepted).toBe(false)
    expect(!approval.accepted && approval.reason).toMatch(
      /^perfgate could not read the pull request's timeline \(Resource not accessible by integration/
    )
    expect(prAcceptances(prContext(['perf-accepted']), approval)).toEqual([])
    api.timeline.set(3, [pushed('a'.repeat(40))])
    expect(await approvalOf()).toEqual({
      accepted: false,
      reason: 'the timeline shows no one applying the perf-accepted label'
    })
  })
})
