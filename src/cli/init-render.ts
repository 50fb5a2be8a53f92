/** `perfgate init`, rendering the files: perfgate.yml (commented, with a schema modeline) and the workflow. */
import { CONFIG_SCHEMA_URL, REFERENCE_URL } from '../identity.js'
import type { Detected } from './init-detect.js'
import { protocolRequest } from './init-protocol.js'
import { uses } from './init-pins.js'

const q = (s: string) => JSON.stringify(s)

/** A line of YAML with its comment aligned at one column (or one space after a long line). */
const commented = (code: string, comment: string) =>
  `${code}${' '.repeat(Math.max(1, 38 - code.length))}# ${comment}`

/** Where a port was given by hand or is set by the start script itself, which perfgate's PORT cannot override. */
const FIXED_PORT_SOURCES = ['--port', 'your answer', 'PORT= in package.json scripts.start']

/**
 * Whether perfgate gives the service its port ({{service.port}}): the service reads PORT and nothing fixes it.
 * Then base and head run side by side on free ports and a comparison interleaves them in short slices, the
 * design that holds up on a noisy runner (docs/statistics.md, section 11).
 */
export function choosesPort(d: Detected): boolean {
  return d.readsPortEnv && !FIXED_PORT_SOURCES.includes(d.portFrom)
}

/** perfgate.yml with a schema modeline, one scenario and a comment on every line a newcomer would ask about. */
export function renderConfig(d: Detected): string {
  const free = choosesPort(d)
  const base = `http://127.0.0.1:${free ? '{{service.port}}' : d.port}`
  const lines = [
    `# yaml-language-server: $schema=${CONFIG_SCHEMA_URL}`,
    '# perfgate.yml: the service to start, the load to drive, and the limits a pull request must keep.',
    '# Written by `perfgate init`. Check it with `npx perfgate validate`, try it with `npx perfgate run`.',
    'version: 1',
    'service:',
    commented(`  command: ${d.commandFound ? d.command : q(d.command)}`, d.commandFrom),
    d.build
      ? commented(`  build: ${d.build}`, "builds the PR's base in a git worktree")
      : commented('  # build: npm ci && npm run build', "what builds the PR's base, if it needs building"),
    ...(free
      ? [commented('  env: { PORT: "{{service.port}}" }', `${d.portFrom}: a free port for each side`)]
      : d.readsPortEnv || d.portFrom.startsWith('PORT=')
        ? [commented(`  env: { PORT: ${q(String(d.port))} }`, d.portFrom)]
        : [`  # it listens on ${d.port}: ${d.portFrom}`]),
    d.protocol
      ? commented(
          `  ready: { tcp: ${q(base.replace('http://', ''))}, timeout: 30s }`,
          `${d.protocol.from}: ready when it accepts a connection`
        )
      : commented(
          `  ready: { url: ${q(base + d.readyPath)}, timeout: 30s }`,
          `polled until 200-399 (${d.readyFrom})`
        ),
    'defaults:',
    commented('  warmup: 2s', 'load that runs before measuring (caches, JIT)'),
    commented('  duration: 10s', 'the measured window, per scenario and round'),
    commented('  connections: 10', 'requests in flight at once'),
    'scenarios:',
    `  - name: ${d.protocol?.kind === 'grpc' ? d.protocol.method.toLowerCase() : 'home'}`,
    ...(d.protocol
      ? protocolRequest(d.protocol, base, d.path)
      : [`    request: { method: GET, url: ${q(base + d.path)} }`]),
    commented('    thresholds:', 'absolute limits: a broken one fails the job'),
    commented('      latency.p95: "< 500ms"', '95% of 2xx responses are faster'),
    commented('      errors.rate: "< 1%"', 'connect errors, timeouts, resets, 4xx, 5xx'),
    commented('    regression:', 'pull requests: head against base, same runner'),
    commented('      latency.p95: "+25%"', 'p95 may rise at most 25%'),
    commented('      throughput.ok_rps: "-10%"', 'successful requests per second may fall at most 10%'),
    `# Metrics, suites (sweep, stress, soak), the open model, the baseline store: ${REFERENCE_URL}`,
    ''
  ]
  return lines.join('\n')
}

/** What the workflows are written for, beyond what was detected. */
export interface WorkflowOptions {
  configFile?: string
  /** actions by commit SHA (init-pins.ts) */
  pin?: boolean
  /** the workflow_run commenter is written too (fork pull requests get their comment) */
  forks?: boolean
  /** a running target (init --url): no base is built, pull requests compare with the stored baseline */
  target?: boolean
}

