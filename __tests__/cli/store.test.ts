import { describe, expect, it } from '@jest/globals'
import { CorruptRecordError, NewerBaselineError, StoreError } from '../../src/baseline/record.js'
import { ConfigError } from '../../src/config/problems.js'
import { storeErrorExit } from '../../src/cli/store.js'

const stderr = () => {
  const out = { text: '', write: (t: string) => void (out.text += t) }
  return out
}

describe('storeErrorExit: one check for baseline and history', () => {
  it('a store, record or config error is one line and exit 2', () => {
    for (const err of [
      new StoreError('the store cannot be read'),
      new NewerBaselineError('upgrade perfgate'),
      new CorruptRecordError('a.json', 'not JSON'),
      new ConfigError('perfgate.yml', [{ file: 'perfgate.yml', line: 1, col: 1, path: '', message: 'bad' }])
    ]) {
      const err2 = stderr()
      expect(storeErrorExit(err, err2)).toBe(2)
      expect(err2.text).toBe(`perfgate: ${err.message}\n`)
    }
  })

  it('anything else is rethrown, unless the command names it (history: a bad --since)', () => {
    const bug = new TypeError('a bug')
    expect(() => storeErrorExit(bug, stderr())).toThrow(bug)
    expect(() => storeErrorExit(new RangeError('--since'), stderr())).toThrow(RangeError)
    expect(storeErrorExit(new RangeError('--since'), stderr(), [RangeError])).toBe(2)
  })
})
