import { afterEach, describe, expect, it } from '@jest/globals'
import http from 'node:http'
import net from 'node:net'
import { once } from 'node:events'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  groupMembers,
  liveProcessGroups,
  runBuild,
  startService,
  stopAllServices
} from '../../src/service/spawn.js'
import { scrubEnv } from '../../src/service/env.js'
import { ServiceError } from '../../src/service/types.js'
import type { ServiceSpec } from '../../src/config/types.js'
import { freePort, REPO } from '../../__fixtures__/config.js'

afterEach(async () => {
  await stopAllServices()
})

function spec(port: number, overrides: Partial<ServiceSpec> = {}): ServiceSpec {
  return {
    command: 'node examples/service/server.mjs',
    cwd: REPO,
    env: { PORT: String(port) },
    ready: { kind: 'http', url: `http://127.0.0.1:${port}/health`, timeoutMs: 10_000, intervalMs: 50 },
    preflightUrl: `http://127.0.0.1:${port}/health`,
    shutdownTimeoutMs: 2000,
    ...overrides
  }
}

/** Whether something listens on the port: binding it ourselves fails with EADDRINUSE. */
async function portOpen(port: number): Promise<boolean> {
  const server = net.createServer()
  try {
    server.listen(port, '127.0.0.1')
    await once(server, 'listening')
    return false
  } catch {
    return true
  } finally {
    if (server.listening) {
      server.close()
      await once(server, 'close')
    }
  }
}

async function startError(promise: Promise<unknown>): Promise<ServiceError> {
  try {
    await promise
  } catch (err) {
    if (err instanceof ServiceError) return err
    throw err
  }
  throw new Error('expected the service not to start')
}

