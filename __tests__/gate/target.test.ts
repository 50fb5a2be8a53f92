import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { main } from '../../src/cli/main.js'
import { captureIO } from '../../__fixtures__/cli.js'
import { startTestServer, type TestServer } from '../../__fixtures__/servers.js'
import type { Report } from '../../src/model/report.js'

let dir: string
let server: TestServer
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-target-'))
  server = await startTestServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' })
    res.end('ok')
  })
})
afterAll(async () => {
  await server.close()
  await rm(dir, { recursive: true, force: true })
})

const targetYaml = (limit: string) => `version: 1
ready: { url: "${server.url}/health", timeout: 5s }
scenarios:
  - name: home
    request: { url: "${server.url}/" }
    load: { connections: 2, warmup: 0s, duration: 1s }
    min-requests: 5
    thresholds:
      latency.p99: "${limit}"
`

describe('perfgate run against a running target (no service section)', () => {
  it('measures the target the test started and gives a pass, then a fail verdict, with no server.* metrics', async () => {
    await writeFile(path.join(dir, 'perfgate.yml'), targetYaml('< 2s'))
    const before = server.seen()
    const pass = captureIO(dir)
    expect(await main(['run', '--out', 'pass', '-q'], pass)).toBe(0)
    const report = JSON.parse(await readFile(path.join(dir, 'pass/report.json'), 'utf8')) as Report
    expect(report.verdict).toBe('pass')
    expect(server.seen() - before).toBeGreaterThan(5)
    const metrics = report.scenarios[0]!.metrics
    expect(metrics['requests.total']).toBeGreaterThan(5)
    expect(Object.keys(metrics).filter(k => k.startsWith('server.'))).toEqual([])
    expect(report.config.used?.service).toBeUndefined()
    expect(report.config.used?.target?.ready).toContain('/health')
    expect(report.notes.join(' ')).toContain('running target')

    await writeFile(path.join(dir, 'perfgate.yml'), targetYaml('< 1us'))
    const fail = captureIO(dir)
    expect(await main(['run', '--out', 'fail', '-q'], fail)).toBe(1)
    expect(JSON.parse(await readFile(path.join(dir, 'fail/report.json'), 'utf8')).verdict).toBe('fail')
  }, 30_000)

  it('a target that is not ready errors the run and names its probe', async () => {
    await writeFile(
      path.join(dir, 'perfgate.yml'),
      targetYaml('< 2s').replace(
        `${server.url}/health", timeout: 5s`,
        'http://127.0.0.1:9/health", timeout: 300ms'
      )
    )
    const io = captureIO(dir)
    expect(await main(['run', '--out', 'down', '-q'], io)).toBe(2)
    const report = JSON.parse(await readFile(path.join(dir, 'down/report.json'), 'utf8')) as Report
    expect(report.verdict).toBe('errored')
    expect(report.scenarios[0]!.error?.message).toContain('GET http://127.0.0.1:9/health')
  }, 30_000)

  it('perfgate compare refuses a running target before it starts anything', async () => {
    await writeFile(path.join(dir, 'perfgate.yml'), targetYaml('< 2s'))
    const before = server.seen()
    const io = captureIO(dir)
    expect(await main(['compare', '--base-ref', 'HEAD', '-q'], io)).toBe(2)
    expect(io.err).toContain(
      'has no service section: it measures a running target, which has no base-vs-head compare'
    )
    expect(server.seen()).toBe(before)
  })
})
