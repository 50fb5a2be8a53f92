import { describe, expect, it } from '@jest/globals'
import { exampleConfig } from '../../__fixtures__/config.js'
import type { Config, Scenario } from '../../src/config/types.js'
import { windowNotes, windowOverlap, windowProblems } from '../../src/shard/merge-window.js'
import { noteMessage } from '../../src/report/notes.js'
import { mergeProblemMessage } from '../../src/report/merge-notes.js'
import { applyLoadShard, dealt } from '../../src/shard/load.js'
import { parseStartAt, START_AT_MAX_FUTURE_MS, START_AT_MAX_PAST_MS } from '../../src/shard/start-at.js'
import { legConfig } from '../../src/cli/shard.js'
import { loadLegStamp, suiteLegStamp } from '../../src/shard/identity.js'
import { shardScenarios } from '../../src/shard/split.js'

const withLoad = (config: Config, load: Scenario['load']): Config => ({
  ...config,
  scenarios: config.scenarios.map(s => ({ ...s, load, minRequests: 100 }))
})

describe('load shards split each scenario’s load', () => {
  it('divides the open model’s rate (and ramp) by N', () => {
    const config = withLoad(exampleConfig(8080, [{ name: 'get' }]), {
      mode: 'rate',
      rate: 900,
      connections: 30,
      durationMs: 1000,
      warmupMs: 0,
      timeoutMs: 1000,
      ramp: { from: 300, to: 900, overMs: 1000 }
    })
    const leg = applyLoadShard(config, { index: 2, count: 3 })
    expect(leg.scenarios[0]!.load).toMatchObject({
      mode: 'rate',
      rate: 300,
      connections: 10,
      ramp: { from: 100, to: 300 }
    })
    expect(leg.scenarios[0]!.minRequests).toBe(34)
  })

  it('deals the closed model’s connections so that the legs add up, and refuses fewer connections than legs', () => {
    expect([1, 2, 3].map(index => dealt(10, { index, count: 3 }))).toEqual([4, 3, 3])
    const config = withLoad(exampleConfig(8080, [{ name: 'get' }]), {
      mode: 'closed',
      connections: 2,
      durationMs: 1000,
      warmupMs: 0,
      timeoutMs: 1000
    })
    expect(() => applyLoadShard(config, { index: 1, count: 3 })).toThrow(
      /scenario "get" has 2 connections, fewer than the 3 legs/
    )
  })

  it('is refused with --shard or --scenario, and --start-at needs it', () => {
    const config = exampleConfig(8080, [{ name: 'get' }])
    const select = (c: Config) => c
    expect(() => legConfig(config, { loadShard: '1/2', shard: '1/2' }, select)).toThrow(
      '--load-shard and --shard cannot be combined'
    )
    expect(() => legConfig(config, { loadShard: '1/2', scenarios: ['get'] }, select)).toThrow(
      '--load-shard and --scenario cannot be combined'
    )
    expect(() => legConfig(config, { startAt: '1' }, select)).toThrow('give --load-shard K/N too')
    expect(() => legConfig(config, { loadShard: '3/2' }, select)).toThrow('--load-shard takes K/N')
  })
})

describe('--start-at', () => {
  const now = Date.parse('2026-12-01T07:00:00Z')
  it('takes ISO 8601 with a zone or epoch ms', () => {
    expect(parseStartAt('2026-12-01T07:01:00Z', now)).toBe(now + 60_000)
    expect(parseStartAt('2026-12-01T08:01:00+01:00', now)).toBe(now + 60_000)
    expect(parseStartAt(String(now + 5000), now)).toBe(now + 5000)
    expect(() => parseStartAt('tomorrow', now)).toThrow('ISO 8601')
    expect(() => parseStartAt('2026-12-01T07:01:00', now)).toThrow('ISO 8601')
  })
  it('refuses a time far in the past or too far ahead; a little late is taken', () => {
    expect(parseStartAt(String(now - 30_000), now)).toBe(now - 30_000)
    expect(() => parseStartAt(String(now - START_AT_MAX_PAST_MS - 1), now)).toThrow('in the past')
    expect(() => parseStartAt(String(now + START_AT_MAX_FUTURE_MS + 1), now)).toThrow('in the future')
  })
})

