/**
 * A leg's identity in its report.json: its shard (K/N, its scenarios, the whole suite), and the whole config's
 * hash (not the hash of the leg's subset), next to the runner fingerprint and commit every report carries.
 * `perfgate merge` checks the legs against each other with it; baseline selection finds every scenario of a commit
 * across the legs' records because they share the hash.
 */
import { configHash } from '../config/load.js'
import type { Config } from '../config/types.js'
import type { Report } from '../model/report.js'
import type { LegStamp } from '../report/build.js'
import { noteFields, noteItems } from '../report/notes.js'
import { loadShardOrigin } from './load.js'
import { shardOrigin, shardScenarios, type ShardSpec } from './split.js'
import type { LegWindow } from './window.js'

/** The leg name that goes into a baseline record's path: the job's leg plus the shard (load-shard for load legs). */
export function shardLeg(
  leg: string | undefined,
  shard: ShardSpec,
  kind: 'suite' | 'load' = 'suite'
): string {
  const suffix = `${kind === 'load' ? 'load-shard' : 'shard'}-${shard.index}-of-${shard.count}`
  return leg ? `${leg}-${suffix}` : suffix
}

/** A suite shard's stamp: its scenarios of the whole suite, the whole config's hash, and a note saying which part it is. */
export function suiteLegStamp(whole: Config, shard: ShardSpec): LegStamp {
  const scenarios = shardScenarios(whole, shard)
  return {
    configHash: configHash(whole),
    shard: {
      kind: 'suite',
      index: shard.index,
      count: shard.count,
      scenarios,
      suite: whole.scenarios.map(s => s.name)
    },
    note: {
      kind: 'suite-shard',
      index: shard.index,
      count: shard.count,
      measured: scenarios.length,
      suite: whole.scenarios.length
    }
  }
}

/** A load leg's stamp: every scenario at 1/N of its load, the window it measured in, its shared start. */
export function loadLegStamp(
  whole: Config,
  shard: ShardSpec,
  window?: LegWindow,
  startAt?: number
): LegStamp {
  const names = whole.scenarios.map(s => s.name)
  const late = window && startAt !== undefined ? window.start - startAt : 0
  return {
    configHash: configHash(whole),
    shard: {
      kind: 'load',
      index: shard.index,
      count: shard.count,
      scenarios: names,
      suite: names,
      ...(window
        ? {
            window: {
              start: new Date(window.start).toISOString(),
              end: new Date(window.end).toISOString(),
              ...(startAt !== undefined ? { startAt: new Date(startAt).toISOString() } : {})
            }
          }
        : {})
    },
    note: {
      kind: 'load-shard',
      index: shard.index,
      count: shard.count,
      ...(late > 1000 ? { lateMs: late } : {})
    }
  }
}

/** Marks a report built without its leg's identity (a fixture, a leg's report made elsewhere) with a suite shard's stamp. */
export function stampLeg(report: Report, whole: Config, shard: ShardSpec): Report {
  if (report.shard) return report
  const stamp = suiteLegStamp(whole, shard)
  return {
    ...report,
    config: { ...report.config, hash: stamp.configHash },
    ...noteFields([...noteItems(report), stamp.note]),
    shard: stamp.shard
  }
}

/** The whole config a shard's config was cut from (itself when it is no shard): baselines are looked up by its hash. */
export const wholeConfig = (config: Config): Config =>
  shardOrigin(config)?.whole ?? loadShardOrigin(config)?.whole ?? config

/** The stamp of a leg when `config` is a shard's (applyShard, applyLoadShard); none otherwise. */
export function legStamp(
  config: Config,
  leg: { window?: LegWindow; startAt?: number } = {}
): LegStamp | undefined {
  const origin = shardOrigin(config)
  if (origin) return suiteLegStamp(origin.whole, origin.shard)
  const load = loadShardOrigin(config)
  return load ? loadLegStamp(load.whole, load.shard, leg.window, leg.startAt) : undefined
}
