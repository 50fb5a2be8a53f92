import { parseArgs } from 'node:util'
import { INIT_FLAGS } from './flags.js'
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { createInterface } from 'node:readline/promises'
import { ACTION_REF, CONFIG_SCHEMA_URL, PACKAGE_NAME, REFERENCE_URL } from '../identity.js'
import { renderTargetConfig, targetUrl } from './init-target.js'
import { CONFIG_CANDIDATES } from '../config/discover.js'
import type { Writer } from './io.js'

export interface InitIO {
  stdout: Writer
  stderr: Writer
  cwd: string
  /** asked from when it is a terminal; otherwise init takes what it found */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean }
}

/** What `perfgate init` found in a project, each value with where it came from. */
export interface Detected {
  command: string
  commandFrom: string
  /** false when nothing was found and `command` is a placeholder to edit */
  commandFound: boolean
  port: number
  portFrom: string
  /** the service reads its port from $PORT: perfgate sets it */
  readsPortEnv: boolean
  readyPath: string
  readyFrom: string
  build?: string
  buildFrom?: string
  path: string
  defaultBranch: string
}

const read = (file: string): string | undefined => {
  try {
    return statSync(file).isFile() && statSync(file).size < 1_000_000 ? readFileSync(file, 'utf8') : undefined
  } catch {
    return undefined
  }
}

interface PackageJson {
  main?: string
  scripts?: Record<string, string>
  dependencies?: Record<string, string>
}

function readPackage(dir: string): PackageJson | undefined {
  const text = read(path.join(dir, 'package.json'))
  if (!text) return undefined
  try {
    return JSON.parse(text) as PackageJson
  } catch {
    return undefined
  }
}

const ENTRY_FILES = ['server.js', 'server.mjs', 'index.js', 'index.mjs', 'app.js', 'app.mjs', 'main.js']
const SOURCE_DIRS = ['.', 'src', 'lib', 'server', 'app']

/** The service's source files worth reading for a port or a health route (a few, near the top). */
function sourceFiles(dir: string, entry: string | undefined): string[] {
  const files = entry ? [path.resolve(dir, entry)] : []
  for (const sub of SOURCE_DIRS) {
    const folder = path.join(dir, sub)
    let names: string[]
    try {
      names = readdirSync(folder)
    } catch {
      continue
    }
    for (const name of names.sort())
      if (/\.(c|m)?(j|t)s$/.test(name) && !name.endsWith('.d.ts')) files.push(path.join(folder, name))
  }
  return [...new Set(files)].slice(0, 40)
}

/** `node X` in a start script: the entry file X. */
const entryOf = (script: string | undefined) =>
  script
    ? /(?:^|&&\s*|\s)node\s+(?:--[\w-]+(?:=\S+)?\s+)*([^\s&|;]+\.(?:c|m)?(?:j|t)s)/.exec(script)?.[1]
    : undefined

function dockerExpose(dir: string): number | undefined {
  const text = read(path.join(dir, 'Dockerfile'))
  const port = text ? /^\s*EXPOSE\s+(\d{2,5})/im.exec(text)?.[1] : undefined
  return port ? Number(port) : undefined
}