/** .github/workflows/perf.yml: pull requests compare base vs head; pushes to the default branch store a baseline. */
export function renderWorkflow(d: Detected, options: WorkflowOptions = {}): string {
  const { configFile = 'perfgate.yml', pin = false, forks = false, target = false } = options
  const setup = [
    `      - uses: ${uses('actions/setup-node', pin)}`,
    '        with: { node-version: 24 }',
    ...(d.build ? [`      - run: ${d.build}`] : [])
  ]
  const withConfig = configFile === 'perfgate.yml' ? [] : ['        with:', `          config: ${configFile}`]
  const upload = [
    `      - uses: ${uses('actions/upload-artifact', pin)}`,
    '        if: always()',
    '        with: { name: perfgate-report, path: perfgate-report/ }'
  ]
  const checkout = (why: string) => [
    `      - uses: ${uses('actions/checkout', pin)}`,
    '        with:',
    `          fetch-depth: 0              # ${why}`,
    "          persist-credentials: false  # keep the token out of .git/config, where the PR's code could read it"
  ]
  const header = target
    ? [
        '# Written by `perfgate init --url`. Pull requests: the running target measured once and compared with the',
        '# nearest stored run of an ancestor commit, one sticky comment. Pushes to the default branch: a run stored in',
        '# the perfgate-baselines branch, then the stored history analysed for change points.'
      ]
    : [
        '# Written by `perfgate init`. Pull requests: base and head measured in interleaved rounds on one runner,',
        '# one sticky comment. Pushes to the default branch: a run stored in the perfgate-baselines branch, then the',
        '# stored history analysed for change points: a new step warns, and perfgate-report/history/index.html draws',
        '# every series (examples/workflows/perf-history.yml publishes that page).'
      ]
  const fork = forks
    ? [
        '# Pull requests from forks get a read-only token: perf-comment.yml (workflow_run) posts their comment.'
      ]
    : [
        '# Pull requests from forks get a read-only token and no comment (the verdict and job summary still show).',
        '# For a public repository, run `perfgate init --forks` to add perf-comment.yml, a workflow_run commenter',
        `# that posts it (${REFERENCE_URL}#fork-pull-requests).`
      ]
  return [
    ...header,
    ...(pin
      ? [
          '# Actions are pinned by commit SHA (`perfgate init --pin`); Dependabot updates the SHA and its comment.'
        ]
      : []),
    ...fork,
    'name: perf',
    'on:',
    '  pull_request:',
    '  push:',
    `    branches: [${d.defaultBranch}]`,
    'permissions:',
    '  contents: read',
    'jobs:',
    '  compare:',
    "    if: github.event_name == 'pull_request'",
    '    runs-on: ubuntu-latest',
    '    timeout-minutes: 20',
    '    permissions:',
    '      contents: read',
    '      pull-requests: write        # the sticky PR comment',
    '    steps:',
    ...checkout(
      target
        ? 'the ancestors perfgate looks up in the baseline store'
        : 'perfgate builds the merge-base in a git worktree'
    ),
    ...setup,
    `      - uses: ${uses('perfgate', pin)}`,
    ...withConfig,
    ...upload,
    '  baseline:',
    "    if: github.event_name == 'push'",
    '    runs-on: ubuntu-latest',
    '    timeout-minutes: 20',
    '    permissions:',
    '      contents: write             # one file per run in the perfgate-baselines branch',
    '    concurrency: { group: perfgate-baseline, cancel-in-progress: false }',
    '    steps:',
    ...checkout('the first-parent line the stored history is ordered on'),
    ...setup,
    `      - uses: ${uses('perfgate', pin)}`,
    '        with:',
    ...withConfig.slice(1),
    '          on-change-point: warn    # a new step in the stored history: warn | fail | issue (issues: write)',
    ...upload,
    ''
  ].join('\n')
}

/**
 * .github/workflows/perf-comment.yml: the workflow_run commenter. A fork's pull_request run has a read-only token;
 * this runs from the default branch with a write token, reads the run's artifact as data and never checks out or
 * runs the pull request's code (docs/reference.md, "Fork pull requests").
 */
export function renderCommenter(pin = false): string {
  return [
    "# Written by `perfgate init --forks`. Posts perfgate's comment for pull requests from forks, whose pull_request",
    '# runs get a read-only token. Runs from the default branch, reads the result artifact as data, never checks out',
    "# or runs the pull request's code. Same-repository pull requests are commented on by perf.yml itself.",
    'name: perf comment',
    'on:',
    '  workflow_run:',
    '    workflows: [perf]',
    '    types: [completed]',
    'permissions:',
    '  actions: read                   # download the artifact of the triggering run',
    '  pull-requests: write',
    'jobs:',
    '  comment:',
    "    if: github.event.workflow_run.event == 'pull_request' && github.event.workflow_run.head_repository.full_name != github.repository",
    '    runs-on: ubuntu-latest',
    '    timeout-minutes: 5',
    '    steps:',
    `      - uses: ${uses('actions/download-artifact', pin)}`,
    '        with:',
    '          name: perfgate-report',
    '          run-id: ${{ github.event.workflow_run.id }}',
    '          github-token: ${{ github.token }}',
    '          path: ${{ runner.temp }}/perfgate-result',
    `      - uses: ${uses('perfgate', pin)}`,
    '        with:',
    '          mode: report',
    '          artifact-path: ${{ runner.temp }}/perfgate-result',
    ''
  ].join('\n')
}
