/**
 * Every CLI flag, defined once with its help text (like tachometer's flags.ts): each command's table is what
 * `parseArgs` parses and what `perfgate COMMAND --help` lists (src/cli/usage.ts renders it), so the two cannot
 * drift. A flag shared by commands is defined once here and picked by each; a command may reword its help.
 */
import { CONFIG_CANDIDATES } from '../config/discover.js'
import { UsageError } from './io.js'

export interface FlagSpec {
  type: 'string' | 'boolean'
  short?: string
  multiple?: boolean
  /** the value's placeholder in the help: `--config FILE` */
  value?: string
  help: string
  /** an older spelling of the flag named here: parsed, listed in the help with a note, read as that flag */
  aliasOf?: string
}

/** An older spelling of `name`: it still works, and the help says which flag it stands for. */
const alias = (name: string, flag: FlagSpec): FlagSpec => ({
  ...flag,
  help: `the same as --${name} (its older name)`,
  aliasOf: name
})

const CONFIG_DEFAULT = `default: ${CONFIG_CANDIDATES.join(', ')}`

/** The flags more than one command takes. */
const SHARED = {
  config: { type: 'string', short: 'c', value: 'FILE', help: `config file (${CONFIG_DEFAULT})` },
  out: { type: 'string', short: 'o', value: 'DIR', help: 'report folder (default perfgate-report)' },
  scenario: { type: 'string', multiple: true, value: 'NAME', help: 'only this scenario (repeatable)' },
  shard: {
    type: 'string',
    value: 'K/N',
    help: 'only shard K of N of the suite (a matrix leg; join the legs with perfgate merge)'
  },
  'load-shard': {
    type: 'string',
    value: 'K/N',
    help: "send 1/N of every scenario's load (rate/N or connections/N); not with --shard"
  },
  'start-at': {
    type: 'string',
    value: 'TIME',
    help: 'a load leg starts measuring then (ISO 8601 or epoch ms), together with the others'
  },
  json: { type: 'boolean', help: 'print report.json on stdout; everything else goes to stderr' },
  quiet: { type: 'boolean', short: 'q', help: 'no progress and no table: one line with the verdict' }
} as const satisfies Record<string, FlagSpec>

/** The baseline store as a directory: one name, --baseline DIR, wherever a command reads one. */
const BASELINE_DIR = {
  type: 'string',
  value: 'DIR',
  help: 'the directory store DIR (perfgate run --save-baseline DIR writes one)'
} as const satisfies FlagSpec

/** --json and --quiet: how `run`, `compare` and `merge` print their verdict. */
export const OUTPUT_FLAGS = { json: SHARED.json, quiet: SHARED.quiet } as const

/** The legs of a suite: shards, load shards and their shared start. */
const LEG_FLAGS = {
  shard: SHARED.shard,
  'load-shard': SHARED['load-shard'],
  'start-at': SHARED['start-at']
} as const

export const INIT_FLAGS = {
  command: {
    type: 'string',
    value: 'CMD',
    help: 'the command that starts the service (default: found in the project)'
  },
  port: {
    type: 'string',
    value: 'N',
    help: 'the TCP port it listens on (default: found in the project, else 3000)'
  },
  path: { type: 'string', value: '/PATH', help: 'the path the scenario requests (default /)' },
  dir: { type: 'string', value: 'DIR', help: 'the project directory (default: the working directory)' },
  url: {
    type: 'string',
    value: 'URL',
    help: 'a running target at URL instead: perfgate.yml with no service section (nothing is started)'
  },
  branch: {
    type: 'string',
    value: 'NAME',
    help: "the default branch pushes store baselines from (default: origin's, else the current one, else main)"
  },
  forks: {
    type: 'boolean',
    help: 'also write perf-comment.yml, the workflow_run commenter that comments on pull requests from forks'
  },
  pin: {
    type: 'boolean',
    help: 'pin actions by commit SHA with the tag in a comment (default: major tags, which take fixes)'
  },
  force: { type: 'boolean', help: 'replace files that exist, keeping each as FILE.bak' },
  yes: { type: 'boolean', short: 'y', help: 'do not ask, take what was found' }
} as const satisfies Record<string, FlagSpec>

export const VALIDATE_FLAGS = {
  json: { ...SHARED.json, help: 'print { valid, file, scenarios, checks, problems } on stdout' },
  deep: {
    type: 'boolean',
    help: 'then start the service once and try the ready probe and each scenario (perfgate doctor)'
  }
} as const satisfies Record<string, FlagSpec>

export const DOCTOR_FLAGS = {
  json: { ...SHARED.json, help: 'print { file, healthy, steps } on stdout' }
} as const satisfies Record<string, FlagSpec>

export const RUN_FLAGS = {
  config: SHARED.config,
  out: SHARED.out,
  scenario: SHARED.scenario,
  ...LEG_FLAGS,
  rounds: {
    type: 'string',
    value: 'N',
    help: 'measure N rounds, each against a fresh service (1-50)'
  },
  baseline: {
    ...BASELINE_DIR,
    help: 'compare with the stored run of HEAD or its nearest ancestor in the directory store DIR'
  },
  'save-baseline': { type: 'string', value: 'DIR', help: 'store this run in DIR (a directory store)' },
  profile: {
    type: 'boolean',
    help: "profile the service's CPU after the run: its top functions by CPU per request"
  },
  ...OUTPUT_FLAGS
} as const satisfies Record<string, FlagSpec>

