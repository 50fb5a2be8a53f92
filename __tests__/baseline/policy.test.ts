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
      /only pushes to the default branch \(main\)/
    )
    expect(savePolicy(spec, { event: 'push', ref: 'refs/heads/main' }).save).toBe(false)
    expect(savePolicy(spec, { event: 'schedule', ...main }).why).toMatch(/not in baseline.save-on/)
    expect(savePolicy({ ...spec, store: 'none' }, { event: 'push', ...main }).save).toBe(false)
  })
})
