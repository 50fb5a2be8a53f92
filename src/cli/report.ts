import { parseArgs } from 'node:util'
import { REPORT_FLAGS } from './flags.js'
import path from 'node:path'
import { readFile, writeFile } from 'node:fs/promises'
import type { Report } from '../model/report.js'
import { renderHtml } from '../report/html.js'
import { reportProblems } from '../report/validate.js'
import { UsageError, type CliIO } from './io.js'

/** perfgate report <report.json> --html <out.html> */
export async function commandReport(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: REPORT_FLAGS })
  const input = positionals[0]
  if (!input || !values.html)
    throw new UsageError('perfgate report needs a report.json and --html <out.html>')
  const file = path.resolve(io.cwd, input)
  let data: unknown
  try {
    data = JSON.parse(await readFile(file, 'utf8'))
  } catch (err) {
    io.stderr.write(`perfgate: cannot read ${input} as a report: ${(err as Error).message}\n`)
    return 2
  }
  const problems = reportProblems(data)
  if (problems.length) {
    io.stderr.write(`perfgate: ${input} is not a perfgate report.json: ${problems.slice(0, 5).join('; ')}\n`)
    return 2
  }
  const report = data as Report
  await writeFile(path.resolve(io.cwd, values.html), renderHtml(report))
  io.stdout.write(`wrote ${values.html}\n`)
  return 0
}
