import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { labelAppliedBy, prAcceptances } from '../../src/action/accept.js'
import { createClient } from '../../src/github/client.js'
import { readPrContext } from '../../src/github/context.js'
import { FakeGitHub } from '../../__fixtures__/github/fake-api.js'

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

describe('accepted regressions of a pull request', () => {
  it('come from the perf-accepted label only, naming who applied it (the last time)', async () => {
    api.issueEvents.set(3, [
      { event: 'labeled', label: { name: 'perf-accepted' }, actor: { login: 'first' } },
      { event: 'unlabeled', label: { name: 'perf-accepted' }, actor: { login: 'first' } },
      { event: 'labeled', label: { name: 'perf-accepted' }, actor: { login: 'maintainer' } },
      { event: 'labeled', label: { name: 'bug' }, actor: { login: 'author' } }
    ])
    const ctx = prContext(['perf-accepted'])
    const applied = await labelAppliedBy(createClient('t', { apiUrl: api.url }), ctx)
    expect(applied).toEqual({ login: 'maintainer' })
    expect(prAcceptances(ctx, applied)).toEqual([
      { scenario: '*', metric: '*', by: 'the perf-accepted label, applied by @maintainer' }
    ])
    expect(prAcceptances(prContext(['bug']), applied)).toEqual([])
  })

  it('still accept when who applied the label cannot be read, and say so', async () => {
    api.failures.push({ route: /\/events$/, status: 403, message: 'Resource not accessible by integration' })
    const ctx = prContext(['perf-accepted'])
    const applied = await labelAppliedBy(createClient('t', { apiUrl: api.url }), ctx)
    expect(applied.problem).toContain('Resource not accessible by integration')
    expect(prAcceptances(ctx, applied)[0]!.by).toMatch(
      /^the perf-accepted label \(who applied it could not be read: Resource not accessible/
    )
  })
})
