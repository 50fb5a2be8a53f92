import { parseArgs } from 'node:util'
import path from 'node:path'
import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { ConfigError, loadConfig } from '../config/load.js'
import type { Config } from '../config/types.js'
import { runGate } from '../engine/run.js'
import { exitCodeFor } from '../compare/verdict.js'
import { renderTerminal, COLOR, PLAIN } from '../report/terminal.js'
import { writeReportFiles } from '../report/write.js'
import { renderHtml } from '../report/html.js'
import type { Report } from '../report/types.js'
import { VERSION } from '../version.js'
import { terminalEvents, type Writer } from './output.js'

export const USAGE = `perfgate ${VERSION}: performance gate for HTTP services

Usage:
  perfgate run      [--config perfgate.yml] [--out perfgate-report]
  perfgate validate [perfgate.yml]
  perfgate report   <report.json> --html <out.html>
  perfgate demo

Exit codes: 0 passed, 1 gate failed, 2 errored or invalid input.
`

export interface CliIO {
  stdout: Writer
  stderr: Writer
  cwd: string
  color: boolean
}

export class UsageError extends Error {}

const defaultIO = (): CliIO => ({
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR
})

async function loadOrReport(file: string, io: CliIO): Promise<Config | undefined> {
  try {
    return await loadConfig(file)
  } catch (err) {
    if (err instanceof ConfigError) {
      io.stderr.write(`${err.message}\n`)
      return undefined
    }
    throw err
  }
}

async function commandValidate(args: string[], io: CliIO): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} })
  const file = path.resolve(io.cwd, positionals[0] ?? 'perfgate.yml')
  const config = await loadOrReport(file, io)
  if (!config) return 2
  const checks = config.scenarios.reduce((n, s) => n + s.thresholds.length + s.regression.length, 0)
  io.stdout.write(`${positionals[0] ?? 'perfgate.yml'} is valid: ${config.scenarios.length} scenarios, ${checks} checks\n`)
  return 0
}

async function finish(report: Report, outDir: string, io: CliIO, onInconclusive: 'warn' | 'fail'): Promise<number> {
  const style = io.color ? COLOR : PLAIN
  const files = await writeReportFiles(report, outDir)
  io.stdout.write(renderTerminal(report, style))
  io.stdout.write(style.dim(`report: ${path.relative(io.cwd, files.json)}, ${path.relative(io.cwd, files.html)}\n`))
  return exitCodeFor(report.verdict, onInconclusive)
}

async function commandRun(args: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { config: { type: 'string', short: 'c' }, out: { type: 'string', short: 'o' } }
  })
  const config = await loadOrReport(path.resolve(io.cwd, values.config ?? 'perfgate.yml'), io)
  if (!config) return 2
  const report = await runGate(config, { events: terminalEvents(io.stdout, io.color ? COLOR : PLAIN) })
  return finish(report, path.resolve(io.cwd, values.out ?? 'perfgate-report'), io, config.onInconclusive)
}

async function commandReport(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { html: { type: 'string' } } })
  const input = positionals[0]
  if (!input || !values.html) throw new UsageError('perfgate report needs a report.json and --html <out.html>')
  const report = JSON.parse(await readFile(path.resolve(io.cwd, input), 'utf8')) as Report
  await writeFile(path.resolve(io.cwd, values.html), renderHtml(report))
  io.stdout.write(`wrote ${values.html}\n`)
  return 0
}

async function commandDemo(_args: string[], io: CliIO): Promise<number> {
  const file = path.resolve(io.cwd, 'thresholds/example.yml')
  if (!existsSync(file)) throw new UsageError('run the demo from the perfgate repository root (thresholds/example.yml not found)')
  const style = io.color ? COLOR : PLAIN
  io.stdout.write(style.bold('perfgate demo: absolute limits on the example reservation API (examples/service)\n'))
  const config = await loadOrReport(file, io)
  if (!config) return 2
  const report = await runGate(config, { events: terminalEvents(io.stdout, style) })
  return finish(report, path.resolve(io.cwd, 'perfgate-report'), io, config.onInconclusive)
}

const COMMANDS: Record<string, (args: string[], io: CliIO) => Promise<number>> = {
  run: commandRun,
  validate: commandValidate,
  report: commandReport,
  demo: commandDemo
}

/** Runs the CLI and returns its exit code; never calls process.exit itself. */
export async function main(argv: string[], io: CliIO = defaultIO()): Promise<number> {
  const [command, ...rest] = argv
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    io.stdout.write(USAGE)
    return command ? 0 : 2
  }
  if (command === '--version' || command === 'version') {
    io.stdout.write(`${VERSION}\n`)
    return 0
  }
  const handler = COMMANDS[command]
  try {
    if (!handler) throw new UsageError(`unknown command "${command}"`)
    return await handler(rest, io)
  } catch (err) {
    if (err instanceof UsageError || (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))) {
      io.stderr.write(`perfgate: ${(err as Error).message}\n\n${USAGE}`)
      return 2
    }
    io.stderr.write(`perfgate: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
    return 2
  }
}
