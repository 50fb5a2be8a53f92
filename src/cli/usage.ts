import { CONFIG_CANDIDATES } from '../config/discover.js'
import { VERSION } from '../version.js'
import {
  BASELINE_FLAGS,
  COMPARE_FLAGS,
  DOCTOR_FLAGS,
  HISTORY_FLAGS,
  INIT_FLAGS,
  MERGE_FLAGS,
  REPORT_FLAGS,
  RUN_FLAGS,
  VALIDATE_FLAGS,
  renderFlags
} from './flags.js'

/** Each command's synopsis and what it does: the main usage, in aligned columns. */
const COMMANDS: Array<[string, string]> = [
  ['init [--forks] [--pin] [--force]', 'write perfgate.yml and .github/workflows/perf.yml'],
  ['validate [FILE] [--json] [--deep]', 'check a config, every problem at once'],
  ['doctor [FILE] [--json]', 'start the service once: its ready probe and one request per scenario'],
  ['run [--config FILE] [--out DIR] ...', 'measure the head once and check the absolute limits'],
  ['compare (--base DIR | --base-ref REF) ...', 'measure base and head, decide each regression check'],
  ['report <report.json> [--html F] ...', 'render every output again from a report.json'],
  ['merge DIR... [--out DIR]', 'join the legs of --shard or --load-shard into one report'],
  ['baseline list|show|save ...', 'the stored runs (--baseline DIR or --branch NAME)'],
  ['history [--baseline DIR] [--out DIR] ...', 'change points over the stored runs'],
  ['demo', 'gate the bundled example, then catch an injected slowdown']
]

/** Two columns, the second aligned. */
export function columns(rows: ReadonlyArray<readonly [string, string]>, indent = '  '): string {
  const width = Math.max(...rows.map(([left]) => left.length)) + 2
  return rows.map(([left, right]) => `${indent}${left.padEnd(width)}${right}`.trimEnd() + '\n').join('')
}

export const USAGE = `perfgate ${VERSION}: performance gate for HTTP services

Usage:
${columns(COMMANDS.map(([synopsis, what]) => [`perfgate ${synopsis}`, what]))}
perfgate help COMMAND (or perfgate COMMAND --help) shows a command's options; they go after the command.
perfgate -V (--version) prints the version.
Without --config, perfgate looks for ${CONFIG_CANDIDATES.join(', ')}.

Exit codes: 0 passed, 1 gate failed, 2 errored or invalid input.
`

export const BASELINE_USAGE = `perfgate baseline: inspect and write the baseline store

Usage:
  perfgate baseline list [--baseline DIR | --branch NAME [--remote origin]] [--config perfgate.yml]
  perfgate baseline show <sha-prefix | record path> [--json] [store options]
  perfgate baseline save <record.json> [store options]

Without --baseline or --branch, the store is the config's baseline section (perfgate.yml if present),
else the branch perfgate-baselines of origin in the current repository.

Options:
${renderFlags(BASELINE_FLAGS)}`

export const HISTORY_USAGE = `Usage: perfgate history [--baseline DIR | --branch NAME [--remote origin]] [--config FILE] [options]

Reads every stored run, orders them by commit on the first-parent line of the default branch, and finds the
change points of each scenario's metrics (one series per runner kind and scenario definition). Writes
DIR/index.html: every metric over the commits, the steps with their size, the noise band, the newest change
points first. The store is found as for perfgate baseline list.

Options:
${renderFlags(HISTORY_FLAGS)}`

/** Each command's own help: what \`perfgate COMMAND --help\` and \`perfgate help COMMAND\` print. */
export const COMMAND_USAGE: Record<string, string> = {
  history: HISTORY_USAGE,
  init: `Usage: perfgate init [--force] [--yes] [--forks] [--pin] [--branch NAME] [--command CMD] [--port N] [--path /PATH] [--dir DIR] [--url URL]

Looks at the project (package.json's start script, a Dockerfile's EXPOSE, the PORT convention, the git branch)
and writes what is missing of
  perfgate.yml                        a commented config with one scenario and a schema modeline
  .github/workflows/perf.yml          pull requests compare base vs head; pushes to the default branch store a baseline
  .github/workflows/perf-comment.yml  with --forks: comments on pull requests from forks (for a public repository)
Asks before writing when stdin is a terminal; otherwise takes what it found (or --yes).

Options:
${renderFlags(INIT_FLAGS)}`,
  validate: `Usage: perfgate validate [FILE] [--json] [--deep]

Checks a config file and prints every problem at once, each at file:line:col. With --deep, a valid config is
then tried once against the real service (perfgate doctor).
Without FILE, perfgate looks for ${CONFIG_CANDIDATES.join(', ')}.

Options:
${renderFlags(VALIDATE_FLAGS)}`,
  doctor: `Usage: perfgate doctor [FILE] [--json]

Checks the config, then tries it once against the real service: starts it as perfgate run does, waits for its
ready probe, sends one request per scenario, stops it, and says for each step what is wrong. Nothing is measured.
Exits 0 when every step passed, 2 otherwise. perfgate validate --deep does the same after validating.

Options:
${renderFlags(DOCTOR_FLAGS)}`,
  run: `Usage: perfgate run [options]

Measures the head (this directory) once per scenario and checks the absolute limits.

Options:
${renderFlags(RUN_FLAGS)}`,
  compare: `Usage: perfgate compare (--base DIR | --base-ref REF) [options]

Measures base and head in interleaved rounds and decides each regression check.

Options:
${renderFlags(COMPARE_FLAGS)}`,
  report: `Usage: perfgate report <report.json> [--html F] [--markdown F] [--junit F] [--prom F] [--terminal]

Renders what run and compare write (report.html, summary.md, junit.xml, metrics.prom, the terminal table) again
from a report.json alone, such as a matrix leg's or a downloaded artifact's. The file is checked against
schema/report.schema.json first. Without a file option it prints the terminal table.

Options:
${renderFlags(REPORT_FLAGS)}`,
  merge: `Usage: perfgate merge DIR... [--out DIR] [--json | --quiet]

Joins the report folders of a suite's legs (perfgate run|compare --shard K/N, one per matrix job) into one
report.json, report.html, summary.md, junit.xml and metrics.prom, with one verdict over every scenario.
Load legs (--load-shard K/N) are joined per scenario: summed histograms, counts and throughput; legs whose
measured windows overlap by less than 90% are refused.
A DIR without a report.json stands for its subdirectories that hold one (where download-artifact puts them).
A missing leg, a leg of another config or commit, or a duplicated leg makes the verdict errored (exit 2).

Options:
${renderFlags(MERGE_FLAGS)}`,
  baseline: BASELINE_USAGE,
  demo: `Usage: perfgate demo

Run from a clone of the perfgate repository: gates the bundled example service, then compares base and head
with an injected slowdown and shows that the gate catches it. Takes under a minute.
`,
  help: `Usage: perfgate help [COMMAND]
`
}
