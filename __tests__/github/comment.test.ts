import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { createClient } from '../../src/github/client.js'
import {
  commentMarker,
  isCommentId,
  toCommentId,
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

const client = (budgetMs = 10_000) => createClient('t0ken', { apiUrl: api.url, budgetMs, spacing: 'none' })

describe('the sticky comment', () => {
  it('is created once and then updated in place', async () => {
    const first = await upsertStickyComment(client(), params())
    const second = await upsertStickyComment(client(), params({ body: '### ❌ perfgate: FAIL\n' }))
    expect(first.action).toBe('created')
    expect(second.action).toBe('updated')
    expect(api.comments).toHaveLength(1)
    expect(api.comments[0]!.body).toBe(`${commentMarker('perfgate.yml')}\n### ❌ perfgate: FAIL\n`)
  })

  it('writes and matches markers only from the comment-id set', async () => {
    for (const hostile of [
      '---->> <img src=https://evil.example/x.png> @org/team',
      'a--!>b',
      '',
      'x'.repeat(101)
    ])
      expect(() => commentMarker(hostile)).toThrow(/is refused: it may hold only letters, digits/)
    expect(commentMarker('perf/gate.yml:job-1')).toBe('<!-- perfgate:perf/gate.yml:job-1 -->')
    expect(toCommentId('my perf.yml:job <x>')).toBe('my-perf.yml:job--x-')
    expect(isCommentId(toCommentId('-->'.repeat(80)))).toBe(true)
    // a hostile previous id is never turned into a marker to match
    api.addComment('github-actions[bot]', '<!-- perfgate:--> old')
    const result = await upsertStickyComment(client(), params({ previousIds: ['---->'] }))
    expect(result.action).toBe('created')
    expect(api.comments).toHaveLength(2)
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

  it('a 404 on every call is not retried into a storm: at most one retry per call', async () => {
    api.failures.push({ route: /^(GET|POST) \/repos\//, status: 404, message: 'Not Found', persistent: true })
    const error = await upsertStickyComment(client(), params()).catch(e => e)
    expect(explainApiError(error, 'the PR comment')).toContain('404 instead of 403')
    expect(api.requests.filter(r => r.path.startsWith('/repos/')).length).toBeLessThanOrEqual(2)
    api.failures.length = 0
    api.failures.push({ route: /^POST .*\/comments$/, status: 404, message: 'Not Found', persistent: true })
    api.requests.length = 0
    const post = await upsertStickyComment(client(), params()).catch(e => e)
    expect(post.status).toBe(404)
    expect(api.requests.filter(r => r.method === 'POST' && r.path !== '/graphql').length).toBeLessThanOrEqual(
      2
    )
  })

  const secondaryLimit = (persistent = false) => ({
    status: 403,
    message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
    headers: { 'retry-after': '1' },
    persistent
  })
  const creates = () => api.requests.filter(r => r.method === 'POST' && r.path.endsWith('/comments'))

  it('waits out a secondary rate limit with retry-after, then succeeds', async () => {
    api.failures.push(secondaryLimit())
    const logs: string[] = []
    const octokit = createClient('t0ken', {
      apiUrl: api.url,
      budgetMs: 10_000,
      log: m => logs.push(m),
      spacing: 'none'
    })
    const result = await upsertStickyComment(octokit, params())
    expect(result.action).toBe('created')
    expect(creates()).toHaveLength(2)
    expect(api.comments).toHaveLength(1)
    expect(logs).toEqual([expect.stringMatching(/secondary rate limit on POST .*; retrying after 1s/)])
  })

  it('waits the full retry-after of a secondary rate limit (403, retry-after: 3) with the real client, in at most 4 calls', async () => {
    api.failures.push({ ...secondaryLimit(), headers: { 'retry-after': '3' } })
    const logs: string[] = []
    // GitHub's own spacing and real waits, as the action runs
    const octokit = createClient('t0ken', { apiUrl: api.url, budgetMs: 30_000, log: m => logs.push(m) })
    const result = await upsertStickyComment(octokit, params())
    expect(result.action).toBe('created')
    expect(api.comments).toHaveLength(1)
    expect(api.requests.length).toBeLessThanOrEqual(4)
    const [limited, retried] = creates()
    expect(retried).toBeDefined()
    expect(retried!.at - limited!.at).toBeGreaterThanOrEqual(3000)
    expect(logs).toEqual([expect.stringMatching(/secondary rate limit on POST .*; retrying after 3s/)])
  }, 20_000)

  it('gives up on a persistent secondary rate limit after two waits, with a clear warning', async () => {
    api.failures.push(secondaryLimit(true))
    const logs: string[] = []
    const octokit = createClient('t0ken', {
      apiUrl: api.url,
      budgetMs: 10_000,
      log: m => logs.push(m),
      spacing: 'none'
    })
    const error = await upsertStickyComment(octokit, params()).catch(e => e)
    expect((error as { status?: number }).status).toBe(403)
    expect(creates()).toHaveLength(3)
    expect(api.comments).toHaveLength(0)
    expect(logs.at(-1)).toMatch(/secondary rate limit on POST .*; giving up after 2 retries/)
    const warning = explainApiError(error, 'the PR comment')
    expect(warning).toContain("secondary rate limit (403) persisted past perfgate's wait budget")
    expect(warning).toContain('the gate verdict is unaffected')
  })

  it('does not wait for a retry-after beyond its time budget', async () => {
    api.failures.push({ ...secondaryLimit(true), status: 429, headers: { 'retry-after': '600' } })
    const logs: string[] = []
    const octokit = createClient('t0ken', {
      apiUrl: api.url,
      budgetMs: 3000,
      log: m => logs.push(m),
      spacing: 'none'
    })
    const error = await upsertStickyComment(octokit, params()).catch(e => e)
    expect((error as { status?: number }).status).toBe(429)
    expect(creates()).toHaveLength(1)
    expect(logs).toEqual([
      expect.stringMatching(/secondary rate limit on POST .*; giving up after 0 retries/)
    ])
    expect(explainApiError(error, 'the PR comment')).toContain('secondary rate limit (429) persisted')
  })

  it('works with a GitHub Enterprise base URL: GraphQL at /api/graphql finds a PAT user’s comment', async () => {
    const ghes = await new FakeGitHub('/api/v3').start()
    try {
      ghes.viewer = 'perf-bot-user'
      const octokit = createClient('t', { apiUrl: ghes.url, spacing: 'none' })
      expect((await upsertStickyComment(octokit, params())).action).toBe('created')
      expect((await upsertStickyComment(octokit, params({ body: 'FAIL now' }))).action).toBe('updated')
      expect(ghes.comments).toHaveLength(1)
      expect(ghes.comments[0]!.user.login).toBe('perf-bot-user')
      expect(ghes.comments[0]!.body).toContain('FAIL now')
      expect(ghes.requests.filter(r => r.path === '/graphql')).toHaveLength(2)
      expect(ghes.requests.filter(r => r.path.startsWith('(outside'))).toEqual([])
    } finally {
      await ghes.stop()
    }
  })

  it('asks REST /user when GraphQL is unavailable, so a PAT user’s comment is still found', async () => {
    api.viewer = 'pat-user'
    api.addComment('pat-user', `${commentMarker('perfgate.yml')}\nold`)
    api.failures.push({ route: /^POST \/graphql$/, status: 404, message: 'Not Found' })
    const result = await upsertStickyComment(client(), params())
    expect(result.action).toBe('updated')
    expect(api.comments).toHaveLength(1)
  })

  it('takes over its comment under a previous id instead of leaving a second one', async () => {
    api.addComment('github-actions[bot]', `${commentMarker('perfgate.yml')}\nold`)
    const result = await upsertStickyComment(
      client(),
      params({ id: 'perfgate.yml:perf', previousIds: ['perfgate.yml'] })
    )
    expect(result.action).toBe('updated')
    expect(api.comments).toHaveLength(1)
    expect(api.comments[0]!.body.startsWith(commentMarker('perfgate.yml:perf'))).toBe(true)
  })

  it('is not fooled by its marker quoted inside another comment of its own', async () => {
    api.addComment(
      'github-actions[bot]',
      `${commentMarker('other.yml')}\n\`\`\`\n${commentMarker('perfgate.yml')}\n\`\`\``
    )
    expect((await upsertStickyComment(client(), params())).action).toBe('created')
    expect(api.comments[0]!.body).toContain('other.yml')
  })
})

describe('truncateBody', () => {
  it('closes a long fence with a fence as long, even with ``` lines inside it', () => {
    const lines = Array.from({ length: 2000 }, (_, i) => (i % 2 ? '```' : `line ${i} ${'y'.repeat(40)}`))
    const body = `### FAIL\n<details>\n\n\`\`\`\`text\n${lines.join('\n')}\n\`\`\`\`\n</details>\n`
    const cut = truncateBody(body, 20_000)
    expect(cut).toMatch(/\n````\n<\/details>\n\n… \d+ lines omitted/)
  })

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
