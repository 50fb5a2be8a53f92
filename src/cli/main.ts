import { parseArgs } from 'node:util'
import path from 'node:path'
import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { ConfigError, loadConfig } from '../config/load.js'
import type { Config } from '../config/types.js'
import { runGate } from '../engine/run.js'
import { compareGate } from '../engine/compare.js'
import {
  BaseError,
  findMergeBase,
  headSha,
  repoRoot,
  requireSideDir,
  useBaseDir,
  worktreeBase,
  type PreparedBase
} from '../engine/base.js'
import type { Acceptance } from '../compare/accept.js'
import { exitCodeFor } from '../compare/verdict.js'
import { renderTerminal, COLOR, PLAIN } from '../report/terminal.js'
import { writeReportFiles } from '../report/write.js'
import { renderHtml } from '../report/html.js'
import { reportProblems } from '../report/validate.js'
import type { Report } from '../report/types.js'
import { VERSION } from '../version.js'
import { DirectoryStore } from '../baseline/directory.js'
import { NewerBaselineError, StoreError } from '../baseline/record.js'
import { planStoredBaseline, saveRun, type StoredPlan } from '../engine/baseline.js'
import { commandBaseline } from './baseline.js'
import { terminalEvents, type Writer } from './output.js'

export const USAGE = `perfgate ${VERSION}: performance gate for HTTP services

Usage:
  perfgate run      [--config perfgate.yml] [--out perfgate-report] [--scenario NAME]...
                    [--baseline DIR] [--save-baseline DIR] [--rounds N]
  perfgate compare  (--base DIR | --base-ref REF) [--head DIR] [--config perfgate.yml] [--out DIR]
                    [--scenario NAME]... [--accept SCENARIO:METRIC]...
  perfgate validate [perfgate.yml]
  perfgate report   <report.json> --html <out.html>
  perfgate baseline list|show|save   (see perfgate baseline --help)
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
  io.stdout.write(
    `${positionals[0] ?? 'perfgate.yml'} is valid: ${config.scenarios.length} scenarios, ${checks} checks\n`
  )
  return 0
}

async function finish(
  report: Report,
  outDir: string,
  io: CliIO,
  onInconclusive: 'warn' | 'fail'
): Promise<number> {
  const style = io.color ? COLOR : PLAIN
  const files = await writeReportFiles(report, outDir)
  io.stdout.write(renderTerminal(report, style))
  io.stdout.write(
    style.dim(`report: ${path.relative(io.cwd, files.json)}, ${path.relative(io.cwd, files.html)}\n`)
  )
  return exitCodeFor(report.verdict, onInconclusive)
}

/** Keeps only the named scenarios (--scenario); an unknown name is a usage error. */
export function selectScenarios(config: Config, names: string[] | undefined): Config {
  if (!names?.length) return config
  const unknown = names.filter(n => !config.scenarios.some(s => s.name === n))
  if (unknown.length) {
    throw new UsageError(
      `no scenario named ${unknown.map(n => `"${n}"`).join(', ')} in ${config.file}; it has: ${config.scenarios.map(s => s.name).join(', ')}`
    )
  }
  return { ...config, scenarios: config.scenarios.filter(s => names.includes(s.name)) }
}

function parseAccept(values: string[] | undefined): Acceptance[] {
  return (values ?? []).map(v => {
    const [scenario, metric] = v.split(':')
    if (!scenario) throw new UsageError(`--accept takes SCENARIO:METRIC (either may be *), got "${v}"`)
    return { scenario, metric: metric || '*', by: `--accept ${v}` }
  })
}

function parseRounds(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const rounds = Number(value)
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 50)
    throw new UsageError(`--rounds takes a whole number from 1 to 50, got "${value}"`)
  return rounds
}

async function commandRun(args: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: 'string', short: 'c' },
      out: { type: 'string', short: 'o' },
      scenario: { type: 'string', multiple: true },
      rounds: { type: 'string' },
      baseline: { type: 'string' },
      'save-baseline': { type: 'string' }
    }
  })
  const loaded = await loadOrReport(path.resolve(io.cwd, values.config ?? 'perfgate.yml'), io)
  if (!loaded) return 2
  const config = selectScenarios(loaded, values.scenario)
  const events = terminalEvents(io.stdout, io.color ? COLOR : PLAIN)
  const outDir = path.resolve(io.cwd, values.out ?? 'perfgate-report')
  const repo = await repoRoot(path.dirname(config.file))
  const head = repo ? await headSha(repo) : undefined
  const readStore = values.baseline ? new DirectoryStore(path.resolve(io.cwd, values.baseline)) : undefined
  const saveStore = values['save-baseline']
    ? new DirectoryStore(path.resolve(io.cwd, values['save-baseline']))
    : undefined
  let plan: StoredPlan | undefined
  try {
    if (readStore) plan = await planStoredBaseline(config, readStore, repo, head, events, 'HEAD')
  } catch (err) {
    if (err instanceof StoreError || err instanceof NewerBaselineError) {
      io.stderr.write(`perfgate: ${err.message}\n`)
      return 2
    }
    throw err
  }
  const report = await runGate(config, {
    events,
    rounds: parseRounds(values.rounds) ?? (plan?.stored || saveStore ? config.baseline.rounds : 1),
    stored: plan?.stored,
    baselineInfo: plan?.info,
    git: head ? { sha: head } : undefined
  })
  if (saveStore) {
    const saved =
      report.verdict === 'errored'
        ? {
            saved: false,
            path: '',
            message: 'baseline NOT saved: an errored run is never stored as a baseline'
          }
        : await saveRun(
            report,
            saveStore,
            {
              sha: head ?? 'local',
              event: 'cli',
              runId: `local-${report.createdAt.replace(/[^0-9]/g, '').slice(0, 14)}`,
              runAttempt: 1
            },
            outDir,
            events
          )
    report.baseline = {
      ...(report.baseline ?? {
        store: saveStore.description,
        state: 'none',
        message: 'nothing to compare with'
      }),
      saved
    }
  }
  return finish(report, outDir, io, config.onInconclusive)
}

async function prepareBase(
  io: CliIO,
  config: Config,
  base: string | undefined,
  baseRef: string | undefined,
  headDir: string,
  events: ReturnType<typeof terminalEvents>
): Promise<PreparedBase> {
  if (base) return useBaseDir(path.resolve(io.cwd, base))
  if (!baseRef)
    throw new UsageError(
      'perfgate compare needs --base DIR (a built base) or --base-ref REF (perfgate builds the merge-base itself)'
    )
  const sha = await findMergeBase(headDir, baseRef, events)
  return worktreeBase(headDir, sha, config.service.build, events)
}

async function commandCompare(args: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: 'string', short: 'c' },
      out: { type: 'string', short: 'o' },
      base: { type: 'string' },
      'base-ref': { type: 'string' },
      head: { type: 'string' },
      scenario: { type: 'string', multiple: true },
      accept: { type: 'string', multiple: true }
    }
  })
  const loaded = await loadOrReport(path.resolve(io.cwd, values.config ?? 'perfgate.yml'), io)
  if (!loaded) return 2
  const config = selectScenarios(loaded, values.scenario)
  const style = io.color ? COLOR : PLAIN
  const events = terminalEvents(io.stdout, style)
  // service.cwd is mapped from the config's repository (or directory) onto both the --head and the --base directory
  const configDir = path.dirname(config.file)
  const root = (await repoRoot(configDir)) ?? configDir
  const headDir = values.head ? path.resolve(io.cwd, values.head) : root
  let base: PreparedBase
  try {
    if (values.head) requireSideDir(headDir, 'head', 'pass --head the directory of a built head')
    base = await prepareBase(io, config, values.base, values['base-ref'], headDir, events)
  } catch (err) {
    if (err instanceof BaseError) {
      io.stderr.write(`perfgate: ${err.message}\n`)
      return 2
    }
    throw err
  }
  try {
    const report = await compareGate(config, {
      baseDir: base.dir,
      headDir,
      root,
      events,
      acceptances: parseAccept(values.accept),
      notes: [base.description],
      git: base.sha ? { baseSha: base.sha } : undefined
    })
    return await finish(
      report,
      path.resolve(io.cwd, values.out ?? 'perfgate-report'),
      io,
      config.onInconclusive
    )
  } finally {
    await base.cleanup()
  }
}

async function commandReport(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { html: { type: 'string' } }
  })
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

/** The demo's comparison: one scenario and its throughput check, short rounds, so the whole demo stays under a minute. */
export function demoCompareConfig(config: Config): Config {
  const scenario = config.scenarios[0]!
  return {
    ...config,
    scenarios: [
      {
        ...scenario,
        load: { ...scenario.load, warmupMs: 500, durationMs: 1500 },
        regression: scenario.regression.filter(r => r.metric === 'throughput.ok_rps')
      }
    ],
    compare: { ...config.compare, rounds: { min: 3, max: 5 }, budgetMs: 40_000 }
  }
}

async function commandDemo(_args: string[], io: CliIO): Promise<number> {
  const file = path.resolve(io.cwd, 'thresholds/example.yml')
  if (!existsSync(file))
    throw new UsageError('run the demo from the perfgate repository root (thresholds/example.yml not found)')
  const style = io.color ? COLOR : PLAIN
  const events = terminalEvents(io.stdout, style)
  const config = await loadOrReport(file, io)
  if (!config) return 2
  io.stdout.write(
    style.bold('perfgate demo 1/2: absolute limits on the example reservation API (examples/service)\n')
  )
  const run = await runGate(config, { events })
  const runCode = await finish(run, path.resolve(io.cwd, 'perfgate-report/run'), io, config.onInconclusive)
  io.stdout.write(
    style.bold(
      '\nperfgate demo 2/2: base vs head, interleaved; the head has SLOWDOWN=1 (twice the CPU work per request)\n'
    )
  )
  const headDir = path.resolve(io.cwd)
  const compare = await compareGate(demoCompareConfig(config), {
    baseDir: headDir,
    headDir,
    events,
    env: { head: { SLOWDOWN: '1' } },
    notes: [
      "demo: base and head are the same code; the head runs with the example service's SLOWDOWN=1 knob (twice the CPU work per request)"
    ]
  })
  const compareCode = await finish(
    compare,
    path.resolve(io.cwd, 'perfgate-report/compare'),
    io,
    config.onInconclusive
  )
  const caught = compareCode === 1
  io.stdout.write(
    `\n${style.bold('demo result:')} absolute limits ${run.verdict}; injected slowdown ${caught ? style.green('caught') : style.red('NOT caught')} (compare verdict ${compare.verdict}).\n` +
      style.dim(
        'In CI the compare step would fail the job with exit code 1; the demo exits 0 when the gate behaved as expected.\n'
      )
  )
  return runCode === 2 || !caught ? 1 : 0
}

const COMMANDS: Record<string, (args: string[], io: CliIO) => Promise<number>> = {
  run: commandRun,
  compare: commandCompare,
  validate: commandValidate,
  report: commandReport,
  demo: commandDemo,
  baseline: commandBaseline
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
    if (
      err instanceof UsageError ||
      (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))
    ) {
      io.stderr.write(`perfgate: ${(err as Error).message}\n\n${USAGE}`)
      return 2
    }
    io.stderr.write(`perfgate: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
    return 2
  }
}
