/**
 * A leg's identity in its report.json: its shard (K/N, its scenarios, the whole suite), and the whole config's
 * hash (not the hash of the leg's subset), next to the runner fingerprint and commit every report carries.
 * `perfgate merge` checks the legs against each other with it; baseline selection finds every scenario of a commit
 * across the legs' records because they share the hash.
 */
import { configHash } from '../config/load.js'
import type { Config } from '../config/types.js'
import type { Report } from '../model/report.js'
import { shardLabel, shardOrigin, shardScenarios, type ShardSpec } from './split.js'

/** The leg name that goes into a baseline record's path: the job's leg plus the shard. */
export function shardLeg(leg: string | undefined, shard: ShardSpec): string {
  const suffix = `shard-${shard.index}-of-${shard.count}`
  return leg ? `${leg}-${suffix}` : suffix
}

/** Marks a leg's report: its shard, the whole config's hash, and a note saying which part of the suite it is. */
export function stampLeg(report: Report, whole: Config, shard: ShardSpec): Report {
  if (report.shard) return report
  const scenarios = shardScenarios(whole, shard)
  report.config.hash = configHash(whole)
  report.shard = {
    kind: 'suite',
    index: shard.index,
    count: shard.count,
    scenarios,
    suite: whole.scenarios.map(s => s.name)
  }
  report.notes.push(
    `shard ${shardLabel(shard)}: ${scenarios.length} of the suite's ${whole.scenarios.length} scenarios; perfgate merge joins the legs' reports into one verdict`
  )
  return report
}

/** The whole config a shard's config was cut from (itself when it is no shard): baselines are looked up by its hash. */
export const wholeConfig = (config: Config): Config => shardOrigin(config)?.whole ?? config

/** Stamps the report when `config` is a shard's (applyShard); otherwise leaves it as it is. Idempotent. */
export function stampIfLeg(report: Report, config: Config): Report {
  const origin = shardOrigin(config)
  return origin ? stampLeg(report, origin.whole, origin.shard) : report
}
