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
import { BASELINE_USAGE, commandBaseline } from './baseline.js'
import { commandInit, INIT_OPTIONS } from './init.js'
import { terminalEvents, type Writer } from './output.js'
import { CONFIG_CANDIDATES, discoverConfig, noConfigMessage } from '../config/discover.js'
import { didYouMean, suggestCommand } from '../config/suggest.js'
import type { EventSink } from '../engine/events.js'
import { legConfig } from './shard.js'
import { ShardError } from '../shard/split.js'
import { shardLeg, stampLeg } from '../shard/identity.js'
import { commandMerge, MERGE_OPTIONS, MERGE_USAGE } from './merge.js'

export const USAGE = `perfgate ${VERSION}: performance gate for HTTP services

Usage:
  perfgate init     [--force] [--yes]                    write perfgate.yml and .github/workflows/perf.yml
  perfgate validate [perfgate.yml] [--json]              check a config, every problem at once
  perfgate run      [--config FILE] [--out DIR] [--json | --quiet] ...
  perfgate compare  (--base DIR | --base-ref REF) [--head DIR] [--json | --quiet] ...
  perfgate report   <report.json> --html <out.html>
  perfgate merge    DIR... [--out DIR]                   join the legs of a --shard K/N suite into one report
  perfgate baseline list|show|save ...
  perfgate demo

perfgate help COMMAND (or perfgate COMMAND --help) shows a command's options.
perfgate -V (--version) prints the version.
Without --config, perfgate looks for ${CONFIG_CANDIDATES.join(', ')}.

Exit codes: 0 passed, 1 gate failed, 2 errored or invalid input.
`

const OUTPUT_OPTIONS = `  --json             print report.json on stdout; everything else goes to stderr
  -q, --quiet        no progress and no table: one line with the verdict`

/** Each command's own help: what \`perfgate COMMAND --help\` and \`perfgate help COMMAND\` print. */
export const COMMAND_USAGE: Record<string, string> = {
  init: `Usage: perfgate init [--force] [--yes] [--command CMD] [--port N] [--path /PATH] [--dir DIR]

Looks at the project (package.json's start script, a Dockerfile's EXPOSE, the PORT convention) and writes
  perfgate.yml                   a commented config with one scenario and a schema modeline
  .github/workflows/perf.yml     pull requests compare base vs head; pushes to main store a baseline
Asks before writing when stdin is a terminal; otherwise takes what it found (or --yes).

Options:
  --command CMD      the command that starts the service (default: found in the project)
  --port N           the port it listens on (default: found in the project, else 3000)
  --path /PATH       the path the scenario requests (default /)
  --dir DIR          the project directory (default: the working directory)
  --force            overwrite files that exist
  -y, --yes          do not ask, take what was found
`,
  validate: `Usage: perfgate validate [FILE] [--json]

Checks a config file and prints every problem at once, each at file:line:col.
Without FILE, perfgate looks for ${CONFIG_CANDIDATES.join(', ')}.

Options:
  --json             print { valid, file, scenarios, checks, problems } on stdout
`,
  run: `Usage: perfgate run [options]

Measures the head (this directory) once per scenario and checks the absolute limits.

Options:
  -c, --config FILE        config file (default: ${CONFIG_CANDIDATES.join(', ')})
  -o, --out DIR            report folder (default perfgate-report)
  --scenario NAME          only this scenario (repeatable)
  --shard K/N              only shard K of N of the suite (a matrix leg; join the legs with perfgate merge)
  --rounds N               measure N rounds, each against a fresh service (1-50)
  --baseline DIR           compare with the stored run of HEAD or its nearest ancestor in DIR
  --save-baseline DIR      store this run in DIR (a directory store)
${OUTPUT_OPTIONS}
`,
  compare: `Usage: perfgate compare (--base DIR | --base-ref REF) [options]

Measures base and head in interleaved rounds and decides each regression check.

Options:
  --base DIR               a directory holding the built base
  --base-ref REF           perfgate builds the merge-base with REF in a git worktree (service.build)
  --head DIR               the head directory (default: the config's repository)
  -c, --config FILE        config file (default: ${CONFIG_CANDIDATES.join(', ')})
  -o, --out DIR            report folder (default perfgate-report)
  --scenario NAME          only this scenario (repeatable)
  --shard K/N              only shard K of N of the suite (a matrix leg; join the legs with perfgate merge)
  --accept SCENARIO:METRIC accept an intended regression (either may be *; repeatable)
${OUTPUT_OPTIONS}
`,
  report: `Usage: perfgate report <report.json> --html <out.html>

Renders report.html again from a report.json.
`,
  merge: MERGE_USAGE,
  demo: `Usage: perfgate demo

Run from a clone of the perfgate repository: gates the bundled example service, then compares base and head
with an injected slowdown and shows that the gate catches it. Takes under a minute.
`,
  help: `Usage: perfgate help [COMMAND]
`
}

