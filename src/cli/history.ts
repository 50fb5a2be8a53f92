import { existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { formatChange } from '../config/format.js'
import { discoverConfig } from '../config/discover.js'
import { loadConfig } from '../config/load.js'
import { HISTORY_METRICS } from '../history/analyse.js'
import { repoRoot } from '../git/history.js'
import { readHistory } from '../history/read.js'
import type { HistoryReport } from '../model/history.js'
import { renderHistoryPage } from '../report/history-page.js'
import { HISTORY_FLAGS, withAliases } from './flags.js'
import { storeErrorExit, storeFromOptions } from './store.js'
import type { CliIO } from './io.js'

/** The terminal's account: per series its runs, and the newest change points. */
export function historySummary(report: HistoryReport, max = 10): string {
  const lines = [`${report.store}: ${report.series.length} series, ordered by ${report.order}`]
  for (const s of report.series) {
    const notes = [...new Set(s.metrics.flatMap(m => (m.note ? [m.note] : [])))]
    lines.push(`  ${s.id}: ${s.runs.length} runs${notes.length ? ` (${notes.join('; ')})` : ''}`)
  }
  if (!report.changes.length) lines.push('no change points')
  else lines.push(`newest change points (${report.changes.length} in all):`)
  for (const c of report.changes.slice(0, max)) {
    lines.push(
      `  ${c.sha.slice(0, 7)} ${c.metric} of ${c.scenario} ${formatChange(c.change)} (${formatChange(c.interval.low)} … ${formatChange(c.interval.high)}, ${c.runsBefore} runs before, ${c.runsAfter} after)${c.subject ? `: ${c.subject}` : ''}`
    )
  }
  if (report.skipped.count) lines.push(`${report.skipped.count} records skipped (see the page's footer)`)
  return `${lines.join('\n')}\n`
}

/** The key metrics, and every metric the config gates on (its thresholds and regression checks), if there is one. */
async function metricsToAnalyse(cwd: string, configOption: string | undefined): Promise<string[]> {
  const file = discoverConfig(cwd, configOption)
  if (!existsSync(file)) return [...HISTORY_METRICS]
  const config = await loadConfig(file)
  const gated = config.scenarios.flatMap(s => [...s.thresholds, ...s.regression].map(c => c.metric))
  return [...new Set([...HISTORY_METRICS, ...gated])]
}

export async function commandHistory(args: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({ args, options: HISTORY_FLAGS })
  try {
    const store = await storeFromOptions(withAliases(values, HISTORY_FLAGS), io)
    const repo = await repoRoot(io.cwd)
    const report = await readHistory({
      store,
      ...(repo ? { repo } : {}),
      ...(values.ref ? { ref: values.ref } : {}),
      ...(values.remote ? { remote: values.remote } : {}),
      ...(values.since ? { since: values.since } : {}),
      reports: (values.report ?? []).map(f => path.resolve(io.cwd, f)),
      metrics: await metricsToAnalyse(io.cwd, values.config)
    })
    const out = path.resolve(io.cwd, values.out ?? 'perfgate-history')
    await mkdir(out, { recursive: true })
    const page = path.join(out, 'index.html')
    await writeFile(page, renderHistoryPage(report))
    const text = io.stderr
    if (values.json) io.stdout.write(`${JSON.stringify(report, null, 1)}\n`)
    ;(values.json ? text : io.stdout).write(historySummary(report))
    ;(values.json ? text : io.stdout).write(`wrote ${path.relative(io.cwd, page) || page}\n`)
    return 0
  } catch (err) {
    return storeErrorExit(err, io.stderr, [RangeError])
  }
}
