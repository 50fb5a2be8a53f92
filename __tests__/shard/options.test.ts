import { describe, expect, it } from '@jest/globals'
import { ACTION_WORDS, CLI_WORDS, parseLegOptions } from '../../src/shard/options.js'

describe('the leg options, one set of rules for both doors', () => {
  it.each([
    ['the CLI', CLI_WORDS],
    ['the action', ACTION_WORDS]
  ])('%s: a suite shard or a load shard, a shared start only with a load shard', (_, words) => {
    expect(parseLegOptions({}, words)).toEqual({})
    expect(parseLegOptions({ shard: '2/3' }, words)).toEqual({ shard: { index: 2, count: 3 } })
    expect(parseLegOptions({ loadShard: '1/2', startAt: '2026-12-01T07:30:00Z' }, words)).toEqual({
      loadShard: { index: 1, count: 2 },
      startAt: '2026-12-01T07:30:00Z'
    })
    expect(() => parseLegOptions({ shard: '1/2', loadShard: '1/2' }, words)).toThrow(words.combined)
    expect(() => parseLegOptions({ startAt: '2026-12-01T07:30:00Z' }, words)).toThrow(words.startAtAlone)
    expect(() => parseLegOptions({ shard: '3/2' }, words)).toThrow(`${words.shard} takes K/N`)
    expect(() => parseLegOptions({ loadShard: 'x' }, words)).toThrow(`${words.loadShard} takes K/N`)
  })

  it('each door names the options in its own words', () => {
    expect(CLI_WORDS.combined).toContain('--load-shard and --shard')
    expect(ACTION_WORDS.combined).toContain('"shard" and "load-shard" inputs')
  })
})
