import { fingerprintMismatches } from '../report/fingerprint.js'
import type { RunnerFingerprint } from '../model/report.js'
import type { StoredRecord } from './store.js'

export interface SelectionInput {
  records: StoredRecord[]
  /** commits to look for, nearest first: the merge-base (or HEAD's parent) and its ancestors */
  ancestors: string[]
  configHash: string
  runner: RunnerFingerprint
  /** what the first ancestor is, for the description: "the merge-base", "the parent commit", "HEAD" */
  fromLabel?: string
  /** this job's matrix leg: its own records are preferred */
  leg?: string
  now?: Date
}

export interface BaselineChoice {
  found: true
  /** the record of this leg at the chosen commit, or the newest record there */
  stored: StoredRecord
  /**
   * per scenario, the record to compare it with: this leg's record when it holds the scenario, else any record of
   * the same commit that does (another leg measured it)
   */
  perScenario: Record<string, StoredRecord>
  /** how many commits back from the first ancestor (0: the merge-base itself) */
  distance: number
  ageMs: number
  /** empty when the runner fingerprint matches */
  mismatches: string[]
  /** one line for the report: which commit and run, how old, why */
  description: string
}

export interface NoBaseline {
  found: false
  /** one line for the report */
  reason: string
}

const short = (sha: string) => sha.slice(0, 12)

export function describeAge(ms: number): string {
  const hours = ms / 3_600_000
  if (hours < 1) return `${Math.max(0, Math.round(ms / 60_000))} min old`
  if (hours < 48) return `${Math.round(hours)} h old`
  return `${Math.round(hours / 24)} days old`
}

/** Later attempts and later runs win: a re-run replaces what it re-measured, the store keeps both. */
function newest(a: StoredRecord, b: StoredRecord): number {
  return (
    b.record.createdAt.localeCompare(a.record.createdAt) || b.record.git.runAttempt - a.record.git.runAttempt
  )
}

/**
 * The record to compare with: the nearest of `ancestors` that has a run of the same config hash (errored runs
 * are never stored). Records measured on a different runner are still chosen, with their mismatches named.
 */
export function selectBaseline(input: SelectionInput): BaselineChoice | NoBaseline {
  const now = input.now ?? new Date()
  const sameConfig = input.records.filter(r => r.record.config.hash === input.configHash)
  const bySha = new Map<string, StoredRecord[]>()
  for (const r of sameConfig) bySha.set(r.record.git.sha, [...(bySha.get(r.record.git.sha) ?? []), r])
  for (const [distance, sha] of input.ancestors.entries()) {
    const candidates = bySha.get(sha)
    if (!candidates?.length) continue
    const sorted = [...candidates].sort(newest)
    const sameLeg = input.leg ? sorted.filter(r => r.record.git.leg === input.leg) : []
    const stored = sameLeg[0] ?? sorted[0]!
    const perScenario: Record<string, StoredRecord> = {}
    for (const record of [...sameLeg, ...sorted])
      for (const scenario of record.record.scenarios) perScenario[scenario.name] ??= record
    const used = [...new Set([stored, ...Object.values(perScenario)])]
    const ageMs = now.getTime() - Date.parse(stored.record.createdAt)
    const mismatches = [...new Set(used.flatMap(r => fingerprintMismatches(input.runner, r.record.runner)))]
    const from = input.fromLabel ?? 'the merge-base'
    const where = distance === 0 ? from : `${distance} commit${distance === 1 ? '' : 's'} before ${from}`
    const { runId, runAttempt, leg } = stored.record.git
    const others = used.length - 1
    return {
      found: true,
      stored,
      perScenario,
      distance,
      ageMs,
      mismatches,
      description:
        `baseline: ${short(sha)} (${where}), run ${runId} attempt ${runAttempt}${leg ? ` leg ${leg}` : ''}` +
        `${others ? ` (and ${others} other record${others === 1 ? '' : 's'} of that commit for scenarios it lacks)` : ''}, ${describeAge(ageMs)}` +
        (mismatches.length
          ? `; measured on a different runner (${mismatches.join('; ')})`
          : '; same runner kind')
    }
  }
  if (input.records.length === 0) return { found: false, reason: 'the baseline store has no records yet' }
  if (sameConfig.length === 0) {
    const hashes = new Set(input.records.map(r => r.record.config.hash))
    return {
      found: false,
      reason: `no stored baseline for this config (hash ${input.configHash}); the store has runs of ${hashes.size} other config version${hashes.size === 1 ? '' : 's'}, and changing the service, requests or load starts a new series`
    }
  }
  return {
    found: false,
    reason: `none of the ${input.ancestors.length} commits searched back from ${input.ancestors[0] ? short(input.ancestors[0]) : (input.fromLabel ?? 'the merge-base')} has a stored run of this config (${sameConfig.length} other runs are stored)`
  }
}

/** The stored runs of one config measured on the same runner kind, oldest first: the series for trends. */
export function historyOf(
  records: StoredRecord[],
  configHash: string,
  runner: RunnerFingerprint
): StoredRecord[] {
  return records
    .filter(r => r.record.config.hash === configHash)
    .filter(r => fingerprintMismatches(runner, r.record.runner).length === 0)
    .sort((a, b) => a.record.createdAt.localeCompare(b.record.createdAt))
}
