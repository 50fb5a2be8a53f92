import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { main } from '../../src/cli/main.js'
import { captureIO } from '../../__fixtures__/cli.js'
import { report } from '../../__fixtures__/report.js'
import { freePort } from '../../__fixtures__/config.js'
import { liveProcessGroups, stopAllServices } from '../../src/service/spawn.js'
import type { Report } from '../../src/model/report.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-cli-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const io = () => captureIO(dir)

describe('the CLI', () => {
  it('validate: exit 0 for a valid file, 2 with file:line:col for a bad one', async () => {
    const ok = io()
    expect(await main(['validate', path.resolve('thresholds/example.yml')], ok)).toBe(0)
    expect(ok.out).toContain('is valid: 3 scenarios')
    await writeFile(path.join(dir, 'bad.yml'), 'version: 2\n')
    const bad = io()
    expect(await main(['validate', 'bad.yml'], bad)).toBe(2)
    expect(bad.err).toMatch(/bad\.yml:1:10: "version" must be 1; got 2/)
  })

  it('report: renders HTML from report.json and refuses a file that is not one', async () => {
    await writeFile(path.join(dir, 'report.json'), JSON.stringify(report()))
    const ok = io()
    expect(await main(['report', 'report.json', '--html', 'out.html'], ok)).toBe(0)
    expect(await readFile(path.join(dir, 'out.html'), 'utf8')).toContain('<!doctype html>')
    await writeFile(path.join(dir, 'broken.json'), '{"verdict": ')
    const broken = io()
    expect(await main(['report', 'broken.json', '--html', 'x.html'], broken)).toBe(2)
    expect(broken.err).toContain('cannot read broken.json as a report')
    await writeFile(path.join(dir, 'other.json'), '{"verdict": "pass"}')
    const other = io()
    expect(await main(['report', 'other.json', '--html', 'x.html'], other)).toBe(2)
    expect(other.err).toContain('other.json is not a perfgate report.json')
  })

  it('usage errors exit 2 and say what was wrong', async () => {
    const unknown = io()
    expect(await main(['fly'], unknown)).toBe(2)
    expect(unknown.err).toContain('unknown command "fly"')
    const noBase = io()
    expect(await main(['compare', '--config', path.resolve('thresholds/example.yml')], noBase)).toBe(2)
    expect(noBase.err).toContain('needs --base DIR')
    const scenario = io()
    expect(
      await main(['run', '--config', path.resolve('thresholds/example.yml'), '--scenario', 'nope'], scenario)
    ).toBe(2)
    expect(scenario.err).toContain('no scenario named "nope"')
    const profile = io()
    expect(
      await main(
        [
          'compare',
          '--config',
          path.resolve('thresholds/example.yml'),
          '--base',
          '.',
          '--profile',
          'sometimes'
        ],
        profile
      )
    ).toBe(2)
    expect(profile.err).toContain('--profile takes on-regression, always, never, got "sometimes"')
  })
})

/** A tiny HTTP service; each start appends to starts.log in its working directory. */
const tinyService = (delayMs: number) => `import http from 'node:http'
import { appendFileSync } from 'node:fs'
appendFileSync('starts.log', process.pid + '\\n')
const server = http.createServer((req, res) => {
  const reply = () => res.end('ok')
  if (req.url === '/health' || ${delayMs} === 0) reply()
  else setTimeout(reply, ${delayMs})
})
server.listen(Number(process.env.PORT), '127.0.0.1')
process.on('SIGTERM', () => {
  server.close()
  server.closeAllConnections()
  process.exit(0)
})
`

