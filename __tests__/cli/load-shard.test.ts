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
let measured = 0
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-load-shard-'))
  server = await startTestServer((req, res) => {
    if (req.url === '/work') measured++
    res.writeHead(200, { 'content-type': 'text/plain' })
    res.end('ok')
  })
})
afterAll(async () => {
  await server.close()
  await rm(dir, { recursive: true, force: true })
})

/**
 * One leg: the CLI's main with its own arguments and output, as a separate `perfgate run` would be. The three legs
 * run concurrently in this process, so they need no process start-up (tsx took 2-4 s a process on a busy runner)
 * before the shared start.
 */
async function leg(k: number, startAt: number): Promise<{ code: number; err: string }> {
  const io = captureIO(dir)
  const code = await main(
    [
      'run',
      '-c',
      path.join(dir, 'perfgate.yml'),
      '--load-shard',
      `${k}/3`,
      '--start-at',
      new Date(startAt).toISOString(),
      '--out',
      path.join(dir, `leg-${k}`),
      '-q'
    ],
    io
  )
  return { code, err: io.err }
}

describe('three load shards against one running target', () => {
  it('each sends its share at the shared start; merge joins them to the sum of their requests', async () => {
    await writeFile(
      path.join(dir, 'perfgate.yml'),
      `version: 1
ready: { url: "${server.url}/health", timeout: 5s }
scenarios:
  - name: work
    request: { url: "${server.url}/work" }
    load: { connections: 3, warmup: 0s, duration: 3s }
    min-requests: 3
    thresholds:
      latency.p99: "< 5s"
`
    )
    // each leg reads its config and probes readiness well before this, then waits for the shared start
    const startAt = Date.now() + 4_000
    const legs = await Promise.all([1, 2, 3].map(k => leg(k, startAt)))
    expect(legs).toEqual([1, 2, 3].map(() => ({ code: 0, err: '' })))
    const reports = await Promise.all(
      [1, 2, 3].map(
        async k => JSON.parse(await readFile(path.join(dir, `leg-${k}/report.json`), 'utf8')) as Report
      )
    )
    for (const [i, r] of reports.entries()) {
      expect(r.shard).toMatchObject({ kind: 'load', index: i + 1, count: 3, scenarios: ['work'] })
      expect(r.scenarios[0]!.load).toMatchObject({ mode: 'closed', connections: 1 })
      expect(Date.parse(r.shard!.window!.start)).toBeGreaterThanOrEqual(startAt)
      expect(r.shard!.window!.startAt).toBe(new Date(startAt).toISOString())
    }
    const perLeg = reports.map(r => r.scenarios[0]!.metrics['requests.total']!)

    // three seconds a leg: a leg that a busy runner (a CPU hog beside it) starts 0.25 s late still overlaps the others
    // by over 90%; merge's words are in `out` when it refuses
    const io = captureIO(dir)
    const code = await main(['merge', 'leg-1', 'leg-2', 'leg-3', '--out', 'merged', '-q'], io)
    expect({ code, err: io.err, out: code ? io.out : '' }).toEqual({ code: 0, err: '', out: '' })
    const merged = JSON.parse(await readFile(path.join(dir, 'merged/report.json'), 'utf8')) as Report
    expect(merged.merge?.problems).toEqual([])
    expect(merged.verdict).toBe('pass')
    const work = merged.scenarios[0]!
    expect(work.metrics['requests.total']).toBe(perLeg[0]! + perLeg[1]! + perLeg[2]!)
    // every request the legs sent reached the one server, and no other request did
    expect(work.metrics['requests.total']).toBe(measured)
    expect(work.notes.join('\n')).toMatch(/per leg: leg 1\/3 requests\.total/)
    expect(work.notes.join('\n')).toMatch(/generator lag per leg: leg 1\/3 /)
    expect(merged.notes.join('\n')).toContain("load legs' windows from the shared start")
  }, 60_000)
})

describe('perfgate run --load-shard refuses', () => {
  it('stored runs (a leg sends part of the load), --shard, and a start long past, before measuring anything', async () => {
    const before = measured
    for (const [args, said] of [
      [['--load-shard', '1/3', '--baseline', 'store'], 'neither store nor compare with stored runs'],
      [['--load-shard', '1/3', '--shard', '1/3'], '--load-shard and --shard cannot be combined'],
      [['--load-shard', '1/3', '--start-at', '2020-01-01T00:00:00Z'], 'in the past']
    ] as const) {
      const io = captureIO(dir)
      expect(await main(['run', ...args, '-q'], io)).toBe(2)
      expect(io.err).toContain(said)
    }
    expect(measured).toBe(before)
  })
})
