import { describe, expect, it } from '@jest/globals'
import { failureSummary, redactSecrets } from '../../src/action/failure.js'
import { StoreError } from '../../src/baseline/record.js'
import { GitTimeoutError } from '../../src/git/runner.js'

describe('the failure path', () => {
  it('blanks the token and anything shaped like one', () => {
    const text = redactSecrets(
      'push to https://x-access-token:abc123def@github.com/o/r.git failed; ghp_' +
        'a'.repeat(36) +
        ' github_pat_' +
        'b'.repeat(30) +
        ' my-secret-value',
      ['my-secret-value']
    )
    expect(text).toBe('push to https://***@github.com/o/r.git failed; *** *** ***')
  })

  it('states the error in a fence it cannot close and says what to do', () => {
    const summary = failureSummary(
      new StoreError('x'),
      'cannot read\n```\n<b>x</b>',
      'https://github.com/o/r/actions/runs/1'
    )
    expect(summary).toContain('### 💥 perfgate: ERRORED')
    expect(summary).toContain('````text\ncannot read\n```\n<b>x</b>\n````')
    expect(summary).toContain('`baseline: { store: none }`')
    expect(summary).toContain('[workflow run](https://github.com/o/r/actions/runs/1)')
    expect(failureSummary(new Error('boom'), 'boom')).toContain('open an issue')
  })

  it('advises on a timed-out fetch, not on credentials, when the store read timed out', () => {
    const timedOut = new StoreError('cannot read the baseline: git fetch timed out', {
      cause: new GitTimeoutError('git fetch timed out')
    })
    const summary = failureSummary(timedOut, timedOut.message)
    expect(summary).toContain('A git command timed out')
    expect(summary).not.toContain('store: none')
  })
})
