import { parseArgs } from 'node:util'
import { existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { PACKAGE_NAME } from '../identity.js'
import { CONFIG_CANDIDATES } from '../config/discover.js'
import { INIT_FLAGS } from './flags.js'
import { detectProject, type Detected } from './init-detect.js'
import { ask } from './init-prompt.js'
import { choosesPort, renderConfig, renderWorkflow } from './init-render.js'
import { renderTargetConfig, targetUrl } from './init-target.js'
import type { Writer } from './io.js'

export interface InitIO {
  stdout: Writer
  stderr: Writer
  cwd: string
  /** asked from when it is a terminal; otherwise init takes what it found */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean }
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