export const COMPARE_FLAGS = {
  base: { type: 'string', value: 'DIR', help: 'a directory holding the built base' },
  'base-ref': {
    type: 'string',
    value: 'REF',
    help: 'perfgate builds the merge-base with REF in a git worktree (service.build)'
  },
  head: { type: 'string', value: 'DIR', help: "the head directory (default: the config's repository)" },
  config: SHARED.config,
  out: SHARED.out,
  scenario: SHARED.scenario,
  ...LEG_FLAGS,
  accept: {
    type: 'string',
    multiple: true,
    value: 'SCENARIO:METRIC',
    help: 'accept an intended regression (either may be *; repeatable)'
  },
  profile: {
    type: 'string',
    value: 'WHEN',
    help: 'profile base and head after the verdict: on-regression (default), always or never'
  },
  ...OUTPUT_FLAGS
} as const satisfies Record<string, FlagSpec>

export const REPORT_FLAGS = {
  html: { type: 'string', value: 'FILE', help: 'write report.html to FILE' },
  markdown: { type: 'string', value: 'FILE', help: 'write summary.md (the PR comment) to FILE' },
  junit: { type: 'string', value: 'FILE', help: 'write junit.xml to FILE' },
  prom: { type: 'string', value: 'FILE', help: 'write metrics.prom (OpenMetrics) to FILE' },
  terminal: { type: 'boolean', help: 'print the terminal table (the default when no file is asked for)' }
} as const satisfies Record<string, FlagSpec>

export const MERGE_FLAGS = {
  out: { ...SHARED.out, help: 'report folder for the merged report (default perfgate-report)' },
  json: { ...SHARED.json, help: 'print the merged report.json on stdout; everything else goes to stderr' },
  quiet: { ...SHARED.quiet, help: 'one line with the verdict' }
} as const satisfies Record<string, FlagSpec>

/** The options of `perfgate baseline list|show|save` (the store they read or write). */
export const BASELINE_FLAGS = {
  baseline: BASELINE_DIR,
  branch: { type: 'string', value: 'NAME', help: 'a git branch store' },
  remote: { type: 'string', value: 'NAME', help: "the branch store's remote (default origin)" },
  config: { ...SHARED.config, help: 'the config whose baseline section names the store' },
  json: { type: 'boolean', help: 'show: print the record as JSON' },
  dir: alias('baseline', BASELINE_DIR)
} as const satisfies Record<string, FlagSpec>

/** `perfgate history`: the store options of `baseline list`, and what to write. */
export const HISTORY_FLAGS = {
  baseline: BASELINE_FLAGS.baseline,
  branch: BASELINE_FLAGS.branch,
  remote: BASELINE_FLAGS.remote,
  config: BASELINE_FLAGS.config,
  out: { ...SHARED.out, help: 'write DIR/index.html, the history page (default perfgate-history)' },
  json: {
    type: 'boolean',
    help: 'print the series and change points as JSON on stdout (schema/history.schema.json)'
  },
  since: {
    type: 'string',
    value: 'SHA|DATE',
    help: 'only runs of this commit and later on the line, or since a date'
  },
  ref: {
    type: 'string',
    value: 'REF',
    help: "the line the runs are ordered on (default: the remote's default branch)"
  },
  report: {
    type: 'string',
    multiple: true,
    value: 'FILE',
    help: "a pull request's report.json, drawn beside the history of its scenarios (repeatable)"
  },
  dir: BASELINE_FLAGS.dir
} as const satisfies Record<string, FlagSpec>

export const DEMO_FLAGS = {} as const satisfies Record<string, FlagSpec>

/** Each command's flags: what it parses, what its help lists, what a mistyped option is matched against. */
export const COMMAND_FLAGS: Record<string, Record<string, FlagSpec>> = {
  init: INIT_FLAGS,
  validate: VALIDATE_FLAGS,
  doctor: DOCTOR_FLAGS,
  run: RUN_FLAGS,
  compare: COMPARE_FLAGS,
  report: REPORT_FLAGS,
  merge: MERGE_FLAGS,
  baseline: BASELINE_FLAGS,
  history: HISTORY_FLAGS,
  demo: DEMO_FLAGS
}

/**
 * Parsed values with each alias read as the flag it stands for (`--dir X` is `--baseline X`); giving both is a
 * usage error.
 */
export function withAliases<V extends Record<string, unknown>>(
  values: V,
  flags: Record<string, FlagSpec>
): V {
  const out: Record<string, unknown> = { ...values }
  for (const [name, flag] of Object.entries(flags)) {
    if (!flag.aliasOf || out[name] === undefined) continue
    if (out[flag.aliasOf] !== undefined)
      throw new UsageError(`--${name} is the older name of --${flag.aliasOf}: give one of them`)
    out[flag.aliasOf] = out[name]
    delete out[name]
  }
  return out as V
}

/** A flag as the help names it: `-c, --config FILE`. */
export function flagLabel(name: string, flag: FlagSpec): string {
  return `${flag.short ? `-${flag.short}, ` : ''}--${name}${flag.value ? ` ${flag.value}` : ''}`
}

/** The help's option lines, one a flag, their texts in one column. */
export function renderFlags(flags: Record<string, FlagSpec>): string {
  const entries = Object.entries(flags)
  const width = Math.max(17, ...entries.map(([name, flag]) => flagLabel(name, flag).length + 2))
  return entries.map(([name, flag]) => `  ${flagLabel(name, flag).padEnd(width)}${flag.help}\n`).join('')
}
