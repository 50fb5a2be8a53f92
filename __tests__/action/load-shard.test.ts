import { describe, expect, it } from '@jest/globals'
import { readInputs } from '../../src/action/inputs.js'
import { startAtOf } from '../../src/action/settings.js'

const getter = (values: Record<string, string>) => (name: string) => values[name] ?? ''
const env = { GITHUB_WORKSPACE: '/repo' }

describe('the load-shard and start-at inputs', () => {
  it('read a load leg: its shard, its leg name in baseline records, and its shared start', () => {
    const inputs = readInputs(
      getter({ 'load-shard': '2/3', 'start-at': '2026-12-01T07:30:00Z', 'comment-id': 'perf' }),
      env
    )
    expect(inputs.loadShard).toEqual({ index: 2, count: 3 })
    expect(inputs.shard).toBeUndefined()
    expect(inputs.leg).toBe('perf-load-shard-2-of-3')
    expect(startAtOf(inputs, Date.parse('2026-12-01T07:29:00Z'))).toBe(Date.parse('2026-12-01T07:30:00Z'))
  })

  it('refuses load-shard with shard, start-at without load-shard, and a bad K/N or time, naming the input', () => {
    expect(() => readInputs(getter({ 'load-shard': '1/2', shard: '1/2' }), env)).toThrow(
      'The "shard" and "load-shard" inputs cannot be combined'
    )
    expect(() => readInputs(getter({ 'start-at': '2026-12-01T07:30:00Z' }), env)).toThrow(
      'set "load-shard" too'
    )
    expect(() => readInputs(getter({ 'load-shard': '0/2' }), env)).toThrow('the "load-shard" input takes K/N')
    const inputs = readInputs(getter({ 'load-shard': '1/2', 'start-at': 'soon' }), env)
    expect(() => startAtOf(inputs)).toThrow('the "start-at" input takes an ISO 8601 time')
  })
})
