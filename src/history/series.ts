/**
 * The store's runs as series: one per scenario, runner kind and scenario definition, ordered by commit on the
 * first-parent line of the default branch (several runs of one commit by the time they finished). Pure.
 */
import type { StoredRecord } from '../baseline/store.js'
import type { LineCommit } from '../git/history.js'
import type { HistoryRun, HistorySeries } from '../model/history.js'
import type { MetricValues } from '../model/metrics.js'
import type { RunnerFingerprint } from '../model/report.js'

/** A series before its analysis: its runs and each run's metrics. */
export type RawSeries = Omit<HistorySeries, 'metrics'> & { metrics: MetricValues[] }

export interface SeriesOptions {
  /** the first-parent line, oldest first; undefined: no repository, runs ordered by the time they finished */
  line?: LineCommit[]
  /** only runs of this commit and later on the line (a sha prefix), or finished at or after this ISO date */
  since?: string
}

export interface SeriesResult {
  series: RawSeries[]
  skipped: string[]
}

/** The runner kind that makes runs comparable: CPU model, cores, OS name, Node major (as fingerprintMismatches). */
export function runnerKey(r: RunnerFingerprint): string {
  return [r.cpuModel, r.cores, r.os.split(' ')[0], r.node.split('.')[0]].join('|')
}

export function runnerLabel(r: RunnerFingerprint): string {
  return `${r.cores} cores, ${r.cpuModel}, ${r.os.split(' ')[0]}, Node ${r.node.replace(/^v/, '')}`
}

interface Placed {
  position: number
  run: HistoryRun
  record: StoredRecord
}

function place(records: StoredRecord[], options: SeriesOptions, skipped: string[]): Placed[] {
  const placed: Placed[] = []
  const positions = new Map<string, number>()
  const commits = new Map<string, LineCommit>()
  options.line?.forEach((c, i) => {
    positions.set(c.sha, i)
    commits.set(c.sha, c)
  })
  for (const stored of records) {
    const { git, createdAt } = stored.record
    const commit = commits.get(git.sha)
    if (options.line && !commit) {
      skipped.push(`${stored.path}: commit ${git.sha.slice(0, 12)} is not on the line`)
      continue
    }
    placed.push({
      position: options.line ? positions.get(git.sha)! : 0,
      run: {
        sha: git.sha,
        ...(commit ? { subject: commit.subject, date: commit.date } : {}),
        createdAt,
        runId: git.runId,
        runAttempt: git.runAttempt
      },
      record: stored
    })
  }
  placed.sort((a, b) => a.position - b.position || a.run.createdAt.localeCompare(b.run.createdAt))
  if (!options.since) return placed
  const since = options.since.toLowerCase()
  const fromLine = options.line?.findIndex(c => c.sha.startsWith(since)) ?? -1
  if (fromLine >= 0) return placed.filter(p => p.position >= fromLine)
  const time = Date.parse(options.since)
  if (Number.isNaN(time)) {
    throw new RangeError(
      `--since ${options.since}: neither a commit on the line nor a date (use a sha prefix or e.g. 2026-11-01)`
    )
  }
  return placed.filter(p => Date.parse(p.run.createdAt) >= time)
}

/** Builds the series; records off the line are skipped and named. */
export function buildSeries(records: StoredRecord[], options: SeriesOptions = {}): SeriesResult {
  const skipped: string[] = []
  const groups = new Map<string, RawSeries>()
  // per scenario and runner: the definition seen last, to mark where a new one starts
  const lastDefinition = new Map<string, string>()
  const seen = new Map<string, number>()
  for (const { run, record } of place(records, options, skipped)) {
    const r = record.record
    for (const scenario of r.scenarios) {
      const definition = scenario.definition ?? r.config.hash
      const lineKey = `${scenario.name}\u0000${runnerKey(r.runner)}`
      const key = `${lineKey}\u0000${definition}`
      let series = groups.get(key)
      if (!series) {
        const label = runnerLabel(r.runner)
        const previous = lastDefinition.get(lineKey)
        const n = (seen.get(lineKey) ?? 0) + 1
        seen.set(lineKey, n)
        series = {
          id: `${scenario.name} @ ${label}${n > 1 ? ` (definition ${definition.slice(0, 8)})` : ''}`,
          scenario: scenario.name,
          runner: r.runner,
          runnerLabel: label,
          definition,
          definitionChanged: previous !== undefined && previous !== definition,
          runs: [],
          metrics: []
        }
        groups.set(key, series)
      }
      lastDefinition.set(lineKey, definition)
      series.runs.push(run)
      series.metrics.push(scenario.metrics)
    }
  }
  return { series: [...groups.values()], skipped }
}
