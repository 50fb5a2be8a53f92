/**
 * A leg's identity in its report.json: its shard (K/N, its scenarios, the whole suite), and the whole config's
 * hash (not the hash of the leg's subset), next to the runner fingerprint and commit every report carries.
 * `perfgate merge` checks the legs against each other with it; baseline selection finds every scenario of a commit
 * across the legs' records because they share the hash.
 */
import { configHash } from '../config/load.js'
import type { Config } from '../config/types.js'
import type { Report } from '../report/types.js'
import { shardLabel, shardScenarios, type ShardSpec } from './split.js'

/** The leg name that goes into a baseline record's path: the job's leg plus the shard. */
export function shardLeg(leg: string | undefined, shard: ShardSpec): string {
  const suffix = `shard-${shard.index}-of-${shard.count}`
  return leg ? `${leg}-${suffix}` : suffix
}

/** Marks a leg's report: its shard, the whole config's hash, and a note saying which part of the suite it is. */
export function stampLeg(report: Report, whole: Config, shard: ShardSpec): Report {
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
