/**
 * Load shards of one target: `--load-shard K/N` (action input `load-shard`) makes a leg send 1/N of every
 * scenario's load: the rate divided by N in the open model (its ramp too), the connections dealt over the legs in
 * the closed model (the first legs take the remainder, so the legs' connections add up to the config's). Every leg
 * measures every scenario; perfgate merge joins them by their histograms (shard/merge-load.ts).
 */
import type { Config, LoadSpec, Scenario } from '../config/types.js'
import { ShardError, shardLabel, type ShardSpec } from './split.js'

/** Leg K's share of `total` dealt over N legs: floor(total/N), plus one for the first total mod N legs. */
export const dealt = (total: number, shard: ShardSpec): number =>
  Math.floor(total / shard.count) + (shard.index <= total % shard.count ? 1 : 0)

const share = (value: number, shard: ShardSpec) => value / shard.count

function legLoad(load: LoadSpec, shard: ShardSpec, name: string, source: string): LoadSpec {
  if (load.mode === 'rate') {
    return {
      ...load,
      rate: share(load.rate, shard),
      // each leg keeps enough connections for its share of the rate (never fewer than one)
      connections: Math.max(1, Math.ceil(load.connections / shard.count)),
      ...(load.ramp
        ? { ramp: { ...load.ramp, from: share(load.ramp.from, shard), to: share(load.ramp.to, shard) } }
        : {})
    }
  }
  if (load.connections < shard.count)
    throw new ShardError(
      `${source} ${shardLabel(shard)}: scenario "${name}" has ${load.connections} connection${load.connections === 1 ? '' : 's'}, fewer than the ${shard.count} legs: each leg needs at least one (use fewer legs, or more connections)`
    )
  return { ...load, connections: dealt(load.connections, shard) }
}

function legScenario(scenario: Scenario, shard: ShardSpec, source: string): Scenario {
  const kind = scenario.suite?.kind ?? 'load'
  if (kind === 'sweep' || kind === 'stress')
    throw new ShardError(
      `${source}: scenario "${scenario.name}" is a ${kind} suite, which finds one generator's knee or limit; load shards split a constant load (load or soak)`
    )
  return {
    ...scenario,
    load: legLoad(scenario.load, shard, scenario.name, source),
    // each leg completes its share of the requests
    minRequests: Math.ceil(scenario.minRequests / shard.count)
  }
}

/** Each load leg's config remembers the whole config and its shard, for the leg's identity (identity.ts). */
const origins = new WeakMap<Config, { whole: Config; shard: ShardSpec }>()

export const loadShardOrigin = (config: Config) => origins.get(config)

/** The config of load leg K of N: every scenario at its share of the load. */
export function applyLoadShard(config: Config, shard: ShardSpec, source = '--load-shard'): Config {
  const cut = { ...config, scenarios: config.scenarios.map(s => legScenario(s, shard, source)) }
  origins.set(cut, { whole: config, shard })
  return cut
}