export interface CliIO {
  stdout: Writer
  stderr: Writer
  cwd: string
  color: boolean
  /** init asks questions only when this is a terminal */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean }
}

export class UsageError extends Error {}

const defaultIO = (): CliIO => ({
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
  stdin: process.stdin
})

/** Loads the named config, or the first of CONFIG_CANDIDATES in the working directory; problems go to stderr. */
async function loadOrReport(named: string | undefined, io: CliIO): Promise<Config | undefined> {
  const file = discoverConfig(io.cwd, named)
  if (!named && !existsSync(file)) {
    io.stderr.write(`perfgate: ${noConfigMessage(io.cwd)}\n`)
    return undefined
  }
  try {
    // config.file stays resolvable from the process's directory: run and compare find the repository from it
    return await loadConfig(file)
  } catch (err) {
    if (err instanceof ConfigError) {
      io.stderr.write(`${err.message}\n`)
      return undefined
    }
    throw err
  }
}

const VALIDATE_OPTIONS = { json: { type: 'boolean' } } as const

async function commandValidate(args: string[], io: CliIO): Promise<number> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: VALIDATE_OPTIONS })
  const named = positionals[0]
  const file = discoverConfig(io.cwd, named)
  const shown = path.relative(io.cwd, file) || file
  if (values.json) {
    const answer = (body: object, code: number) => {
      io.stdout.write(`${JSON.stringify({ file: shown, ...body }, null, 2)}\n`)
      return code
    }
    if (!named && !existsSync(file))
      return answer({ valid: false, problems: [{ message: noConfigMessage(io.cwd) }] }, 2)
    try {
      const config = await loadConfig(file, io.cwd)
      return answer({ valid: true, scenarios: config.scenarios.length, checks: countChecks(config) }, 0)
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err
      return answer({ valid: false, problems: err.problems }, 2)
    }
  }
  if (!named && !existsSync(file)) {
    io.stderr.write(`perfgate: ${noConfigMessage(io.cwd)}\n`)
    return 2
  }
  let config: Config
  try {
    // validate only reads the file: its problems are named relative to the working directory
    config = await loadConfig(file, io.cwd)
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    io.stderr.write(`${err.message}\n`)
    return 2
  }
  const n = config.scenarios.length
  io.stdout.write(`${shown} is valid: ${n} scenario${n === 1 ? '' : 's'}, ${countChecks(config)} checks\n`)
  return 0
}

const countChecks = (config: Config) =>
  config.scenarios.reduce((n, s) => n + s.thresholds.length + s.regression.length, 0)

/** Where run and compare write: --json puts report.json on stdout and the human output on stderr. */
interface OutputMode {
  json: boolean
  quiet: boolean
  /** the stream for human output */
  human: Writer
  style: typeof PLAIN
}

function outputMode(values: { json?: boolean; quiet?: boolean }, io: CliIO): OutputMode {
  const json = Boolean(values.json)
  const human = json ? io.stderr : io.stdout
  const color = io.color && (!json || Boolean((io.stderr as Writer).isTTY))
  return { json, quiet: Boolean(values.quiet), human, style: color ? COLOR : PLAIN }
}

