import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { createClient } from '../../src/github/client.js'
import {
  commentMarker,
  truncateBody,
  upsertStickyComment,
  type UpsertParams
} from '../../src/github/comment.js'
import { explainApiError } from '../../src/github/errors.js'
import { FakeGitHub } from '../../__fixtures__/github/fake-api.js'

let api: FakeGitHub
beforeEach(async () => {
  api = await new FakeGitHub().start()
})
afterEach(async () => {
  await api.stop()
})

const params = (overrides: Partial<UpsertParams> = {}): UpsertParams => ({
  owner: 'o',
  repo: 'r',
  issueNumber: 1,
  id: 'perfgate.yml',
  body: '### ✅ perfgate: PASS\n',
  mode: 'always',
  failing: false,
  ...overrides
})

const client = (budgetMs = 10_000) => createClient('t0ken', { apiUrl: api.url, budgetMs })
const writes = () =>
  api.requests.filter(r => (r.method === 'POST' && r.path !== '/graphql') || r.method === 'PATCH')

describe('the sticky comment', () => {
  it('is created once and then updated in place', async () => {
    const first = await upsertStickyComment(client(), params())
    const second = await upsertStickyComment(client(), params({ body: '### ❌ perfgate: FAIL\n' }))
    expect(first.action).toBe('created')
    expect(second.action).toBe('updated')
    expect(api.comments).toHaveLength(1)
    expect(api.comments[0]!.body).toBe(`${commentMarker('perfgate.yml')}\n### ❌ perfgate: FAIL\n`)
  })

  it('ignores a user comment that copies the marker', async () => {
    api.addComment('mallory', `${commentMarker('perfgate.yml')}\nplanted`)
    const result = await upsertStickyComment(client(), params())
    expect(result.action).toBe('created')
    expect(api.comments.map(c => c.user.login)).toEqual(['mallory', 'github-actions[bot]'])
    expect(api.comments[0]!.body).toContain('planted')
  })

  it('finds its comment on page 3', async () => {
    for (let i = 0; i < 250; i++) api.addComment('someone', `comment ${i}`)
    const ours = api.addComment('github-actions[bot]', `${commentMarker('perfgate.yml')}\nold`)
    const result = await upsertStickyComment(client(), params())
    expect(result.action).toBe('updated')
    expect(api.comments).toHaveLength(251)
    expect(ours.body).toContain('PASS')
    expect(api.requests.filter(r => r.method === 'GET').length).toBe(3)
  })

  it('on-failure creates nothing for a pass but updates an existing comment so it says the gate passes now', async () => {
    expect((await upsertStickyComment(client(), params({ mode: 'on-failure' }))).action).toBe('skipped')
    expect(api.comments).toHaveLength(0)
    await upsertStickyComment(client(), params({ mode: 'on-failure', failing: true, body: 'FAIL' }))
    expect(
      (await upsertStickyComment(client(), params({ mode: 'on-failure', body: 'PASS now' }))).action
    ).toBe('updated')
    expect(api.comments[0]!.body).toContain('PASS now')
  })

  it('on-change leaves an unchanged comment alone, ignoring the footer; off makes no call', async () => {
    await upsertStickyComment(client(), params({ body: 'same\n<sub>run 1</sub>' }))
    const again = await upsertStickyComment(
      client(),
      params({ mode: 'on-change', body: 'same\n<sub>run 2</sub>' })
    )
    expect(again.action).toBe('unchanged')
    const before = api.requests.length
    expect((await upsertStickyComment(client(), params({ mode: 'off' }))).action).toBe('skipped')
    expect(api.requests.length).toBe(before)
  })

  it('a 403 with x-accepted-github-permissions is not retried and becomes advice', async () => {
    api.failures.push({
      status: 403,
      message: 'Resource not accessible by integration',
      headers: { 'x-accepted-github-permissions': 'issues=write; pull_requests=write' }
    })
    const error = await upsertStickyComment(client(), params()).catch(e => e)
    expect(api.requests.filter(r => r.method === 'POST' && r.path !== '/graphql')).toHaveLength(1)
    const advice = explainApiError(error, 'the PR comment')
    expect(advice).toContain('issues=write; pull_requests=write')
    expect(advice).toContain('permissions: { contents: read, pull-requests: write }')
  })

  it('a 404 explains the private-repository answer', async () => {
    api.failures.push({ route: /^GET /, status: 404, message: 'Not Found' })
    const error = await upsertStickyComment(client(), params()).catch(e => e)
    expect(explainApiError(error, 'the PR comment')).toContain('404 instead of 403')
  })

  it('waits out a secondary rate limit with retry-after, then succeeds', async () => {
    api.failures.push({
      status: 403,
      message: 'You have exceeded a secondary rate limit',
      headers: { 'retry-after': '1' }
    })
    const result = await upsertStickyComment(client(), params())
    expect(result.action).toBe('created')
    expect(api.requests.length).toBeLessThanOrEqual(4)
  })

  it('gives up on a persistent rate limit within its budget', async () => {
    for (let i = 0; i < 5; i++)
      api.failures.push({ status: 429, message: 'rate limited', headers: { 'retry-after': '1' } })
    const error = await upsertStickyComment(client(1500), params()).catch(e => e)
    expect((error as { status?: number }).status).toBe(429)
    expect(writes().length).toBeLessThanOrEqual(2)
    expect(api.comments).toHaveLength(0)
  })

  it('works with a GitHub Enterprise base URL', async () => {
    const ghes = await new FakeGitHub('/api/v3').start()
    try {
      const result = await upsertStickyComment(createClient('t', { apiUrl: ghes.url }), params())
      expect(result.action).toBe('created')
      expect(ghes.comments).toHaveLength(1)
    } finally {
      await ghes.stop()
    }
  })
})

describe('truncateBody', () => {
  it('cuts a 120,000-character body under 60,000 at a line, closes what is open and keeps the top', () => {
    const table = Array.from({ length: 3000 }, (_, i) => `| row ${i} | ${'x'.repeat(30)} |`).join('\n')
    const body = `${commentMarker('x')}\n### ❌ perfgate: FAIL\n<details>\n\n\`\`\`text\n${table}\n\`\`\`\n</details>\n`
    expect(body.length).toBeGreaterThan(120_000)
    const cut = truncateBody(body)
    expect(cut.length).toBeLessThanOrEqual(60_000)
    expect(cut.startsWith(`${commentMarker('x')}\n### ❌ perfgate: FAIL`)).toBe(true)
    expect(cut).toMatch(
      /```\n<\/details>\n\n… \d+ lines omitted: the full report is in the job summary and the report artifact\.\n$/
    )
  })
})
