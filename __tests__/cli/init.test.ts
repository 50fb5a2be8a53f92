import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { PassThrough } from 'node:stream'
import os from 'node:os'
import path from 'node:path'
import YAML from 'yaml'
import { main } from '../../src/cli/main.js'
import { detectProject } from '../../src/cli/init-detect.js'
import { renderConfig } from '../../src/cli/init-render.js'
import { loadConfig } from '../../src/config/load.js'
import { captureIO } from '../../__fixtures__/cli.js'
import { ACTION_REF, CONFIG_SCHEMA_URL } from '../../src/identity.js'
import { ACTION_PINS } from '../../src/cli/init-pins.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-init-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function project(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(path.join(dir, 'p-'))
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, name)), { recursive: true })
    await writeFile(path.join(root, name), text)
  }
  return root
}

const SERVER = `import http from 'node:http'
const port = Number(process.env.PORT || 8080)
http.createServer((req, res) => res.end(req.url === '/health' ? 'ok' : 'hello')).listen(port)
`

describe('perfgate init', () => {
  it('finds the start script, the PORT convention and a health route, and writes a config that validates', async () => {
    const root = await project({
      'package.json': JSON.stringify({ name: 'app', scripts: { start: 'node server.js' } }),
      'server.js': SERVER
    })
    const io = captureIO(root)
    expect(await main(['init'], io)).toBe(0)
    expect(io.out).toContain('node server.js')
    expect(io.out).toContain('package.json scripts.start')
    expect(io.out).toContain('server.js reads PORT (default 8080)')
    const config = await readFile(path.join(root, 'perfgate.yml'), 'utf8')
    expect(config.split('\n')[0]).toBe(`# yaml-language-server: $schema=${CONFIG_SCHEMA_URL}`)
    expect(config).toContain('command: node server.js')
    // the service reads PORT: perfgate gives each side a free port, so a comparison runs both at once in slices
    expect(config).toContain('env: { PORT: "{{service.port}}" }')
    expect(config).toContain('url: "http://127.0.0.1:{{service.port}}/health"')
    expect(io.out).toContain('server.js reads PORT (default 8080): perfgate gives it a free port')
    const loaded = await loadConfig(path.join(root, 'perfgate.yml'))
    expect(loaded.scenarios).toHaveLength(1)
    expect(loaded.service!.build).toBeUndefined()
    const validate = captureIO(root)
    expect(await main(['validate'], validate)).toBe(0)
    expect(validate.out).toContain('perfgate.yml is valid: 1 scenario, 4 checks')

    const workflow = YAML.parse(await readFile(path.join(root, '.github/workflows/perf.yml'), 'utf8'))
    expect(Object.keys(workflow.on)).toEqual(['pull_request', 'push'])
    expect(workflow.on.push.branches).toEqual(['main'])
    expect(workflow.jobs.compare.if).toContain('pull_request')
    expect(workflow.jobs.compare.permissions['pull-requests']).toBe('write')
    expect(workflow.jobs.compare.steps[0].with['fetch-depth']).toBe(0)
    expect(workflow.jobs.baseline.if).toContain('push')
    expect(workflow.jobs.baseline.permissions.contents).toBe('write')
    for (const job of ['compare', 'baseline'])
      expect(workflow.jobs[job].steps.map((s: { uses?: string }) => s.uses)).toContain(ACTION_REF)
  })

  it('writes only the missing file; --force replaces and keeps each old file as FILE.bak', async () => {
    const root = await project({ 'server.js': SERVER, 'perfgate.yml': 'mine\n' })
    const io = captureIO(root)
    expect(await main(['init'], io)).toBe(0)
    expect(io.out).toContain('kept perfgate.yml (it exists; --force replaces it)')
    expect(io.out).toContain('wrote .github/workflows/perf.yml')
    expect(await readFile(path.join(root, 'perfgate.yml'), 'utf8')).toBe('mine\n')
    expect(existsSync(path.join(root, '.github/workflows/perf.yml'))).toBe(true)
    // a config under another candidate name is the one the workflow names, and it is kept
    const other = await project({ 'server.js': SERVER, '.github/perfgate.yml': 'theirs\n' })
    expect(await main(['init'], captureIO(other))).toBe(0)
    expect(existsSync(path.join(other, 'perfgate.yml'))).toBe(false)
    const otherWorkflow = await readFile(path.join(other, '.github/workflows/perf.yml'), 'utf8')
    const perfgateStep = (YAML.parse(otherWorkflow).jobs.compare.steps as Array<{ uses: string }>).find(
      s => s.uses === ACTION_REF
    )
    expect(perfgateStep).toMatchObject({ with: { config: '.github/perfgate.yml' } })
    // both exist: nothing to write
    await writeFile(path.join(root, '.github/workflows/perf.yml'), 'my workflow\n')
    const both = captureIO(root)
    expect(await main(['init'], both)).toBe(2)
    expect(both.err).toContain(
      'perfgate.yml and .github/workflows/perf.yml already exist; nothing written. Pass --force to replace them'
    )
    const forced = captureIO(root)
    expect(await main(['init', '--force'], forced)).toBe(0)
    expect(forced.out).toContain('saved perfgate.yml.bak (what --force replaced)')
    expect(await readFile(path.join(root, 'perfgate.yml'), 'utf8')).toContain('version: 1')
    expect(await readFile(path.join(root, 'perfgate.yml.bak'), 'utf8')).toBe('mine\n')
    expect(await readFile(path.join(root, '.github/workflows/perf.yml.bak'), 'utf8')).toBe('my workflow\n')
  })

  it("the workflow follows perfgate's advice: the repository's branch, no persisted credentials, ok_rps", async () => {
    const root = await project({
      'package.json': JSON.stringify({ name: 'app', scripts: { start: 'node server.js' } }),
      'server.js': SERVER
    })
    execFileSync('git', ['init', '-q', '-b', 'trunk'], { cwd: root })
    const io = captureIO(root)
    expect(await main(['init'], io)).toBe(0)
    expect(io.out).toMatch(/branch +trunk +the branch checked out/)
    const text = await readFile(path.join(root, '.github/workflows/perf.yml'), 'utf8')
    const workflow = YAML.parse(text)
    expect(workflow.on.push.branches).toEqual(['trunk'])
    for (const job of ['compare', 'baseline']) {
      const checkout = workflow.jobs[job].steps[0]
      expect(checkout.uses).toBe('actions/checkout@v5')
      expect(checkout.with).toEqual({ 'fetch-depth': 0, 'persist-credentials': false })
    }
    // no fork commenter unless asked: the workflow says how to add it
    expect(text).toContain('run `perfgate init --forks` to add perf-comment.yml')
    expect(existsSync(path.join(root, '.github/workflows/perf-comment.yml'))).toBe(false)
    const config = await loadConfig(path.join(root, 'perfgate.yml'))
    expect(config.scenarios[0]!.regression.map(r => r.metric)).toEqual(['latency.p95', 'throughput.ok_rps'])

    // origin's default branch wins over the branch checked out; --branch over both
    execFileSync('git', ['symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/develop'], {
      cwd: root
    })
    expect(await main(['init', '--force'], captureIO(root))).toBe(0)
    const fromOrigin = YAML.parse(await readFile(path.join(root, '.github/workflows/perf.yml'), 'utf8'))
    expect(fromOrigin.on.push.branches).toEqual(['develop'])
    expect(await main(['init', '--force', '--branch', 'release'], captureIO(root))).toBe(0)
    const named = YAML.parse(await readFile(path.join(root, '.github/workflows/perf.yml'), 'utf8'))
    expect(named.on.push.branches).toEqual(['release'])
  })

  it('--forks adds the workflow_run commenter; --pin pins every action by commit SHA', async () => {
    const root = await project({ 'server.js': SERVER })
    expect(await main(['init', '--forks', '--pin'], captureIO(root))).toBe(0)
    const comment = YAML.parse(await readFile(path.join(root, '.github/workflows/perf-comment.yml'), 'utf8'))
    expect(comment.on.workflow_run).toEqual({ workflows: ['perf'], types: ['completed'] })
    expect(comment.permissions).toEqual({ actions: 'read', 'pull-requests': 'write' })
    expect(comment.jobs.comment.if).toContain('head_repository.full_name != github.repository')
    // it never checks out the pull request's code
    const steps = comment.jobs.comment.steps as Array<{ uses: string; with: Record<string, string> }>
    expect(steps.some(s => s.uses.startsWith('actions/checkout'))).toBe(false)
    expect(steps[1]!.with.mode).toBe('report')
    for (const name of ['perf.yml', 'perf-comment.yml']) {
      const text = await readFile(path.join(root, '.github/workflows', name), 'utf8')
      const refs = [...text.matchAll(/uses: (actions\/[\w-]+)@(\S+)(.*)/g)]
      expect(refs.length).toBeGreaterThan(0)
      for (const [, action, ref, comment] of refs) {
        const pin = ACTION_PINS[action as keyof typeof ACTION_PINS]
        expect(ref).toBe(pin.sha)
        expect(comment!.trim()).toBe(`# ${pin.tag}`)
      }
      expect(text).toContain(`uses: ${ACTION_REF}  # pin to the commit of the release you reviewed`)
    }
    // a second init writes only what is missing: with --forks and all three there, nothing
    expect(await main(['init', '--forks'], captureIO(root))).toBe(2)
  })

  it("takes a Dockerfile's EXPOSE, a build script and the lock file's installer", async () => {
    const root = await project({
      'package.json': JSON.stringify({
        scripts: { start: 'node dist/main.js', build: 'tsc' },
        dependencies: { express: '^5.0.0' }
      }),
      'package-lock.json': '{}',
      Dockerfile: 'FROM node:24\nEXPOSE 4000\nCMD ["npm", "start"]\n',
      'src/main.ts': "app.get('/healthz', ok)\napp.listen(process.env.PORT)\n"
    })
    const found = detectProject(root)
    expect(found).toMatchObject({
      command: 'node dist/main.js',
      port: 4000,
      portFrom: 'EXPOSE in the Dockerfile',
      readsPortEnv: true,
      readyPath: '/healthz',
      build: 'npm ci && npm run build'
    })
    expect(await main(['init'], captureIO(root))).toBe(0)
    expect(await readFile(path.join(root, 'perfgate.yml'), 'utf8')).toContain(
      '  build: npm ci && npm run build'
    )
    const workflow = YAML.parse(await readFile(path.join(root, '.github/workflows/perf.yml'), 'utf8'))
    expect(workflow.jobs.compare.steps.map((s: { run?: string }) => s.run)).toContain(
      'npm ci && npm run build'
    )
    await loadConfig(path.join(root, 'perfgate.yml'))
  })

  it('a start script that is more than `node X` runs through npm start; a hard-coded listen port is found', async () => {
    const found = detectProject(
      await project({
        'package.json': JSON.stringify({ scripts: { start: 'NODE_ENV=production node app.js' } }),
        'app.js': 'server.listen(5050)\n'
      })
    )
    expect(found).toMatchObject({ command: 'npm start', port: 5050, readsPortEnv: false })
    expect(found.portFrom).toBe('.listen(5050) in app.js')
    expect(renderConfig(found)).toContain('url: "http://127.0.0.1:5050/')
    // a port the start script sets itself cannot be overridden by perfgate's PORT: it stays fixed
    const scripted = {
      ...found,
      readsPortEnv: true,
      port: 7070,
      portFrom: 'PORT= in package.json scripts.start'
    }
    expect(renderConfig(scripted)).toContain('env: { PORT: "7070" }')
    expect(renderConfig(scripted)).not.toContain('{{service.port}}')
  })

  it('with nothing to find it writes a placeholder command, which validate refuses until it is replaced', async () => {
    const root = await project({ 'README.md': '# empty\n' })
    const io = captureIO(root)
    expect(await main(['init'], io)).toBe(0)
    expect(io.err).toContain('no start command found')
    const text = await readFile(path.join(root, 'perfgate.yml'), 'utf8')
    const line = text.split('\n').findIndex(l => l.includes('command: "<the command that starts'))
    expect(line).toBeGreaterThan(0)
    const validate = captureIO(root)
    expect(await main(['validate'], validate)).toBe(2)
    expect(validate.err).toContain(
      `perfgate.yml:${line + 1}:12: service.command is still the placeholder command \`perfgate init\` wrote`
    )
    await writeFile(
      path.join(root, 'perfgate.yml'),
      text.replace(/command: "[^"]*"/, 'command: node server.js')
    )
    expect(await main(['validate'], captureIO(root))).toBe(0)
  })

  it('asks when stdin is a terminal, and not with --yes', async () => {
    const root = await project({ 'server.js': SERVER })
    const stdin = Object.assign(new PassThrough(), { isTTY: true })
    const io = { ...captureIO(root), stdin }
    const done = main(['init'], io)
    stdin.write('node server.js --fast\n9090\napi/items\n')
    expect(await done).toBe(0)
    const config = await readFile(path.join(root, 'perfgate.yml'), 'utf8')
    expect(config).toContain('command: node server.js --fast')
    expect(config).toContain('url: "http://127.0.0.1:9090/api/items"')
    const quiet = await project({ 'server.js': SERVER })
    const again = { ...captureIO(quiet), stdin: Object.assign(new PassThrough(), { isTTY: true }) }
    expect(await main(['init', '--yes'], again)).toBe(0)
  })

  it('--url writes a running target: no service section, the URL probed and measured; a bad URL is refused', async () => {
    const root = await project({ 'README.md': '# a client of staging\n' })
    const io = captureIO(root)
    expect(await main(['init', '--url', 'https://staging.example.com/api'], io)).toBe(0)
    expect(io.out).toContain('a running target at https://staging.example.com/api')
    const config = await loadConfig(path.join(root, 'perfgate.yml'))
    expect(config.service).toBeUndefined()
    expect(config.ready).toMatchObject({ kind: 'http', url: 'https://staging.example.com/api' })
    expect(config.scenarios[0]!.request.url).toBe('https://staging.example.com/api')
    expect(config.compare.mode).toBe('stored')
    const workflow = await readFile(path.join(root, '.github/workflows/perf.yml'), 'utf8')
    // a target is not built: no merge-base, no git worktree
    expect(workflow).not.toContain('worktree')
    expect(workflow).toContain('Written by `perfgate init --url`')
    const bad = captureIO(await project({ 'README.md': '#\n' }))
    expect(await main(['init', '--url', 'ftp://x'], bad)).toBe(2)
    expect(bad.err).toContain('--url takes the http:// or https:// URL of the running target')
  })
})