/** Engine events for the terminal; --quiet keeps only warnings (on stderr). */
function eventsFor(mode: OutputMode, io: CliIO): EventSink {
  if (!mode.quiet) return terminalEvents(mode.human, mode.style)
  return event => {
    if (event.type === 'warning') io.stderr.write(`warning: ${event.message}\n`)
  }
}

const OUTPUT_FLAGS = {
  json: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' }
} as const

async function finish(
  report: Report,
  outDir: string,
  io: CliIO,
  onInconclusive: 'warn' | 'fail',
  mode: OutputMode = outputMode({}, io)
): Promise<number> {
  const { style, human } = mode
  const files = await writeReportFiles(report, outDir)
  if (mode.json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
  if (mode.quiet) {
    if (!mode.json) human.write(`${report.verdict}: ${report.headline}\n`)
  } else {
    human.write(renderTerminal(report, style))
    human.write(
      style.dim(
        `report: ${[files.json, files.html, files.junit].map(f => path.relative(io.cwd, f)).join(', ')}\n`
      )
    )
  }
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

const RUN_OPTIONS = {
  config: { type: 'string', short: 'c' },
  out: { type: 'string', short: 'o' },
  scenario: { type: 'string', multiple: true },
  shard: { type: 'string' },
  rounds: { type: 'string' },
  baseline: { type: 'string' },
  'save-baseline': { type: 'string' },
  ...OUTPUT_FLAGS
} as const

async function commandRun(args: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({ args, options: RUN_OPTIONS })
  const loaded = await loadOrReport(values.config, io)
  if (!loaded) return 2
  const { config, shard } = legConfig(loaded, values.shard, values.scenario, selectScenarios)
  const mode = outputMode(values, io)
  const events = eventsFor(mode, io)
  const outDir = path.resolve(io.cwd, values.out ?? 'perfgate-report')
  const repo = await repoRoot(path.dirname(config.file))
  const head = repo ? await headSha(repo) : undefined
  const readStore = values.baseline ? new DirectoryStore(path.resolve(io.cwd, values.baseline)) : undefined
  const saveStore = values['save-baseline']
    ? new DirectoryStore(path.resolve(io.cwd, values['save-baseline']))
    : undefined
  let plan: StoredPlan | undefined
  try {
    // a leg looks up the whole config's runs: every leg's record of a commit shares its hash
    if (readStore)
      plan = await planStoredBaseline(shard ? loaded : config, readStore, repo, head, events, 'HEAD')
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
  if (shard) stampLeg(report, loaded, shard)
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
              runAttempt: 1,
              ...(shard ? { leg: shardLeg(undefined, shard) } : {})
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
  return finish(report, outDir, io, config.onInconclusive, mode)
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

const COMPARE_OPTIONS = {
  config: { type: 'string', short: 'c' },
  out: { type: 'string', short: 'o' },
  base: { type: 'string' },
  'base-ref': { type: 'string' },
  head: { type: 'string' },
  scenario: { type: 'string', multiple: true },
  shard: { type: 'string' },
  accept: { type: 'string', multiple: true },
  ...OUTPUT_FLAGS
} as const

async function commandCompare(args: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({ args, options: COMPARE_OPTIONS })
  const loaded = await loadOrReport(values.config, io)
  if (!loaded) return 2
  const { config, shard } = legConfig(loaded, values.shard, values.scenario, selectScenarios)
  const mode = outputMode(values, io)
  const events = eventsFor(mode, io)
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
    if (shard) {
      const sha = await headSha(headDir)
      if (sha) report.git = { ...report.git, sha }
      stampLeg(report, loaded, shard)
    }
    return await finish(
      report,
      path.resolve(io.cwd, values.out ?? 'perfgate-report'),
      io,
      config.onInconclusive,
      mode
    )
  } finally {
    await base.cleanup()
  }
}

const REPORT_OPTIONS = { html: { type: 'string' } } as const

async function commandReport(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: REPORT_OPTIONS })
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

async function commandDemo(args: string[], io: CliIO): Promise<number> {
  parseArgs({ args, options: {} })
  const file = 'thresholds/example.yml'
  if (!existsSync(path.resolve(io.cwd, file)))
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
  init: commandInit,
  validate: commandValidate,
  run: commandRun,
  compare: commandCompare,
  report: commandReport,
  merge: commandMerge,
  baseline: commandBaseline,
  demo: commandDemo
}

/** Each command's options, for a did-you-mean on an unknown one. */
const OPTIONS: Record<string, Record<string, object>> = {
  init: INIT_OPTIONS,
  validate: VALIDATE_OPTIONS,
  run: RUN_OPTIONS,
  compare: COMPARE_OPTIONS,
  report: REPORT_OPTIONS,
  merge: MERGE_OPTIONS
}

const HELP_FLAGS = ['--help', '-h']
/** --help or -h among a command's arguments (before a `--`). */
export const wantsHelp = (args: readonly string[]): boolean => {
  const end = args.indexOf('--')
  return (end === -1 ? args : args.slice(0, end)).some(a => HELP_FLAGS.includes(a))
}

function unknownCommand(command: string): string {
  const suggestion = suggestCommand(command, [...Object.keys(COMMANDS), 'help'])
  return `unknown command "${command}"${suggestion ? `; did you mean "perfgate ${suggestion}"?` : ''}`
}

/** perfgate help [COMMAND] */
function help(topic: string | undefined, io: CliIO): number {
  if (!topic) {
    io.stdout.write(USAGE)
    return 0
  }
  if (topic === 'baseline') {
    io.stdout.write(BASELINE_USAGE)
    return 0
  }
  const text = COMMAND_USAGE[topic]
  if (!text) {
    io.stderr.write(`perfgate: no help for ${unknownCommand(topic).replace('unknown command ', '')}\n`)
    return 2
  }
  io.stdout.write(text)
  return 0
}

/** Node's "Unknown option '--confg'" in perfgate's words, with the closest option of the command. */
function parseArgsMessage(err: Error, command: string): string {
  const option = /Unknown option '(-{1,2}[^']+)'/.exec(err.message)?.[1]
  if (!option) return err.message
  const options = OPTIONS[command] ?? {}
  const names = Object.keys(options).map(n => `--${n}`)
  const suggestion = option.startsWith('--') ? didYouMean(option.slice(2), Object.keys(options)) : undefined
  return `unknown option ${option} for perfgate ${command}${suggestion ? `; did you mean --${suggestion}?` : names.length ? `; it takes ${names.join(', ')}` : ''}`
}