describe('perfgate compare --base DIR --head DIR', () => {
  const starts = async (d: string) => (await readFile(path.join(d, 'starts.log'), 'utf8')).trim().split('\n')

  afterEach(async () => {
    await stopAllServices()
  })

  it('runs each side from its own directory and shows them as distinct sides', async () => {
    const root = await mkdtemp(path.join(dir, 'compare-'))
    const [configDir, baseDir, headDir] = ['config', 'base', 'head'].map(d => path.join(root, d))
    for (const d of [configDir, baseDir, headDir]) await mkdir(d)
    await writeFile(path.join(baseDir, 'server.mjs'), tinyService(0))
    await writeFile(path.join(headDir, 'server.mjs'), tinyService(40)) // the head waits 40 ms per request
    const port = await freePort()
    await writeFile(
      path.join(configDir, 'perfgate.yml'),
      [
        'version: 1',
        'service:',
        '  command: node server.mjs',
        `  env: { PORT: '${port}' }`,
        `  ready: { url: http://127.0.0.1:${port}/health, timeout: 10s }`,
        'defaults: { warmup: 100ms, duration: 600ms, connections: 2, min-requests: 10 }',
        'scenarios:',
        '  - name: get',
        `    request: { method: GET, url: http://127.0.0.1:${port}/ }`,
        "    regression: { latency.p50: '+20%' }",
        'compare: { mode: interleaved, rounds: { min: 2, max: 2 }, budget: 60s }',
        '# the profiling step would start each side once more: this test counts the starts of the measured rounds',
        'profile: never',
        ''
      ].join('\n')
    )
    const run = io()
    const args = [
      'compare',
      '--config',
      path.join(configDir, 'perfgate.yml'),
      '--out',
      path.join(root, 'out')
    ]
    const code = await main([...args, '--base', baseDir, '--head', headDir], run)
    expect(run.err).toBe('')
    expect([0, 1]).toContain(code)
    const report = JSON.parse(await readFile(path.join(root, 'out', 'report.json'), 'utf8')) as Report
    const [scenario] = report.scenarios
    expect(scenario!.verdict).not.toBe('errored')
    // the head's 40 ms wait shows on the head side only
    expect(scenario!.metrics['latency.p50']).toBeGreaterThanOrEqual(40_000)
    expect(scenario!.baseMetrics!['latency.p50']).toBeLessThan(20_000)
    expect(scenario!.checks[0]!.change).toBeGreaterThan(1)
    const rounds = (side: string) => scenario!.runs.filter(r => r.side === side).length
    expect(await starts(baseDir)).toHaveLength(rounds('base'))
    expect(await starts(headDir)).toHaveLength(rounds('head'))
    expect(existsSync(path.join(configDir, 'starts.log'))).toBe(false)

    const noHead = io()
    expect(await main([...args, '--base', baseDir, '--head', path.join(root, 'nope')], noHead)).toBe(2)
    expect(noHead.err).toContain(`the head directory ${path.join(root, 'nope')} does not exist`)
    const noBase = io()
    expect(await main([...args, '--base', path.join(root, 'gone'), '--head', headDir], noBase)).toBe(2)
    expect(noBase.err).toContain(`the base directory ${path.join(root, 'gone')} does not exist`)
    expect(liveProcessGroups()).toEqual([])
  }, 60_000)
})

describe('perfgate run --json and --quiet', () => {
  afterEach(async () => {
    await stopAllServices()
  })

  it('--json prints report.json on stdout and the human output on stderr; --quiet prints one line', async () => {
    const root = await mkdtemp(path.join(dir, 'json-'))
    await writeFile(path.join(root, 'server.mjs'), tinyService(0))
    const port = await freePort()
    await writeFile(
      path.join(root, 'perfgate.yaml'), // found without --config
      [
        'version: 1',
        'service:',
        '  command: node server.mjs',
        `  env: { PORT: '${port}' }`,
        `  ready: { url: http://127.0.0.1:${port}/health, timeout: 10s }`,
        'defaults: { warmup: 100ms, duration: 400ms, connections: 2, min-requests: 10 }',
        'scenarios:',
        '  - name: get',
        `    request: { url: http://127.0.0.1:${port}/ }`,
        "    thresholds: { errors.rate: '< 1%' }",
        ''
      ].join('\n')
    )
    const json = captureIO(root)
    expect(await main(['run', '--json'], json)).toBe(0)
    const printed = JSON.parse(json.out) as Report
    expect(printed).toEqual(
      JSON.parse(await readFile(path.join(root, 'perfgate-report/report.json'), 'utf8'))
    )
    expect(printed.verdict).toBe('pass')
    expect(json.err).toContain('get  PASS')
    expect(json.err).toContain('perfgate-report/junit.xml')
    expect(existsSync(path.join(root, 'perfgate-report/junit.xml'))).toBe(true)

    const quiet = captureIO(root)
    expect(await main(['run', '-q'], quiet)).toBe(0)
    expect(quiet.out).toMatch(/^pass: perfgate passed: 1 scenario, 1 check\n$/)
    expect(quiet.err).toBe('')

    const both = captureIO(root)
    expect(await main(['run', '--json', '--quiet'], both)).toBe(0)
    expect((JSON.parse(both.out) as Report).verdict).toBe('pass')
    expect(both.err).toBe('')
  }, 60_000)
})
