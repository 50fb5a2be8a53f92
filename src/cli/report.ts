import { parseArgs } from 'node:util'
import { REPORT_FLAGS } from './flags.js'
import path from 'node:path'
import { readFile } from 'node:fs/promises'
import type { Report } from '../model/report.js'
import { COLOR, PLAIN, renderTerminal } from '../report/terminal.js'
import { reportProblems } from '../report/validate.js'
import { renderFile, writeAtomically, type RenderedFile } from '../report/write.js'
import { UsageError, type CliIO } from './io.js'

/** Each file flag of `perfgate report` and the file run and compare write with it. */
const FILE_FLAGS: Record<'html' | 'markdown' | 'junit' | 'prom', RenderedFile> = {
  html: 'html',
  markdown: 'summary',
  junit: 'junit',
  prom: 'metrics'
}

/** Reads and checks a report.json; a problem names the file and the field. */
async function readReport(input: string, io: CliIO): Promise<Report | undefined> {
  let data: unknown
  try {
    data = JSON.parse(await readFile(path.resolve(io.cwd, input), 'utf8'))
  } catch (err) {
    io.stderr.write(`perfgate: cannot read ${input} as a report: ${(err as Error).message}\n`)
    return undefined
  }
  const problems = reportProblems(data)
  if (!problems.length) return data as Report
  const shown = problems.slice(0, 5).map(p => `  ${input}: ${p}\n`)
  const more = problems.length > 5 ? `  ... and ${problems.length - 5} more\n` : ''
  io.stderr.write(
    `perfgate: ${input} is not a perfgate report.json (schema/report.schema.json):\n${shown.join('')}${more}`
  )
  return undefined
}

/**
 * perfgate report <report.json> [--html F] [--markdown F] [--junit F] [--prom F] [--terminal]: every output run
 * and compare write, rendered again from the report alone (a leg's or an artifact's). No flag: the terminal table.
 */
export async function commandReport(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: REPORT_FLAGS })
  const input = positionals[0]
  if (!input || positionals.length > 1)
    throw new UsageError(
      'perfgate report needs one report.json: perfgate report <report.json> [--html F] [--markdown F] [--junit F] [--prom F] [--terminal]'
    )
  const report = await readReport(input, io)
  if (!report) return 2
  const files = Object.entries(FILE_FLAGS).flatMap(([flag, kind]) => {
    const out = values[flag as keyof typeof FILE_FLAGS]
    return out ? [{ out, kind }] : []
  })
  for (const { out, kind } of files) {
    await writeAtomically(path.resolve(io.cwd, out), renderFile(kind, report))
    io.stderr.write(`wrote ${out}\n`)
  }
  if (values.terminal || !files.length) io.stdout.write(renderTerminal(report, io.color ? COLOR : PLAIN))
  return 0
}
