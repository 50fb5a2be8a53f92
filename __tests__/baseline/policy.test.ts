import { describe, expect, it } from '@jest/globals'
import { savePolicy } from '../../src/baseline/policy.js'

const spec = { store: 'branch' as const, saveOn: ['push' as const, 'workflow_dispatch' as const] }
const main = { ref: 'refs/heads/main', defaultBranch: 'main' }

describe('savePolicy', () => {
  it('stores pushes to the default branch and dispatches', () => {
    expect(savePolicy(spec, { event: 'push', ...main }).save).toBe(true)
    expect(savePolicy(spec, { event: 'workflow_dispatch', ...main }).save).toBe(true)
  })

  it('never stores pull requests, workflow_run (a fork can spoof main) or errored runs', () => {
    for (const event of ['pull_request', 'pull_request_target', 'workflow_run']) {
      expect(savePolicy({ ...spec, saveOn: ['push'] }, { event, ...main })).toMatchObject({
        save: false,
        why: expect.stringMatching(/never stored/)
      })
    }
    expect(savePolicy(spec, { event: 'push', ...main }, 'errored').why).toMatch(/errored run is never stored/)
  })

  it('refuses other branches, unknown default branches, unlisted events and store: none', () => {
    expect(savePolicy(spec, { event: 'push', ref: 'refs/heads/feature', defaultBranch: 'main' }).why).toMatch(
      /only pushes to the default branch \(main\) are stored, this one is on refs\/heads\/feature/
    )
    expect(savePolicy(spec, { event: 'push', ref: 'refs/heads/main' }).save).toBe(false)
    expect(savePolicy(spec, { event: 'schedule', ...main }).why).toMatch(/not in baseline.save-on/)
    expect(savePolicy({ ...spec, store: 'none' }, { event: 'push', ...main }).save).toBe(false)
  })

  it('a workflow_dispatch on a feature branch or a tag is not stored; on the default branch it is', () => {
    const feature = savePolicy(spec, {
      event: 'workflow_dispatch',
      ref: 'refs/heads/feature',
      defaultBranch: 'main'
    })
    expect(feature).toEqual({
      save: false,
      why: 'only workflow_dispatch runs on the default branch (main) are stored, this one is on refs/heads/feature'
    })
    const tag = savePolicy(spec, { event: 'workflow_dispatch', ref: 'refs/tags/v1', defaultBranch: 'main' })
    expect(tag.save).toBe(false)
    expect(savePolicy(spec, { event: 'workflow_dispatch', ref: 'refs/heads/main' }).why).toMatch(
      /default branch is unknown, so this workflow_dispatch run cannot be trusted/
    )
    // a branch merely named like the default one elsewhere in the ref is not it
    const lookalike = savePolicy(spec, {
      event: 'workflow_dispatch',
      ref: 'refs/heads/feature/main',
      defaultBranch: 'main'
    })
    expect(lookalike.save).toBe(false)
    expect(savePolicy(spec, { event: 'workflow_dispatch', ...main })).toEqual({
      save: true,
      why: 'a workflow_dispatch run on main'
    })
  })

  it('a schedule, when listed, is stored: GitHub runs it only on the default branch', () => {
    const scheduled = { ...spec, saveOn: ['schedule' as const] }
    // the schedule payload has no repository, so the default branch is not known from it
    expect(savePolicy(scheduled, { event: 'schedule', ref: 'refs/heads/main' }).save).toBe(true)
  })
})
