import { CONFIG_CANDIDATES } from '../config/discover.js'
import { VERSION } from '../version.js'
import { MERGE_USAGE } from './merge.js'

export const USAGE = `perfgate ${VERSION}: performance gate for HTTP services

Usage:
  perfgate init     [--force] [--yes]                    write perfgate.yml and .github/workflows/perf.yml
  perfgate validate [perfgate.yml] [--json]              check a config, every problem at once
  perfgate run      [--config FILE] [--out DIR] [--json | --quiet] ...
  perfgate compare  (--base DIR | --base-ref REF) [--head DIR] [--json | --quiet] ...
  perfgate report   <report.json> --html <out.html>
  perfgate merge    DIR... [--out DIR]                   join the legs of --shard or --load-shard into one report
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
  init: `Usage: perfgate init [--force] [--yes] [--command CMD] [--port N] [--path /PATH] [--dir DIR] [--url URL]

Looks at the project (package.json's start script, a Dockerfile's EXPOSE, the PORT convention) and writes
  perfgate.yml                   a commented config with one scenario and a schema modeline
  .github/workflows/perf.yml     pull requests compare base vs head; pushes to main store a baseline
Asks before writing when stdin is a terminal; otherwise takes what it found (or --yes).

Options:
  --command CMD      the command that starts the service (default: found in the project)
  --port N           the port it listens on (default: found in the project, else 3000)
  --path /PATH       the path the scenario requests (default /)
  --dir DIR          the project directory (default: the working directory)
  --url URL          a running target at URL instead: perfgate.yml with no service section (nothing is started)
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
  --load-shard K/N         send 1/N of every scenario's load (rate/N or connections/N); not with --shard
  --start-at TIME          a load leg starts measuring then (ISO 8601 or epoch ms), together with the others
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
  --load-shard K/N         send 1/N of every scenario's load (rate/N or connections/N); not with --shard
  --start-at TIME          a load leg starts measuring then (ISO 8601 or epoch ms), together with the others
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
