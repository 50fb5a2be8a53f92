import { parseArgs } from 'node:util'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { PACKAGE_NAME } from '../identity.js'
import { CONFIG_CANDIDATES } from '../config/discover.js'
import { INIT_FLAGS } from './flags.js'
import { detectProject, type Detected } from './init-detect.js'
import { ask } from './init-prompt.js'
import {
  choosesPort,
  renderCommenter,
  renderConfig,
  renderWorkflow,
  type WorkflowOptions
} from './init-render.js'
import { renderTargetConfig, targetUrl } from './init-target.js'
import { reportWrites, writePlanned, type PlannedFile } from './init-write.js'
import type { Writer } from './io.js'

export interface InitIO {
  stdout: Writer
  stderr: Writer
  cwd: string
  /** asked from when it is a terminal; otherwise init takes what it found */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean }
}

/** The files init writes in `dir`: the config (the one that exists, if any), perf.yml and, for forks, perf-comment.yml. */
function plan(dir: string, config: string, options: WorkflowOptions, detected: Detected): PlannedFile[] {
  const existing = CONFIG_CANDIDATES.find(c => existsSync(path.join(dir, c)))
  const configFile = existing ?? CONFIG_CANDIDATES[0]
  const workflows = path.join(dir, '.github', 'workflows')
  return [
    { file: path.join(dir, configFile), text: config },
    { file: path.join(workflows, 'perf.yml'), text: renderWorkflow(detected, { ...options, configFile }) },
    ...(options.forks
      ? [{ file: path.join(workflows, 'perf-comment.yml'), text: renderCommenter(options.pin) }]
      : [])
  ]
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
  if (values.branch) detected = { ...detected, defaultBranch: values.branch, branchFrom: '--branch' }
  const target = values.url !== undefined ? targetUrl(values.url) : undefined
  const options: WorkflowOptions = { pin: values.pin, forks: values.forks, target: target !== undefined }
  const force = values.force ?? false
  const existing = plan(dir, '', options, detected).filter(f => existsSync(f.file))
  const shown = (f: string) => path.relative(io.cwd, f) || f
  if (existing.length === (options.forks ? 3 : 2) && !force) {
    io.stderr.write(
      `perfgate init: ${existing.map(f => shown(f.file)).join(' and ')} already exist; nothing written. Pass --force to replace them (each is kept as FILE.bak).\n`
    )
    return 2
  }
  if (target) {
    const outcome = await writePlanned(plan(dir, renderTargetConfig(target), options, detected), force)
    io.stdout.write(`a running target at ${target.href}: no service section\n`)
    reportWrites(outcome, io.cwd, io.stdout)
    io.stdout.write(
      `\nNext:\n  npx ${PACKAGE_NAME} validate     check the config\n  npx ${PACKAGE_NAME} run          measure the target once and check the limits\n`
    )
    return 0
  }
  io.stdout.write(`perfgate init: looked at ${dir}\n`)
  const port = choosesPort(detected) ? '{{service.port}}' : String(detected.port)
  const rows: Array<[string, string, string]> = [
    ['command', detected.command, detected.commandFrom],
    [
      'port',
      port,
      choosesPort(detected) ? `${detected.portFrom}: perfgate gives it a free port` : detected.portFrom
    ],
    ['ready', `http://127.0.0.1:${port}${detected.readyPath}`, detected.readyFrom],
    ...(detected.build
      ? [['build', detected.build, detected.buildFrom ?? ''] as [string, string, string]]
      : []),
    ['branch', detected.defaultBranch, detected.branchFrom]
  ]
  // the found values in one column, wide enough for the longest
  const width = Math.max(...rows.map(r => r[1].length)) + 2
  for (const [what, value, from] of rows)
    io.stdout.write(`  ${what.padEnd(9)} ${value.padEnd(width)}${from}\n`)
  if (io.stdin?.isTTY && !values.yes) detected = await ask(io, detected)
  const outcome = await writePlanned(plan(dir, renderConfig(detected), options, detected), force)
  reportWrites(outcome, io.cwd, io.stdout)
  const configWritten = outcome.written.some(f => CONFIG_CANDIDATES.some(c => f === path.join(dir, c)))
  if (!detected.commandFound && configWritten)
    io.stderr.write(
      `warning: no start command found; replace the placeholder service.command in ${shown(outcome.written[0]!)} (or pass --command): validate fails until then\n`
    )
  io.stdout.write(
    `\nNext:\n  npx ${PACKAGE_NAME} validate     check the config\n  npx ${PACKAGE_NAME} doctor       start the service once and try each scenario\n  npx ${PACKAGE_NAME} run          measure once and check the limits (report in perfgate-report/)\n  commit the files and open a pull request: the workflow compares it with its base\n`
  )
  return 0
}