describe('config discovery', () => {
  it.each(['perfgate.yml', 'perfgate.yaml', '.github/perfgate.yml'])('finds %s', async name => {
    const root = await project({ [name]: await readFile('thresholds/example.yml', 'utf8') })
    const io = captureIO(root)
    expect(await main(['validate'], io)).toBe(0)
    expect(io.out).toContain(`${name} is valid`)
  })

  it('validate --json prints the verdict and every problem as data', async () => {
    const root = await project({ 'perfgate.yml': 'version: 2\n' })
    const bad = captureIO(root)
    expect(await main(['validate', '--json'], bad)).toBe(2)
    const answer = JSON.parse(bad.out)
    expect(answer).toMatchObject({ file: 'perfgate.yml', valid: false })
    expect(answer.problems).toContainEqual(
      expect.objectContaining({ line: 1, col: 10, path: '/version', message: '"version" must be 1; got 2' })
    )
    const good = captureIO(root)
    expect(await main(['validate', path.resolve('thresholds/example.yml'), '--json'], good)).toBe(0)
    expect(JSON.parse(good.out)).toMatchObject({ valid: true, scenarios: 3 })
  })

  it('says where it looked and what to run when there is none', async () => {
    const root = await project({})
    const io = captureIO(root)
    expect(await main(['run'], io)).toBe(2)
    expect(io.err).toContain(
      'no config found in ' +
        root +
        ': perfgate looks for perfgate.yml, perfgate.yaml, .github/perfgate.yml. Run `perfgate init`'
    )
  })
})

