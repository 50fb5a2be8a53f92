import type { Config } from '../config/types.js'
import { applyLoadShard } from '../shard/load.js'
import { CLI_WORDS, parseLegOptions, type LegOptionsText } from '../shard/options.js'
import { applyShard, ShardError, type ShardSpec } from '../shard/split.js'
import { parseStartAt } from '../shard/start-at.js'

export interface LegFlags extends LegOptionsText {
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
  const { shard, loadShard, startAt } = parseLegOptions(flags, CLI_WORDS)
  if (loadShard) {
    if (flags.scenarios?.length)
      throw new ShardError(
        '--load-shard and --scenario cannot be combined: every load leg measures every scenario, so merge can join them'
      )
    const start = startAt !== undefined ? parseStartAt(startAt, now) : undefined
    return { config: applyLoadShard(loaded, loadShard), shard: loadShard, kind: 'load', startAt: start }
  }
  if (!shard) return { config: select(loaded, flags.scenarios) }
  if (flags.scenarios?.length)
    throw new ShardError(
      '--shard and --scenario cannot be combined: a shard is computed from the whole config, so every leg agrees on it'
    )
  return { config: applyShard(loaded, shard, '--shard'), shard, kind: 'suite' }
}
