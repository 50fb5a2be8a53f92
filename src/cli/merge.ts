import path from 'node:path'
import { parseArgs } from 'node:util'
import { exitCodeFor } from '../compare/verdict.js'
import { mergeLegReports, mergedOnInconclusive, MergeError } from '../report/merge.js'
import { COLOR, PLAIN, renderTerminal } from '../report/terminal.js'
import { writeReportFiles } from '../report/write.js'
import { legDirectories, readLegDir } from '../shard/read.js'
import type { Writer } from './io.js'

export const MERGE_USAGE = `Usage: perfgate merge DIR... [--out DIR] [--json | --quiet]

Joins the report folders of a suite's legs (perfgate run|compare --shard K/N, one per matrix job) into one
report.json, report.html, summary.md, junit.xml and metrics.prom, with one verdict over every scenario.
Load legs (--load-shard K/N) are joined per scenario: summed histograms, counts and throughput; legs whose
measured windows overlap by less than 90% are refused.
A DIR without a report.json stands for its subdirectories that hold one (where download-artifact puts them).
A missing leg, a leg of another config or commit, or a duplicated leg makes the verdict errored (exit 2).

Options:
  -o, --out DIR      report folder for the merged report (default perfgate-report)
  --json             print the merged report.json on stdout; everything else goes to stderr
  -q, --quiet        one line with the verdict
`

export const MERGE_OPTIONS = {
  out: { type: 'string', short: 'o' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' }
} as const

interface MergeIO {
  stdout: Writer
  stderr: Writer
  cwd: string
  color: boolean
}

/** perfgate merge DIR... --out DIR */
export async function commandMerge(args: string[], io: MergeIO): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: MERGE_OPTIONS })
  if (positionals.length === 0) {
    io.stderr.write(`perfgate: merge needs the legs' report folders\n\n${MERGE_USAGE}`)
    return 2
  }
  const outDir = path.resolve(io.cwd, values.out ?? 'perfgate-report')
  const dirs = await legDirectories(positionals.map(p => path.resolve(io.cwd, p)))
  if (dirs.some(d => path.resolve(d) === outDir)) {
    io.stderr.write(
      `perfgate: --out ${values.out ?? 'perfgate-report'} is one of the legs' folders; choose another\n`
    )
    return 2
  }
  const legs = await Promise.all(dirs.map(d => readLegDir(d, path.relative(io.cwd, d) || d)))
  let report
  try {
    report = mergeLegReports(legs)
  } catch (err) {
    if (!(err instanceof MergeError)) throw err
    io.stderr.write(`perfgate: ${err.message}\n`)
    return 2
  }
  const files = await writeReportFiles(report, outDir)
  const human = values.json ? io.stderr : io.stdout
  if (values.json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
  const style = io.color && !values.json ? COLOR : PLAIN
  if (values.quiet) {
    if (!values.json) human.write(`${report.verdict}: ${report.headline}\n`)
  } else {
    human.write(renderTerminal(report, style))
    human.write(
      style.dim(
        `report: ${[files.json, files.html, files.junit].map(f => path.relative(io.cwd, f)).join(', ')}\n`
      )
    )
  }
  return exitCodeFor(report.verdict, mergedOnInconclusive(report))
}
