/**
 * The history use-case: read the store, order its runs on the first-parent line of the default branch, analyse
 * every series, and read the PR comparisons given. Corrupt, foreign and off-line records are skipped and counted,
 * never fatal.
 */
import { readFile } from 'node:fs/promises'
import type { BaselineStore } from '../baseline/store.js'
import { defaultBranch, firstParentLine, type LineCommit } from '../git/history.js'
import type { HistoryComparison, HistoryReport } from '../model/history.js'
import type { Report } from '../model/report.js'
import type { ChangePointOptions } from '../stats/change-points.js'
import { analyseSeries, historyReport } from './analyse.js'
import { buildSeries } from './series.js'

export interface HistoryOptions {
  store: BaselineStore
  /** the repository whose default branch orders the runs; undefined: order by the time they finished */
  repo?: string
  /** the line's ref (default: the remote's default branch) */
  ref?: string
  remote?: string
  since?: string
  metrics?: readonly string[]
  detection?: Partial<ChangePointOptions>
  /** report.json files of pull requests to draw beside the history */
  reports?: string[]
  /** progress and warnings */
  log?: (message: string) => void
}

/** The comparisons of a PR's report.json, one per scenario; a file that is not a report is skipped and named. */
export async function readComparisons(files: string[], skipped: string[]): Promise<HistoryComparison[]> {
  const out: HistoryComparison[] = []
  for (const file of files) {
    let report: Report
    try {
      report = JSON.parse(await readFile(file, 'utf8')) as Report
      if (!Array.isArray(report.scenarios) || typeof report.createdAt !== 'string')
        throw new Error('no scenarios')
    } catch (err) {
      skipped.push(`${file}: not a perfgate report.json (${(err as Error).message})`)
      continue
    }
    for (const s of report.scenarios) {
      const metrics: HistoryComparison['metrics'] = {}
      for (const [name, head] of Object.entries(s.metrics ?? {})) {
        metrics[name] = { head, ...(s.baseMetrics ? { base: s.baseMetrics[name] ?? null } : {}) }
      }
      out.push({
        source: file,
        scenario: s.name,
        ...(report.git?.sha ? { sha: report.git.sha } : {}),
        ...(report.git?.baseSha ? { baseSha: report.git.baseSha } : {}),
        createdAt: report.createdAt,
        verdict: String(s.verdict),
        metrics
      })
    }
  }
  return out
}

async function lineOf(options: HistoryOptions): Promise<{ line?: LineCommit[]; order: string }> {
  if (!options.repo) return { order: 'the time the runs finished (no git repository)' }
  const ref = options.ref ?? (await defaultBranch(options.repo, options.remote))
  const line = await firstParentLine(options.repo, ref)
  if (!line.length) return { order: `the time the runs finished (${ref} has no history here)` }
  return { line, order: `the first-parent line of ${ref}` }
}

export async function readHistory(options: HistoryOptions): Promise<HistoryReport> {
  const readout = await options.store.read()
  const skipped = [...readout.warnings]
  const { line, order } = await lineOf(options)
  const built = buildSeries(readout.records, { ...(line ? { line } : {}), since: options.since })
  skipped.push(...built.skipped)
  const comparisons = await readComparisons(options.reports ?? [], skipped)
  return historyReport({
    store: options.store.description,
    order,
    ...(options.since ? { since: options.since } : {}),
    series: analyseSeries(built.series, { metrics: options.metrics, detection: options.detection }),
    comparisons,
    skipped: { count: skipped.length, reasons: skipped },
    detection: options.detection
  })
}
