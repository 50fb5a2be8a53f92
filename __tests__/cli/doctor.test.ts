import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { main } from '../../src/cli/main.js'
import { captureIO } from '../../__fixtures__/cli.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-doctor-'))
  await writeFile(
    path.join(dir, 'server.js'),
    `require('node:http').createServer((req, res) => {
  res.statusCode = req.url === '/health' || req.url === '/' ? 200 : 404
  res.end('ok')
}).listen(Number(process.env.PORT), '127.0.0.1')
`
  )
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** A config for server.js, with the given scenario paths and service overrides. */
async function config(name: string, paths: string[], service: string[] = []): Promise<string> {
  const text = [
    'version: 1',
    'service:',
    ...(service.length ? service : ['  command: node server.js']),
    '  env: { PORT: "{{service.port}}" }',
    '  ready: { url: "http://127.0.0.1:{{service.port}}/health", timeout: 2s }',
    'scenarios:',
    ...paths.flatMap((p, i) => [
      `  - name: s${i + 1}`,
      `    request: { url: "http://127.0.0.1:{{service.port}}${p}" }`
    ]),
    ''
  ].join('\n')
  await writeFile(path.join(dir, name), text)
  return name
}

describe('perfgate doctor', () => {
  it('starts the service once, checks the ready probe and one request per scenario, and stops it', async () => {
    const io = captureIO(dir)
    expect(await main(['doctor', await config('good.yml', ['/', '/health'])], io)).toBe(0)
    expect(io.out).toMatch(/ok {4}start {12}node server\.js \(pid \d+\)/)
    expect(io.out).toMatch(/ok {4}ready {12}GET http:\/\/127\.0\.0\.1:\d+\/health answered after \d+ ms/)
    expect(io.out).toMatch(/ok {4}scenario s1 {6}GET http:\/\/127\.0\.0\.1:\d+\/ answered 200/)
    expect(io.out).toMatch(/ok {4}scenario s2 {6}GET http:\/\/127\.0\.0\.1:\d+\/health answered 200/)
    expect(io.out).toContain('ok    stop             stopped, its port free again')
    expect(io.out).toContain('healthy: 5 checks passed')
  })

  it('says which scenario is wrong and why; validate --deep does the same', async () => {
    const file = await config('missing.yml', ['/', '/nope'])
    const io = captureIO(dir)
    expect(await main(['doctor', file], io)).toBe(2)
    expect(io.out).toMatch(
      /FAIL {2}scenario s2 {6}GET http:\/\/127\.0\.0\.1:\d+\/nope answered 404: a status of 400 or more counts as a failed request/
    )
    expect(io.out).toContain('1 problem found')
    const deep = captureIO(dir)
    expect(await main(['validate', file, '--deep', '--json'], deep)).toBe(2)
    const answer = JSON.parse(deep.out)
    expect(answer).toMatchObject({ file: 'missing.yml', valid: true, scenarios: 2, healthy: false })
    expect(answer.steps.map((s: { step: string; ok: boolean }) => `${s.step} ${s.ok}`)).toEqual([
      'start true',
      'ready true',
      'scenario s1 true',
      'scenario s2 false',
      'stop true'
    ])
  })

  it('a service that exits at once fails the start step, with its output', async () => {
    const file = await config(
      'exits.yml',
      ['/'],
      [`  command: node -e "console.error('no database'); process.exit(3)"`]
    )
    const io = captureIO(dir)
    expect(await main(['doctor', file], io)).toBe(2)
    expect(io.out).toMatch(/FAIL {2}start {12}.*exited/)
    expect(io.out).toContain('| no database')
    expect(io.out).not.toContain('scenario s1')
  })

  it('a ready probe that never answers fails the ready step', async () => {
    const file = await config('never.yml', ['/'], ['  command: node -e "setInterval(() => {}, 1000)"'])
    const io = captureIO(dir)
    expect(await main(['doctor', file], io)).toBe(2)
    expect(io.out).toContain('ok    start            the command started and kept running')
    expect(io.out).toMatch(/FAIL {2}ready {12}/)
  }, 20_000)
})
