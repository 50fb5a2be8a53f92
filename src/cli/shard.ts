import type { Config } from '../config/types.js'
import { applyShard, parseShard, ShardError, type ShardSpec } from '../shard/split.js'

/** The config a leg measures: --shard K/N's subset (never combined with --scenario), or --scenario's as before. */
export function legConfig(
  loaded: Config,
  shardText: string | undefined,
  scenarios: string[] | undefined,
  select: (config: Config, names: string[] | undefined) => Config
): { config: Config; shard?: ShardSpec } {
  if (shardText === undefined) return { config: select(loaded, scenarios) }
  if (scenarios?.length)
    throw new ShardError(
      '--shard and --scenario cannot be combined: a shard is computed from the whole config, so every leg agrees on it'
    )
  const shard = parseShard(shardText, '--shard')
  return { config: applyShard(loaded, shard, '--shard'), shard }
}
