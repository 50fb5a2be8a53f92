import { afterEach, describe, expect, it } from '@jest/globals'
import path from 'node:path'
import { NodeCapture } from '../../src/profile/node.js'
import type { Side } from '../../src/model/run.js'
import { noteMessage } from '../../src/report/notes.js'
import { FrameTable, SampleSet } from '../../src/profile/cpuprofile.js'
import { groupMembers, startService, stopAllServices } from '../../src/service/spawn.js'
import type { ServiceSpec } from '../../src/config/types.js'
import { freePort, REPO } from '../../__fixtures__/config.js'

const opened: NodeCapture[] = []
afterEach(async () => {
  await stopAllServices()
  for (const c of opened.splice(0)) {
    await c.close()
    c.remove()
  }
})

function spec(command: string, port: number, env: Record<string, string> = {}): ServiceSpec {
  return {
    command,
    cwd: REPO,
    env: { PORT: String(port), ...env },
    ready: { kind: 'tcp', host: '127.0.0.1', port, timeoutMs: 10_000, intervalMs: 50 },
    shutdownTimeoutMs: 1000
  }
}

async function open(label: Side): Promise<NodeCapture> {
  const capture = await NodeCapture.open(label)
  opened.push(capture)
  return capture
}

/** Waits until `count` processes of the service have connected to the channel (workers connect as they fork). */
async function connected(capture: NodeCapture, count: number): Promise<void> {
  for (let i = 0; i < 200 && capture.connected < count; i++) await new Promise(r => setTimeout(r, 25))
}

async function load(port: number, ms: number): Promise<number> {
  let answered = 0
  const end = Date.now() + ms
  while (Date.now() < end) {
    const responses = await Promise.all([1, 2, 3, 4].map(() => fetch(`http://127.0.0.1:${port}/`)))
    for (const r of responses) await r.text()
    answered += responses.length
  }
  return answered
}

const SERVICE = 'node bench/profile-service.cjs'

describe('capturing a Node service through the preload and the control channel', () => {
  it('profiles a node:http service and names its functions, with NODE_OPTIONS from the config kept', async () => {
    const port = await freePort()
    const capture = await open('head')
    const service = await startService(spec(SERVICE, port, { ADDED_US: '50' }), {
      env: capture.env('--max-old-space-size=200')
    })
    await connected(capture, 1)
    expect(await capture.start(1000)).toBe(1)
    await load(port, 600)
    const harvest = await capture.stop()
    await service.stop()
    expect(harvest.notes).toEqual([])
    expect(harvest.profiles).toHaveLength(1)
    // the CPU its JavaScript thread ran while profiled (Linux), to scale the wall-clock samples with
    expect(harvest.threadCpuUs[0]).toBeGreaterThan(0)
    expect(path.basename(harvest.file!)).toBe('head.cpuprofile')
    const set = new SampleSet(new FrameTable())
    set.add(harvest.profiles[0]!)
    expect(set.table.frames.map(f => f.name)).toEqual(expect.arrayContaining(['baseWork', 'addedWork']))
    expect(capture.env('--max-old-space-size=200').NODE_OPTIONS).toMatch(
      /^--max-old-space-size=200 --require ".*preload\.cjs"$/
    )
  })

  it('profiles every process of a 2-worker cluster, one profile each, joined into one file', async () => {
    const port = await freePort()
    const capture = await open('base')
    const service = await startService(spec(SERVICE, port, { WORKERS: '2' }), { env: capture.env(undefined) })
    await connected(capture, 3)
    expect(await capture.start(1000)).toBe(3)
    await load(port, 600)
    const harvest = await capture.stop()
    await service.stop()
    expect(harvest.profiles).toHaveLength(3)
    expect(harvest.file).toBeDefined()
  })

  it('gathers the profile of a service that ignores SIGTERM, and the service is still stopped', async () => {
    const port = await freePort()
    const capture = await open('head')
    const service = await startService(spec('node __tests__/zoo/servers/ignores-sigterm.mjs', port), {
      env: capture.env(undefined)
    })
    await connected(capture, 1)
    await capture.start(1000)
    await load(port, 300)
    const harvest = await capture.stop()
    await service.stop()
    expect(harvest.profiles).toHaveLength(1)
    expect(service.exitInfo()).toBeDefined()
    expect(groupMembers(service.pid)).toEqual([])
  })

  it('ignores what a service writes into the channel on its own, and trusts none of it', async () => {
    const port = await freePort()
    const capture = await open('head')
    const service = await startService(spec('node __fixtures__/profile/garbage-service.cjs', port), {
      env: capture.env(undefined)
    })
    await connected(capture, 2)
    await capture.start(1000)
    await load(port, 300)
    const harvest = await capture.stop(2000)
    await service.stop()
    // the real process's profile; the rogue connection answered nothing perfgate asked
    expect(harvest.profiles).toHaveLength(1)
    expect(harvest.notes).toContainEqual(
      expect.objectContaining({ kind: 'profile-capture', side: 'head', problem: 'garbage' })
    )
    expect(harvest.notes).toContainEqual({
      kind: 'profile-capture',
      side: 'head',
      problem: 'sent-none',
      missing: 1,
      processes: 2,
      timeoutMs: 2000
    })
    const words = harvest.notes.map(noteMessage).join('\n')
    expect(words).toMatch(
      /line\(s\) on the head service's profile channel were not perfgate's protocol and were ignored/
    )
    expect(words).toMatch(/1 of the 2 Node processes of the head service sent no profile/)
  })

  it('connects nothing from a service that clears NODE_OPTIONS', async () => {
    const port = await freePort()
    const capture = await open('head')
    const service = await startService(spec(`env -u NODE_OPTIONS ${SERVICE}`, port), {
      env: capture.env(undefined)
    })
    await new Promise(r => setTimeout(r, 300))
    expect(capture.connected).toBe(0)
    await service.stop()
  })
})
