import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { processTree, startResourceSampler } from '../../src/service/sampler.js'
import { startService, stopAllServices } from '../../src/service/spawn.js'
import type { ServiceSpec } from '../../src/config/types.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-sampler-'))
  await writeFile(path.join(dir, 'child.cjs'), child)
  await writeFile(path.join(dir, 'service.cjs'), parent)
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})
afterEach(async () => {
  await stopAllServices()
})

const CHILD_MB = 96

/** A child process that holds CHILD_MB of touched memory and burns CPU until it is killed. */
const child = `
const held = Buffer.alloc(${CHILD_MB} * 1024 * 1024, 1)
process.send('allocated')
for (;;) { for (let i = 0; i < 1e6; i++) held[i % held.length] ^= 1 }
`

/** The service: forks the child, and says it is ready once the child holds its memory. */
const parent = `
const { fork } = require('node:child_process')
const kid = fork('./child.cjs')
kid.on('message', () => console.log('ready, child ' + kid.pid))
setInterval(() => {}, 1000)
`

describe('the /proc resource sampler', () => {
  it("sums a service's whole process tree: a forked child's memory and CPU count", async () => {
    const spec: ServiceSpec = {
      command: 'node service.cjs',
      cwd: dir,
      env: {},
      ready: { kind: 'log', pattern: '^ready, child \\d+', timeoutMs: 15_000 },
      shutdownTimeoutMs: 2000
    }
    let childPid = 0
    const service = await startService(spec, {
      onLine: line => {
        const match = /^ready, child (\d+)/.exec(line)
        if (match) childPid = Number(match[1])
      }
    })
    expect(childPid).toBeGreaterThan(0)
    expect(processTree(service.pid).map(p => p.pid)).toContain(childPid)
    const sampler = startResourceSampler(service.pid, { intervalMs: 100 })
    await new Promise(resolve => setTimeout(resolve, 800))
    const summary = sampler.stop()
    await service.stop()

    expect(summary.rssPeakBytes).toBeGreaterThan(CHILD_MB * 1024 * 1024)
    expect(summary.cpuPeak).toBeGreaterThan(0)
    expect(summary.cpuTimeUs).toBeGreaterThan(0)
    // each node process has stdio and an IPC channel open: the tree has more fds than one process's three
    expect(summary.fdsPeak).toBeGreaterThan(6)
    expect(Math.max(...summary.samples.map(s => s.processes))).toBeGreaterThanOrEqual(2)
    expect(summary.samples.length).toBeGreaterThanOrEqual(4)
  })

  it('reports nothing for a process that is gone', () => {
    const summary = startResourceSampler(2 ** 22 + 12345).stop()
    expect(summary).toMatchObject({ rssPeakBytes: 0, fdsPeak: 0, cpuPeak: 0, samples: [] })
  })
})