describe('startService', () => {
  it('starts the example service, waits until ready, and stop() frees the port and kills the group', async () => {
    const port = await freePort()
    const service = await startService(spec(port))
    expect(await portOpen(port)).toBe(true)
    expect(groupMembers(service.pid).length).toBeGreaterThan(0)
    await service.stop()
    expect(await portOpen(port)).toBe(false)
    expect(groupMembers(service.pid)).toEqual([])
    expect(liveProcessGroups()).toEqual([])
    expect(service.exitInfo()).toBeDefined()
  })

  it('refuses to start when the port is already in use', async () => {
    const port = await freePort()
    const squatter = http.createServer((_, res) => res.end()).listen(port, '127.0.0.1')
    await once(squatter, 'listening')
    try {
      const err = await startError(startService(spec(port, { command: 'touch spawned-anyway' })))
      expect(err.kind).toBe('port-in-use')
      expect(err.message).toContain(`Port ${port} is already in use`)
      expect(existsSync(path.join(REPO, 'spawned-anyway'))).toBe(false)
    } finally {
      squatter.close()
    }
  })

  it('fails fast with the exit code and output when the command exits at once', async () => {
    const port = await freePort()
    const err = await startError(
      startService(spec(port, { command: `node -e "console.error('boom: no database'); process.exit(3)"` }))
    )
    expect(err.kind).toBe('early-exit')
    expect(err.message).toContain('exited with code 3 before becoming ready')
    expect(err.outputTail).toContain('boom: no database')
  })

  it('gives up at the readiness timeout, says what it tried, and kills the service', async () => {
    const port = await freePort()
    const s = spec(port, { command: `node -e "console.log('warming up'); setInterval(() => {}, 1000)"` })
    s.ready = { kind: 'http', url: `http://127.0.0.1:${port}/health`, timeoutMs: 1500, intervalMs: 50 }
    const err = await startError(startService(s))
    expect(err.kind).toBe('not-ready')
    expect(err.message).toMatch(
      /did not become ready within 1\.5s \(GET http:\/\/127\.0\.0\.1:\d+\/health: last attempt ECONNREFUSED; \d+ attempts\)/
    )
    expect(err.outputTail).toEqual(['warming up'])
    expect(liveProcessGroups()).toEqual([])
  })

  it('a localhost readiness URL is probed as written and reaches a service on 127.0.0.1', async () => {
    const port = await freePort()
    const s = spec(port)
    s.ready = { kind: 'http', url: `http://localhost:${port}/health`, timeoutMs: 10_000, intervalMs: 50 }
    s.preflightUrl = s.ready.url
    const service = await startService(s)
    await service.stop()
  })

  it('when a localhost readiness URL never answers, the error names its IPv4 and IPv6 addresses', async () => {
    const port = await freePort()
    const s = spec(port, { command: `node -e "setInterval(() => {}, 1000)"` })
    s.ready = { kind: 'http', url: `http://localhost:${port}/health`, timeoutMs: 800, intervalMs: 50 }
    s.preflightUrl = s.ready.url
    const err = await startError(startService(s))
    expect(err.kind).toBe('not-ready')
    expect(err.message).toMatch(/localhost resolves to .*\(IPv[46]\).* on this machine/)
    expect(err.message).toContain('IPv4 only (127.0.0.1) or IPv6 only (::1)')
    expect(err.message).toContain('Name the address the service listens on (127.0.0.1 or [::1])')
    // a numeric address gets no such hint
    const numeric = spec(port, { command: `node -e "setInterval(() => {}, 1000)"` })
    numeric.ready = { kind: 'tcp', host: '127.0.0.1', port, timeoutMs: 500, intervalMs: 50 }
    expect((await startError(startService(numeric))).message).not.toContain('localhost resolves')
    expect(liveProcessGroups()).toEqual([])
  })

  it('kills grandchildren: a shell that starts the service in the background', async () => {
    const port = await freePort()
    const service = await startService(spec(port, { command: 'node examples/service/server.mjs & wait' }))
    expect(groupMembers(service.pid).length).toBeGreaterThanOrEqual(2)
    await service.stop()
    expect(groupMembers(service.pid)).toEqual([])
    expect(await portOpen(port)).toBe(false)
  })

  it('escalates to SIGKILL when the service ignores SIGTERM', async () => {
    const port = await freePort()
    const stubborn = `node -e "process.on('SIGTERM', () => console.log('ignoring SIGTERM')); require('http').createServer((q, r) => r.end()).listen(${port}, '127.0.0.1')"`
    const service = await startService(spec(port, { command: stubborn, shutdownTimeoutMs: 500 }))
    await service.stop()
    expect(groupMembers(service.pid)).toEqual([])
    expect(service.exitInfo()).toBeDefined()
  })

  it('stop() waits for a plain server with no SIGTERM handler to release its port, every time', async () => {
    // Node dies of SIGTERM here; its leader turns zombie before its other threads (which hold the socket) exit
    const port = await freePort()
    const plain = `node -e "require('http').createServer((q, r) => r.end('ok')).listen(${port}, '127.0.0.1')"`
    for (let i = 0; i < 10; i++) {
      const service = await startService(spec(port, { command: plain }))
      await service.stop()
      expect({ stop: i, portOpen: await portOpen(port) }).toEqual({ stop: i, portOpen: false })
      expect(groupMembers(service.pid)).toEqual([])
    }
  })

  it('a service whose daemon keeps the port after the group is gone: stop() rejects naming the pid and port', async () => {
    const port = await freePort()
    const dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-daemon-'))
    const pidFile = path.join(dir, 'daemon.pid')
    const script = path.join(dir, 'daemonize.cjs')
    await writeFile(
      script,
      `const { spawn } = require('child_process')
if (process.argv[2] === 'daemon') {
  require('http').createServer((q, r) => r.end()).listen(${port}, '127.0.0.1')
} else {
  const child = spawn(process.execPath, [__filename, 'daemon'], { detached: true, stdio: 'ignore' })
  require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(child.pid))
  child.unref()
  setInterval(() => {}, 1000)
}
`
    )
    const command = `node ${script}`
    const service = await startService(
      spec(port, {
        command,
        ready: { kind: 'tcp', host: '127.0.0.1', port, timeoutMs: 10_000, intervalMs: 50 },
        preflightUrl: undefined,
        shutdownTimeoutMs: 300
      })
    )
    try {
      const error = await startError(service.stop())
      expect(error.kind).toBe('port-held')
      expect(error.message).toContain(`pid ${service.pid}`)
      expect(error.message).toContain(`port ${port}`)
      expect(groupMembers(service.pid)).toEqual([])
    } finally {
      process.kill(Number(await readFile(pidFile, 'utf8')), 'SIGKILL')
      await rm(dir, { recursive: true, force: true })
    }
  }, 20_000)

  it('supports tcp and log-line readiness', async () => {
    const port = await freePort()
    const tcp = await startService(
      spec(port, {
        ready: { kind: 'tcp', host: '127.0.0.1', port, timeoutMs: 10_000, intervalMs: 50 },
        preflightUrl: undefined
      })
    )
    await tcp.stop()
    const log = await startService(
      spec(port, {
        ready: { kind: 'log', pattern: '^listening on', timeoutMs: 10_000 },
        preflightUrl: undefined
      })
    )
    expect(await portOpen(port)).toBe(true)
    await log.stop()
  })

  it('never passes tokens to the service', async () => {
    const port = await freePort()
    const parentEnv = {
      PATH: process.env.PATH,
      GITHUB_TOKEN: 'ghs_secret',
      'INPUT_GITHUB-TOKEN': 'ghs_secret',
      ACTIONS_RUNTIME_TOKEN: 'secret',
      ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token',
      RUNNER_TRACKING_ID: 'keep-me'
    }
    const printer = `node -e "console.log(JSON.stringify(process.env)); setInterval(() => {}, 1000)"`
    const service = await startService(
      spec(port, {
        command: printer,
        env: { EXTRA: 'yes' },
        ready: { kind: 'log', pattern: 'PATH', timeoutMs: 10_000 },
        preflightUrl: undefined
      }),
      { parentEnv }
    )
    const env = JSON.parse(service.outputTail().find(l => l.startsWith('{'))!)
    await service.stop()
    expect(env.GITHUB_TOKEN).toBeUndefined()
    expect(env['INPUT_GITHUB-TOKEN']).toBeUndefined()
    expect(env.ACTIONS_RUNTIME_TOKEN).toBeUndefined()
    expect(env.ACTIONS_ID_TOKEN_REQUEST_URL).toBeUndefined()
    expect(env).toMatchObject({ PATH: process.env.PATH, EXTRA: 'yes', RUNNER_TRACKING_ID: 'keep-me' })
    expect(Object.keys(scrubEnv({ GH_TOKEN: 'x', HOME: '/root' }))).toEqual(['HOME'])
  })
})

describe('runBuild', () => {
  it('runs in the directory and reports a failing build with its exit code and output', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-build-'))
    try {
      await runBuild('echo built > out.txt', dir)
      expect(existsSync(path.join(dir, 'out.txt'))).toBe(true)
      await expect(runBuild('echo "error TS2322: nope"; exit 2', dir)).rejects.toThrow(
        /exited with code 2 in .*error TS2322: nope/s
      )
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
