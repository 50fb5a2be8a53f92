/**
 * The first hour, as a user lives it: a fresh project (git init, a package.json, a server file), perfgate installed
 * from the `npm pack` tarball, then the README's first-screen commands. Offline: the tarball has no dependencies
 * (dist/ is bundled), so `npm install --offline` needs nothing from the registry.
 *
 * It runs what dist/ holds: `npm run package` first when src/ changed (CI fails on a stale dist/ anyway).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import YAML from 'yaml'
import { REPO } from '../../__fixtures__/config.js'
import { loadConfig, parseConfig } from '../../src/config/load.js'
import { ACTION_REF } from '../../src/identity.js'
import { fencedBlocks } from '../../__fixtures__/markdown.js'

const exec = promisify(execFile)

let dir: string
let project: string
let tarball: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-first-hour-'))
  const packed = await exec('npm', ['pack', REPO, '--silent', '--pack-destination', dir], { cwd: dir })
  tarball = path.join(dir, packed.stdout.trim().split('\n').pop()!)
}, 120_000)
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const SERVER = `const http = require('node:http')
const port = Number(process.env.PORT || 3000)
http
  .createServer((req, res) => {
    if (req.url === '/health') return res.end('ok')
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ hello: 'world' }))
  })
  .listen(port, '127.0.0.1', () => console.log('listening on ' + port))
`

/** init writes a 2 s warm-up and a 10 s window; the test's run needs neither. */
async function shortenWindow(file: string): Promise<void> {
  const text = await readFile(file, 'utf8')
  expect(text).toMatch(/^ {2}warmup: 2s .*\n {2}duration: 10s /m)
  await writeFile(
    file,
    text.replace(/^ {2}warmup: 2s/m, '  warmup: 200ms').replace(/^ {2}duration: 10s/m, '  duration: 1s')
  )
}

/** The commands of the README's first bash block: npx perfgate init, validate, run (with their comments). */
function firstScreenCommands(): Array<{ args: string[]; comment: string }> {
  const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8')
  const block = fencedBlocks(readme).find(b => b.lang === 'bash')!
  return block.body
    .trim()
    .split('\n')
    .map(line => {
      const [command, comment = ''] = line.split(/\s+#\s+/)
      return { args: command!.trim().split(/\s+/), comment }
    })
}

describe('the first hour, from npm pack to a green run', () => {
  it('the tarball holds the CLI, the schemas and the LICENSE, and nothing to install', async () => {
    const { stdout } = await exec('tar', ['tzf', tarball])
    const files = stdout.trim().split('\n')
    for (const file of [
      'package/dist/cli/index.js',
      'package/schema/perfgate.schema.json',
      'package/LICENSE',
      'package/README.md'
    ])
      expect(files).toContain(file)
    expect(files.filter(f => f.startsWith('package/src/') || f.startsWith('package/__tests__/'))).toEqual([])
    const pkg = JSON.parse((await exec('tar', ['xzfO', tarball, 'package/package.json'])).stdout)
    expect(pkg.dependencies ?? {}).toEqual({})
  })

  it("runs the README's first-screen commands in a project made the way a user makes one", async () => {
    project = path.join(dir, 'my-service')
    await mkdir(project)
    await exec('git', ['init', '-q', '-b', 'main'], { cwd: project })
    await writeFile(
      path.join(project, 'package.json'),
      JSON.stringify({ name: 'my-service', version: '1.0.0', scripts: { start: 'node server.js' } }, null, 2)
    )
    await writeFile(path.join(project, 'server.js'), SERVER)
    await exec('npm', ['install', '--offline', '--no-audit', '--no-fund', '--save-dev', tarball], {
      cwd: project
    })
    expect(existsSync(path.join(project, 'node_modules/.bin/perfgate'))).toBe(true)

    const commands = firstScreenCommands()
    expect(commands.map(c => c.args.join(' '))).toEqual([
      'npx perfgate init',
      'npx perfgate validate',
      'npx perfgate run'
    ])
    const outputs: string[] = []
    for (const { args } of commands) {
      const [npx, ...rest] = args
      const result = await exec(npx!, ['--offline', ...rest], {
        cwd: project,
        env: { ...process.env, NO_COLOR: '1' },
        timeout: 90_000
      })
      outputs.push(result.stdout)
      // the facts here are the commands and what they write, not the numbers: a short window for run
      if (rest[1] === 'init') await shortenWindow(path.join(project, 'perfgate.yml'))
    }
    const [init, validate, run] = outputs
    expect(init).toContain('wrote perfgate.yml')
    expect(init).toContain('wrote .github/workflows/perf.yml')
    // the README's comment on validate is what it prints
    expect(validate!.trim()).toBe(commands[1]!.comment)
    expect(run).toContain('PASS')
    for (const file of ['report.json', 'report.html', 'summary.md', 'junit.xml', 'metrics.prom'])
      expect(existsSync(path.join(project, 'perfgate-report', file))).toBe(true)
    const report = JSON.parse(await readFile(path.join(project, 'perfgate-report/report.json'), 'utf8'))
    expect(report.verdict).toBe('pass')

    // the README's perfgate.yml is the heart of what init wrote
    const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8')
    const shown = parseConfig(
      fencedBlocks(readme).find(b => b.lang === 'yaml' && b.body.startsWith('# yaml-language-server'))!.body,
      'perfgate.yml',
      project
    )
    const written = await loadConfig(path.join(project, 'perfgate.yml'))
    expect(written.service!.command).toBe(shown.service!.command)
    expect(written.service!.env).toEqual(shown.service!.env)
    expect(written.service!.ready).toEqual(shown.service!.ready)
    const checks = (c: typeof shown) =>
      c.scenarios.flatMap(s => [...s.thresholds, ...s.regression].map(k => `${k.metric} ${k.expression}`))
    expect(checks(written)).toEqual(checks(shown))
    const firstLine = (await readFile(path.join(project, 'perfgate.yml'), 'utf8')).split('\n')[0]
    expect(readme).toContain(firstLine)

    // the README's workflow is a shortening of what init wrote
    const workflow = YAML.parse(await readFile(path.join(project, '.github/workflows/perf.yml'), 'utf8'))
    expect(Object.keys(workflow.jobs)).toEqual(['compare', 'baseline'])
    expect(readme).toContain(`uses: ${ACTION_REF}`)
  }, 180_000)
})
