import path from 'node:path'
import { parseArgs } from 'node:util'
import { exitCodeFor } from '../compare/verdict.js'
import { mergeLegReports, mergedOnInconclusive, MergeError } from '../shard/merge-legs.js'
import { COLOR, PLAIN, renderTerminal } from '../report/terminal.js'
import { writeReportFiles } from '../report/write.js'
import { legDirectories, readLegDir } from '../shard/read.js'
import { MERGE_FLAGS } from './flags.js'
import type { Writer } from './io.js'
import { COMMAND_USAGE } from './usage.js'

interface MergeIO {
  stdout: Writer
  stderr: Writer
  cwd: string
  color: boolean
}

/** perfgate merge DIR... --out DIR */
export async function commandMerge(args: string[], io: MergeIO): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: MERGE_FLAGS })
  if (positionals.length === 0) {
    io.stderr.write(`perfgate: merge needs the legs' report folders\n\n${COMMAND_USAGE.merge}`)
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
