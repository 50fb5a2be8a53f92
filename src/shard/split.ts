/**
 * Suite shards: `--shard K/N` (action input `shard: K/N`) measures scenario set K of N. The split is computed from
 * the config alone, so every leg of a matrix computes the same one: scenarios pinned with `shard:` go to their
 * shard, the others are sorted by name and dealt round-robin over shards 1..N.
 */
import type { Config } from '../config/types.js'

export interface ShardSpec {
  /** 1-based */
  index: number
  count: number
}

/** A bad K/N or a split that cannot be made; the message names the flag or input it came from. */
export class ShardError extends Error {}

/** Parses "K/N" (1 <= K <= N); `source` names the flag or input in the error ("--shard", 'the "shard" input'). */
export function parseShard(text: string, source = '--shard'): ShardSpec {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text)
  const index = match ? Number(match[1]) : NaN
  const count = match ? Number(match[2]) : NaN
  if (!match || !Number.isSafeInteger(index) || !Number.isSafeInteger(count))
    throw new ShardError(`${source} takes K/N (shard K of N, e.g. 2/4), got "${text}"`)
  if (count < 1 || index < 1 || index > count)
    throw new ShardError(
      `${source} takes K/N with 1 <= K <= N, got "${text}"${count >= 1 && index > count ? `: there is no shard ${index} of ${count}` : ''}`
    )
  return { index, count }
}

export const shardLabel = (shard: ShardSpec) => `${shard.index}/${shard.count}`

/** Scenario names per shard (index 0 is shard 1), in config order within each shard. */
export function splitSuite(config: Pick<Config, 'scenarios' | 'file'>, count: number): string[][] {
  const shards: string[][] = Array.from({ length: count }, () => [])
  const pinned = config.scenarios.filter(s => s.shard !== undefined)
  for (const s of pinned) {
    if (s.shard! > count)
      throw new ShardError(
        `scenario "${s.name}" is pinned to shard ${s.shard} (shard: in ${config.file}), but the suite is split into ${count}`
      )
    shards[s.shard! - 1]!.push(s.name)
  }
  const dealt = config.scenarios
    .filter(s => s.shard === undefined)
    .map(s => s.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  dealt.forEach((name, i) => shards[i % count]!.push(name))
  const order = new Map(config.scenarios.map((s, i) => [s.name, i]))
  return shards.map(names => names.sort((a, b) => order.get(a)! - order.get(b)!))
}

/** The scenario names of shard K of N. */
export function shardScenarios(config: Pick<Config, 'scenarios' | 'file'>, shard: ShardSpec): string[] {
  return splitSuite(config, shard.count)[shard.index - 1]!
}

/** Each shard's config remembers the whole config and its shard, for the leg's identity (see identity.ts). */
const origins = new WeakMap<Config, { whole: Config; shard: ShardSpec }>()

/** The whole config and shard a config was cut from by applyShard, if it was. */
export const shardOrigin = (config: Config) => origins.get(config)

/** The config restricted to shard K of N; a shard with no scenarios is an error (fewer shards, or pin one). */
export function applyShard(config: Config, shard: ShardSpec, source = '--shard'): Config {
  const names = shardScenarios(config, shard)
  if (names.length === 0)
    throw new ShardError(
      `${source} ${shardLabel(shard)}: shard ${shard.index} has no scenarios (${config.file} has ${config.scenarios.length}, split into ${shard.count}); use fewer shards`
    )
  const cut = { ...config, scenarios: config.scenarios.filter(s => names.includes(s.name)) }
  origins.set(cut, { whole: config, shard })
  return cut
}
