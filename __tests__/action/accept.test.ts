import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { prAcceptances } from '../../src/action/accept.js'
import { readPrContext } from '../../src/github/context.js'
import type { EngineEvent } from '../../src/engine/events.js'
import { git, GitSandbox } from '../../__fixtures__/git.js'

let sandbox: GitSandbox
let clone: string
beforeAll(async () => {
  sandbox = await new GitSandbox().start(2)
  clone = sandbox.clone('pr')
  git(clone, 'checkout', '-q', '-b', 'feature')
  git(clone, 'commit', '-q', '--allow-empty', '-m', 'Cache less\n\nPerf-Accepted: list throughput.rps')
  git(
    clone,
    'commit',
    '-q',
    '--allow-empty',
    '-m',
    'Talk about it\n\nPerf-Accepted: search is mentioned here.\n\nok'
  )
})
afterAll(async () => {
  await sandbox.stop()
})

const prContext = (base: { sha?: string; ref?: string }, labels: string[] = []) =>
  readPrContext(
    { GITHUB_REPOSITORY: 'o/r', GITHUB_EVENT_NAME: 'pull_request' },
    { pull_request: { number: 3, base, labels: labels.map(name => ({ name })) } }
  )

describe('accepted regressions of a PR whose base the workflow built (base-dir)', () => {
  it("reads the trailers of the PR's commits from the event's base SHA", async () => {
    const events: EngineEvent[] = []
    const accepted = await prAcceptances(
      clone,
      undefined,
      prContext({ sha: sandbox.commits.at(-1)!, ref: 'main' }, ['perf-accepted']),
      e => events.push(e)
    )
    expect(accepted.map(a => [a.scenario, a.metric])).toEqual([
      ['*', '*'],
      ['list', 'throughput.rps']
    ])
    expect(accepted[1]!.by).toMatch(/^commit [0-9a-f]{7} \(Perf-Accepted trailer\)$/)
    expect(events.filter(e => e.type === 'warning')).toEqual([])
  })

  it('falls back to the target branch, and warns when neither is in the clone', async () => {
    const viaBranch = await prAcceptances(
      clone,
      undefined,
      prContext({ sha: 'f'.repeat(40), ref: 'main' }),
      () => {}
    )
    expect(viaBranch.map(a => a.scenario)).toEqual(['list'])
    const events: EngineEvent[] = []
    const none = await prAcceptances(clone, undefined, prContext({ sha: 'f'.repeat(40) }), e =>
      events.push(e)
    )
    expect(none).toEqual([])
    expect(events).toContainEqual({
      type: 'warning',
      message: expect.stringContaining('Perf-Accepted commit trailers were not read')
    })
  })

  it('with a base perfgate built, reads the commits after it', async () => {
    const accepted = await prAcceptances(clone, sandbox.commits[0]!, prContext({}), () => {})
    expect(accepted.map(a => a.scenario)).toEqual(['list'])
  })
})