function defaultBranch(dir: string): string {
  try {
    const ref = execFileSync('git', ['symbolic-ref', '--quiet', 'refs/remotes/origin/HEAD'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5000
    })
      .toString()
      .trim()
    return ref.replace(/^refs\/remotes\/origin\//, '') || 'main'
  } catch {
    return 'main'
  }
}

/** Looks at a project: package.json's start script, a Dockerfile's EXPOSE, the PORT convention in its source. */
export function detectProject(dir: string): Detected {
  const pkg = readPackage(dir)
  const scripts = pkg?.scripts ?? {}
  let command = 'npm start'
  let commandFrom = 'a placeholder: perfgate found no start script, no main and no server.js; edit it'
  let commandFound = false
  const startEntry = entryOf(scripts.start)
  if (scripts.start) {
    commandFound = true
    // a plain `node server.js` is run directly: no npm process between perfgate and the service
    command = /^node\s+[^\s&|;]+$/.test(scripts.start.trim()) ? scripts.start.trim() : 'npm start'
    commandFrom = 'package.json scripts.start'
  } else if (pkg?.main && existsSync(path.join(dir, pkg.main))) {
    command = `node ${pkg.main}`
    commandFrom = 'package.json main'
    commandFound = true
  } else {
    const entry = ENTRY_FILES.find(f => existsSync(path.join(dir, f)))
    if (entry) {
      command = `node ${entry}`
      commandFrom = `${entry} in the project`
      commandFound = true
    }
  }
  const entry = startEntry ?? (pkg?.main && !scripts.start ? pkg.main : undefined) ?? command.split(' ')[1]
  const sources = sourceFiles(dir, entry).map(file => ({ file, text: read(file) ?? '' }))

  let port: number | undefined
  let portFrom = 'the default: nothing in the project names a port'
  let readsPortEnv = false
  const fromScript = scripts.start ? /\bPORT=(\d{2,5})\b/.exec(scripts.start)?.[1] : undefined
  const envFile = read(path.join(dir, '.env'))
  const fromEnvFile = envFile ? /^\s*PORT\s*=\s*"?(\d{2,5})/m.exec(envFile)?.[1] : undefined
  const exposed = dockerExpose(dir)
  for (const { file, text } of sources) {
    if (!/process\.env\.PORT|process\.env\[['"]PORT['"]\]|Deno\.env\.get\(['"]PORT/.test(text)) continue
    readsPortEnv = true
    const fallback = /process\.env(?:\.PORT|\[['"]PORT['"]\])\s*(?:\|\||\?\?)\s*['"]?(\d{2,5})/.exec(
      text
    )?.[1]
    if (fallback && port === undefined) {
      port = Number(fallback)
      portFrom = `${path.relative(dir, file)} reads PORT (default ${fallback})`
    } else if (port === undefined) portFrom = `${path.relative(dir, file)} reads PORT`
    break
  }
  if (fromScript) {
    port = Number(fromScript)
    portFrom = 'PORT= in package.json scripts.start'
  } else if (fromEnvFile) {
    port = Number(fromEnvFile)
    portFrom = 'PORT= in .env'
  } else if (exposed !== undefined) {
    port = exposed
    portFrom = 'EXPOSE in the Dockerfile'
  }
  if (port === undefined && !readsPortEnv) {
    for (const { file, text } of sources) {
      const listen = /\.listen\(\s*(\d{2,5})\b/.exec(text)?.[1]
      if (listen) {
        port = Number(listen)
        portFrom = `.listen(${listen}) in ${path.relative(dir, file)}`
        break
      }
    }
  }

  let readyPath = '/'
  let readyFrom = 'no health route found: the root path'
  for (const { file, text } of sources) {
    const route = /['"`](\/(?:healthz|health|ready|readyz|ping|status))['"`]/.exec(text)?.[1]
    if (route) {
      readyPath = route
      readyFrom = `${route} in ${path.relative(dir, file)}`
      break
    }
  }

  const hasDeps = Object.keys(pkg?.dependencies ?? {}).length > 0
  const install = existsSync(path.join(dir, 'package-lock.json')) ? 'npm ci' : 'npm install'
  const steps = [...(hasDeps ? [install] : []), ...(scripts.build ? ['npm run build'] : [])]
  return {
    command,
    commandFrom,
    commandFound,
    port: port ?? 3000,
    portFrom,
    readsPortEnv,
    readyPath,
    readyFrom,
    build: steps.length ? steps.join(' && ') : undefined,
    buildFrom: steps.length ? 'package.json' : undefined,
    path: '/',
    defaultBranch: defaultBranch(dir)
  }
}

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
    commented(`  command: ${d.command}`, d.commandFrom),
    d.build
      ? commented(`  build: ${d.build}`, "builds the PR's base in a git worktree")
      : commented('  # build: npm ci && npm run build', "what builds the PR's base, if it needs building"),
    ...(free
      ? [commented('  env: { PORT: "{{service.port}}" }', `${d.portFrom}: a free port for each side`)]
      : d.readsPortEnv || d.portFrom.startsWith('PORT=')
        ? [commented(`  env: { PORT: ${q(String(d.port))} }`, d.portFrom)]
        : [`  # it listens on ${d.port}: ${d.portFrom}`]),
    commented(
      `  ready: { url: ${q(base + d.readyPath)}, timeout: 30s }`,
      `polled until 200-399 (${d.readyFrom})`
    ),
    'defaults:',
    commented('  warmup: 2s', 'load that runs before measuring (caches, JIT)'),
    commented('  duration: 10s', 'the measured window, per scenario and round'),
    commented('  connections: 10', 'requests in flight at once'),
    'scenarios:',
    '  - name: home',
    `    request: { method: GET, url: ${q(base + d.path)} }`,
    commented('    thresholds:', 'absolute limits: a broken one fails the job'),
    commented('      latency.p95: "< 500ms"', '95% of 2xx responses are faster'),
    commented('      errors.rate: "< 1%"', 'connect errors, timeouts, resets, 4xx, 5xx'),
    commented('    regression:', 'pull requests: head against base, same runner'),
    commented('      latency.p95: "+25%"', 'p95 may rise at most 25%'),
    commented('      throughput.rps: "-10%"', 'requests per second may fall at most 10%'),
    `# Metrics, suites (sweep, stress, soak), the open model, the baseline store: ${REFERENCE_URL}`,
    ''
  ]
  return lines.join('\n')
}

/** .github/workflows/perf.yml: pull requests compare base vs head; pushes to the default branch store a baseline. */
export function renderWorkflow(d: Detected, configFile = 'perfgate.yml'): string {
  const setup = [
    '      - uses: actions/setup-node@v6',
    '        with: { node-version: 24 }',
    ...(d.build ? [`      - run: ${d.build}`] : [])
  ]
  const withConfig = configFile === 'perfgate.yml' ? [] : ['        with:', `          config: ${configFile}`]
  const upload = [
    '      - uses: actions/upload-artifact@v4',
    '        if: always()',
    '        with: { name: perfgate-report, path: perfgate-report/ }'
  ]
  return [
    '# Written by `perfgate init`. Pull requests: base and head measured in interleaved rounds on one runner,',
    '# one sticky comment. Pushes to the default branch: a run stored in the perfgate-baselines branch, then the',
    '# stored history analysed for change points: a new step warns, and perfgate-report/history/index.html draws',
    '# every series (examples/workflows/perf-history.yml publishes that page).',
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
    '      - uses: actions/checkout@v5',
    '        with: { fetch-depth: 0 }  # perfgate builds the merge-base in a git worktree',
    ...setup,
    `      - uses: ${ACTION_REF}`,
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
    '      - uses: actions/checkout@v5',
    '        with: { fetch-depth: 0 }  # the first-parent line the stored history is ordered on',
    ...setup,
    `      - uses: ${ACTION_REF}`,
    '        with:',
    ...withConfig.slice(1),
    '          on-change-point: warn    # a new step in the stored history: warn | fail | issue (issues: write)',
    ...upload,
    ''
  ].join('\n')
}

async function ask(io: InitIO, d: Detected): Promise<Detected> {
  const rl = createInterface({ input: io.stdin!, terminal: false })
  // the line iterator buffers lines typed (or piped) ahead of their question
  const lines = rl[Symbol.asyncIterator]()
  try {
    const answer = async (question: string, current: string) => {
      io.stdout.write(`${question} [${current}]: `)
      const next = await lines.next()
      return (next.done ? '' : String(next.value)).trim() || current
    }
    const command = await answer('Command that starts the service', d.command)
    const port = Number(await answer('Port it listens on', String(d.port)))
    const requestPath = await answer('Path to measure', d.path)
    return {
      ...d,
      command,
      commandFrom: command === d.command ? d.commandFrom : 'your answer',
      commandFound: true,
      port: Number.isInteger(port) && port > 0 && port < 65536 ? port : d.port,
      portFrom: port === d.port ? d.portFrom : 'your answer',
      path: requestPath.startsWith('/') ? requestPath : `/${requestPath}`
    }
  } finally {
    rl.close()
  }
}

/** perfgate init --url: perfgate.yml for a running target, and the same workflow (it compares with stored runs). */
async function writeTarget(url: URL, configFile: string, detected: Detected, io: InitIO): Promise<number> {
  const workflowFile = path.join(path.dirname(configFile), '.github', 'workflows', 'perf.yml')
  await writeFile(configFile, renderTargetConfig(url))
  await mkdir(path.dirname(workflowFile), { recursive: true })
  await writeFile(workflowFile, renderWorkflow({ ...detected, build: undefined }))
  const shown = (f: string) => path.relative(io.cwd, f) || f
  io.stdout.write(
    `wrote ${shown(configFile)} (a running target at ${url.href}: no service section)\nwrote ${shown(workflowFile)}\n` +
      `\nNext:\n  npx ${PACKAGE_NAME} validate     check the config\n  npx ${PACKAGE_NAME} run          measure the target once and check the limits\n`
  )
  return 0
}

/** perfgate init: looks at the project and writes perfgate.yml and .github/workflows/perf.yml. */
export async function commandInit(args: string[], io: InitIO): Promise<number> {
  const { values } = parseArgs({ args, options: INIT_FLAGS })
  const dir = path.resolve(io.cwd, values.dir ?? '.')
  if (!existsSync(dir)) {
    io.stderr.write(`perfgate init: ${dir} does not exist\n`)
    return 2
  }
  let detected = detectProject(dir)
  if (values.command)
    detected = { ...detected, command: values.command, commandFrom: '--command', commandFound: true }
  if (values.port) {
    const port = Number(values.port)
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      io.stderr.write(`perfgate init: --port takes a port number from 1 to 65535, got "${values.port}"\n`)
      return 2
    }
    detected = { ...detected, port, portFrom: '--port' }
  }
  if (values.path)
    detected = { ...detected, path: values.path.startsWith('/') ? values.path : `/${values.path}` }
  const configFile = path.join(dir, 'perfgate.yml')
  const workflowFile = path.join(dir, '.github', 'workflows', 'perf.yml')
  const existing = [
    ...CONFIG_CANDIDATES.map(c => path.join(dir, c)).filter(f => existsSync(f)),
    ...(existsSync(workflowFile) ? [workflowFile] : [])
  ]
  if (existing.length && !values.force) {
    io.stderr.write(
      `perfgate init: ${existing.map(f => path.relative(io.cwd, f) || f).join(' and ')} already exist${existing.length === 1 ? 's' : ''}; nothing written. Pass --force to overwrite.\n`
    )
    return 2
  }
  if (values.url !== undefined) return writeTarget(targetUrl(values.url), configFile, detected, io)
  io.stdout.write(`perfgate init: looked at ${dir}\n`)
  const row = (what: string, value: string, from: string) =>
    io.stdout.write(`  ${what.padEnd(9)} ${value.padEnd(36)} ${from}\n`)
  row('command', detected.command, detected.commandFrom)
  const port = choosesPort(detected) ? '{{service.port}}' : String(detected.port)
  row(
    'port',
    port,
    choosesPort(detected) ? `${detected.portFrom}: perfgate gives it a free port` : detected.portFrom
  )
  row('ready', `http://127.0.0.1:${port}${detected.readyPath}`, detected.readyFrom)
  if (detected.build) row('build', detected.build, detected.buildFrom ?? '')
  if (io.stdin?.isTTY && !values.yes) detected = await ask(io, detected)
  await writeFile(configFile, renderConfig(detected))
  await mkdir(path.dirname(workflowFile), { recursive: true })
  await writeFile(workflowFile, renderWorkflow(detected))
  const shown = (f: string) => path.relative(io.cwd, f) || f
  io.stdout.write(`wrote ${shown(configFile)}\nwrote ${shown(workflowFile)}\n`)
  if (!detected.commandFound)
    io.stderr.write(
      `warning: no start command found; edit service.command in ${shown(configFile)} (or pass --command)\n`
    )
  io.stdout.write(
    `\nNext:\n  npx ${PACKAGE_NAME} validate     check the config\n  npx ${PACKAGE_NAME} run          measure once and check the limits (report in perfgate-report/)\n  commit both files and open a pull request: the workflow compares it with its base\n`
  )
  return 0
}
