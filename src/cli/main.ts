import { VERSION } from '../version.js'
import { didYouMean, suggestCommand } from '../config/suggest.js'
import { commandBaseline } from './baseline.js'
import { commandDemo } from './demo.js'
import { commandDoctor } from './doctor.js'
import { commandHistory } from './history.js'
import { commandCompare, commandRun } from './run-compare.js'
import { COMMAND_FLAGS } from './flags.js'
import { commandInit } from './init.js'
import { UsageError, type CliIO } from './io.js'
import { commandMerge } from './merge.js'
import { commandReport } from './report.js'
import { ShardError } from '../shard/split.js'
import { COMMAND_USAGE, USAGE } from './usage.js'
import { commandValidate } from './validate.js'

export type { CliIO }

const defaultIO = (): CliIO => ({
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
  stdin: process.stdin
})

const COMMANDS: Record<string, (args: string[], io: CliIO) => Promise<number>> = {
  init: commandInit,
  validate: commandValidate,
  doctor: commandDoctor,
  run: commandRun,
  compare: commandCompare,
  report: commandReport,
  merge: commandMerge,
  baseline: commandBaseline,
  history: commandHistory,
  demo: commandDemo
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

/**
 * An option before any command (`perfgate --json`, `perfgate --config x.yml run`): perfgate itself takes none but
 * --help and --version, so each such misuse gets the same answer: the commands that take it, and where it goes.
 */
function optionBeforeCommand(option: string, rest: readonly string[]): string {
  const name = option.replace(/^-+/, '').split('=')[0]!
  const takers = Object.entries(COMMAND_FLAGS)
    .filter(([, flags]) => Object.entries(flags).some(([n, f]) => n === name || f.short === name))
    .map(([command]) => command)
  const at = rest.findIndex(a => COMMANDS[a])
  if (!takers.length)
    return `unknown option ${option}: perfgate takes a command first (perfgate help lists them)`
  const where =
    at !== -1
      ? `put it after the command: perfgate ${[rest[at], option, ...rest.filter((_, i) => i !== at)].join(' ')}`
      : `give a command first, like perfgate ${takers[0]} ${option} (${option} is an option of ${takers.join(', ')})`
  return `${option} is not an option of perfgate itself, only of its commands: ${where}`
}

/** perfgate help [COMMAND] */
function help(topic: string | undefined, io: CliIO): number {
  if (!topic) {
    io.stdout.write(USAGE)
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
  const options = COMMAND_FLAGS[command] ?? {}
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
  if (command.startsWith('-')) {
    io.stderr.write(
      `perfgate: ${optionBeforeCommand(command, rest)}\nRun \`perfgate help\` for the commands.\n`
    )
    return 2
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