describe('perfgate init for gRPC and HTTP/2 services', () => {
  const GRPC_SERVER = `import * as grpc from '@grpc/grpc-js'
const server = new grpc.Server()
server.bindAsync('0.0.0.0:50051', grpc.ServerCredentials.createInsecure(), () => undefined)
`
  it('a .proto in the project: a gRPC scenario calling its first method, probed by TCP, that validates', async () => {
    const catalog = await readFile(path.join('__tests__', 'zoo', 'servers', 'grpc', 'catalog.proto'), 'utf8')
    const item = await readFile(
      path.join('__tests__', 'zoo', 'servers', 'grpc', 'common', 'item.proto'),
      'utf8'
    )
    const root = await project({
      'package.json': JSON.stringify({
        name: 'svc',
        scripts: { start: 'node server.js' },
        dependencies: { '@grpc/grpc-js': '^1.14.0' }
      }),
      'server.js': GRPC_SERVER,
      'proto/catalog.proto': catalog,
      'proto/item.proto': item
    })
    const detected = detectProject(root)
    expect(detected.protocol).toMatchObject({
      kind: 'grpc',
      proto: 'proto/catalog.proto',
      service: 'zoo.Catalog',
      method: 'Get'
    })
    expect(detected.port).toBe(50051)
    const io = captureIO(root)
    expect(await main(['init', '--yes'], io)).toBe(0)
    const config = await readFile(path.join(root, 'perfgate.yml'), 'utf8')
    expect(config).toContain('ready: { tcp: "127.0.0.1:50051"')
    const loaded = await loadConfig(path.join(root, 'perfgate.yml'))
    expect(loaded.scenarios[0]!.request.grpc).toMatchObject({ service: 'zoo.Catalog', method: 'Get' })
  })

  it('@grpc/grpc-js without a proto: a gRPC scenario to edit; node:http2 servers: h2 or h2c', async () => {
    const grpcOnly = await project({
      'package.json': JSON.stringify({ name: 'svc', dependencies: { '@grpc/grpc-js': '^1.14.0' } }),
      'server.js': GRPC_SERVER
    })
    expect(detectProject(grpcOnly).protocol).toMatchObject({ kind: 'grpc', service: 'pkg.Service' })
    expect(renderConfig(detectProject(grpcOnly))).toContain('proto: path/to/service.proto')
    const h2c = await project({
      'server.js': "import http2 from 'node:http2'\nhttp2.createServer((q, s) => s.end('ok')).listen(8080)\n"
    })
    expect(detectProject(h2c).protocol?.kind).toBe('h2c')
    expect(renderConfig(detectProject(h2c))).toContain('url: "http://127.0.0.1:8080/", protocol: h2c')
    const h2 = await project({
      'server.js':
        "import http2 from 'node:http2'\nhttp2.createSecureServer({ key, cert }, (q, s) => s.end('ok')).listen(8443)\n"
    })
    expect(renderConfig(detectProject(h2))).toContain(
      'url: "https://127.0.0.1:8443/", protocol: h2, insecure: true'
    )
  })
})
