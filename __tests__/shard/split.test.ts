import { describe, expect, it } from '@jest/globals'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { exampleConfig } from '../../__fixtures__/config.js'
import { configHash, loadConfig } from '../../src/config/load.js'
import { ConfigError } from '../../src/config/problems.js'
import { applyShard, parseShard, ShardError, shardScenarios, splitSuite } from '../../src/shard/split.js'

const suite = (names: string[], pins: Record<string, number> = {}) =>
  exampleConfig(
    9,
    names.map(name => ({ name, ...(pins[name] ? { shard: pins[name] } : {}) }))
  )

describe('suite shards', () => {
  it('a 4-scenario suite split as 2 and as 3 shards gives back the same scenario set, each scenario once', () => {
    const config = suite(['delta', 'alpha', 'charlie', 'bravo'])
    const whole = config.scenarios.map(s => s.name).sort()
    for (const count of [1, 2, 3]) {
      const shards = splitSuite(config, count)
      expect(shards).toHaveLength(count)
      const all = shards.flat()
      expect([...all].sort()).toEqual(whole)
      expect(new Set(all).size).toBe(all.length)
      // every leg computes the same split from the config alone
      for (let k = 1; k <= count; k++)
        expect(shardScenarios(config, { index: k, count })).toEqual(shards[k - 1])
    }
  })

  it('deals sorted names round-robin and keeps config order within a shard', () => {
    const config = suite(['delta', 'alpha', 'charlie', 'bravo'])
    // sorted: alpha bravo charlie delta -> 1: alpha charlie, 2: bravo delta; in config order
    expect(splitSuite(config, 2)).toEqual([
      ['alpha', 'charlie'],
      ['delta', 'bravo']
    ])
    expect(splitSuite(config, 3)).toEqual([['delta', 'alpha'], ['bravo'], ['charlie']])
  })

  it('a scenario pinned with shard: goes to its shard; the others are dealt as before', () => {
    const config = suite(['delta', 'alpha', 'charlie', 'bravo'], { delta: 1, alpha: 1 })
    expect(splitSuite(config, 2)).toEqual([['delta', 'alpha', 'bravo'], ['charlie']])
    expect(() => splitSuite(config, 1)).not.toThrow()
    const far = suite(['a', 'b'], { b: 3 })
    expect(() => splitSuite(far, 2)).toThrow(/scenario "b" is pinned to shard 3 .* split into 2/)
  })

  it('applyShard keeps only the shard and refuses an empty shard', () => {
    const config = suite(['a', 'b', 'c'])
    expect(applyShard(config, { index: 2, count: 2 }).scenarios.map(s => s.name)).toEqual(['b'])
    expect(() => applyShard(config, { index: 4, count: 4 }, 'the "shard" input')).toThrow(
      /the "shard" input 4\/4: shard 4 has no scenarios/
    )
  })

  it('bad K/N is an error naming the flag or input', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 })
    expect(parseShard(' 1 / 1 ')).toEqual({ index: 1, count: 1 })
    for (const bad of ['0/2', '3/2', '1/0', 'a/b', '2', '', '1.5/2', '-1/2']) {
      expect(() => parseShard(bad, '--shard')).toThrow(ShardError)
      expect(() => parseShard(bad, '--shard')).toThrow(/^--shard takes K\/N/)
    }
    expect(() => parseShard('3/2', 'the "shard" input')).toThrow(
      'the "shard" input takes K/N with 1 <= K <= N, got "3/2": there is no shard 3 of 2'
    )
  })
})

describe('shard: in the config', () => {
  it('is read into the scenario, does not change the config hash, and must be a positive integer', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-shard-'))
    try {
      const yaml = (pin: string) => `version: 1
service:
  command: node server.js
  ready: { url: http://127.0.0.1:8080/health }
scenarios:
  - name: a
${pin}    request: { url: http://127.0.0.1:8080/a }
  - name: b
    request: { url: http://127.0.0.1:8080/b }
`
      await writeFile(path.join(dir, 'pinned.yml'), yaml('    shard: 2\n'))
      await writeFile(path.join(dir, 'plain.yml'), yaml(''))
      await writeFile(path.join(dir, 'bad.yml'), yaml('    shard: 0\n'))
      const pinned = await loadConfig(path.join(dir, 'pinned.yml'))
      const plain = await loadConfig(path.join(dir, 'plain.yml'))
      expect(pinned.scenarios[0]!.shard).toBe(2)
      expect(plain.scenarios[0]!.shard).toBeUndefined()
      expect(configHash(pinned)).toBe(configHash(plain))
      expect(splitSuite(pinned, 2)).toEqual([['b'], ['a']])
      const err = await loadConfig(path.join(dir, 'bad.yml')).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(ConfigError)
      expect((err as ConfigError).message).toMatch(/bad\.yml:7:12: "shard" must be >= 1/)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
