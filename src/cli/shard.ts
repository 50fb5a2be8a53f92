import type { Config } from '../config/types.js'
import { applyLoadShard } from '../shard/load.js'
import { applyShard, parseShard, ShardError, type ShardSpec } from '../shard/split.js'
import { parseStartAt } from '../shard/start-at.js'

export interface LegFlags {
  shard?: string
  loadShard?: string
  startAt?: string
  scenarios?: string[]
}

/** What a leg measures: the config, the shard it is (suite or load) and the shared start of a load leg. */
export interface Leg {
  config: Config
  shard?: ShardSpec
  kind?: 'suite' | 'load'
  startAt?: number
}

/**
 * The config a leg measures: --shard K/N's subset (never combined with --scenario), --load-shard K/N's share of
 * every scenario's load (never combined with --shard or --scenario), or --scenario's as before.
 */
export function legConfig(
  loaded: Config,
  flags: LegFlags,
  select: (config: Config, names: string[] | undefined) => Config,
  now = Date.now()
): Leg {
  if (flags.startAt !== undefined && flags.loadShard === undefined)
    throw new ShardError('--start-at is the shared start of --load-shard legs; give --load-shard K/N too')
  if (flags.loadShard !== undefined) {
    if (flags.shard !== undefined)
      throw new ShardError(
        '--load-shard and --shard cannot be combined: a load leg sends 1/N of every scenario, a suite leg all of some'
      )
    if (flags.scenarios?.length)
      throw new ShardError(
        '--load-shard and --scenario cannot be combined: every load leg measures every scenario, so merge can join them'
      )
    const shard = parseShard(flags.loadShard, '--load-shard')
    const startAt = flags.startAt !== undefined ? parseStartAt(flags.startAt, now) : undefined
    return { config: applyLoadShard(loaded, shard), shard, kind: 'load', startAt }
  }
  if (flags.shard === undefined) return { config: select(loaded, flags.scenarios) }
  if (flags.scenarios?.length)
    throw new ShardError(
      '--shard and --scenario cannot be combined: a shard is computed from the whole config, so every leg agrees on it'
    )
  const shard = parseShard(flags.shard, '--shard')
  return { config: applyShard(loaded, shard, '--shard'), shard, kind: 'suite' }
}