/** Runs the CLI and returns its exit code; never calls process.exit itself. */
export async function main(argv: string[], io: CliIO = defaultIO()): Promise<number> {
  const [command, ...rest] = argv
  if (!command) {
    io.stderr.write(USAGE)
    return 2
  }
  if (command === 'help' || HELP_FLAGS.includes(command)) return help(rest[0], io)
  if (command === '--version' || command === '-V' || command === 'version') {
    io.stdout.write(`${VERSION}\n`)
    return 0
  }
  const handler = COMMANDS[command]
  if (!handler) {
    io.stderr.write(`perfgate: ${unknownCommand(command)}\nRun \`perfgate help\` for the commands.\n`)
    return 2
  }
  if (command !== 'baseline' && wantsHelp(rest)) return help(command, io)
  try {
    return await handler(rest, io)
  } catch (err) {
    const usage = COMMAND_USAGE[command] ?? USAGE
    if (err instanceof UsageError || err instanceof ShardError) {
      io.stderr.write(`perfgate: ${err.message}\n\n${usage}`)
      return 2
    }
    // not `instanceof TypeError`: node:util's errors can come from another realm (a vm context, jest)
    const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`perfgate: ${parseArgsMessage(err as Error, command)}\n\n${usage}`)
      return 2
    }
    io.stderr.write(`perfgate: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
    return 2
  }
}