describe('the load legs’ window overlap', () => {
  const w = (start: number, end: number) => ({ start, end })
  it('is the common span over the longest window', () => {
    expect(windowOverlap([w(0, 100), w(0, 100), w(0, 100)])).toBe(1)
    expect(windowOverlap([w(0, 100), w(5, 105)])).toBeCloseTo(0.95)
    expect(windowOverlap([w(0, 100), w(10, 110), w(0, 100)])).toBeCloseTo(0.9)
    expect(windowOverlap([w(0, 100), w(200, 300)])).toBe(0)
    expect(windowOverlap([w(0, 100)])).toBe(1)
  })
  it('names the legs when they overlap by less than 90%, or when a leg recorded no window', () => {
    const iso = (ms: number) => new Date(ms).toISOString()
    const leg = (index: number, start: number, end: number) => ({
      leg: { index, count: 2 },
      window: { start: iso(start), end: iso(end) }
    })
    expect(windowProblems([leg(1, 0, 10_000), leg(2, 900, 10_900)])).toEqual([])
    const apart = windowProblems([leg(1, 0, 10_000), leg(2, 1100, 11_100)])
    expect(apart).toEqual([expect.objectContaining({ kind: 'windows-apart', needed: 0.9 })])
    expect((apart[0] as { overlap: number }).overlap).toBeCloseTo(0.89)
    expect(apart.map(mergeProblemMessage)).toEqual([
      expect.stringContaining("the load legs' windows overlap by 89%, under the 90% needed")
    ])
    const without = windowProblems([leg(1, 0, 10_000), { leg: { index: 2, count: 2 } }])
    expect(without).toEqual([{ kind: 'no-window', legs: [{ index: 2, count: 2 }] }])
    expect(without.map(mergeProblemMessage)).toEqual([
      expect.stringContaining('leg 2/2 recorded no measurement window')
    ])
  })
  it("says each leg's window from the shared start as data", () => {
    const iso = (ms: number) => new Date(ms).toISOString()
    const at = (index: number, start: number, end: number) => ({
      leg: { index, count: 2, source: `l${index}` },
      window: { start: iso(start), end: iso(end), startAt: iso(500) }
    })
    expect(windowNotes([at(1, 1000, 11_000), at(2, 1200, 11_100)])).toEqual([
      {
        kind: 'load-windows',
        from: 'shared-start',
        spans: [
          { leg: { index: 1, count: 2, source: 'l1' }, startMs: 500, endMs: 10_500 },
          { leg: { index: 2, count: 2, source: 'l2' }, startMs: 700, endMs: 10_600 }
        ]
      }
    ])
    expect(noteMessage(windowNotes([at(1, 1000, 11_000)])[0]!)).toBe(
      "load legs' windows from the shared start: leg 1/2 (l1) +0.5 s to +10.5 s"
    )
  })
})

describe("a leg's stamp", () => {
  const config = exampleConfig(9, [{ name: 'a' }, { name: 'b' }, { name: 'c' }])
  it("a suite leg's note says how many of the suite's scenarios it measured", () => {
    expect(suiteLegStamp(config, { index: 2, count: 2 }).note).toEqual({
      kind: 'suite-shard',
      index: 2,
      count: 2,
      measured: shardScenarios(config, { index: 2, count: 2 }).length,
      suite: 3
    })
  })
  it('a load leg notes a start more than a second after the shared start, and only then', () => {
    const window = { start: 10_000, end: 70_000 }
    expect(loadLegStamp(config, { index: 1, count: 3 }, window, 7_500).note).toEqual({
      kind: 'load-shard',
      index: 1,
      count: 3,
      lateMs: 2_500
    })
    expect(loadLegStamp(config, { index: 1, count: 3 }, window, 9_500).note).toEqual({
      kind: 'load-shard',
      index: 1,
      count: 3
    })
  })
})
