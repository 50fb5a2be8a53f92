import { spawn, type ChildProcess } from 'node:child_process'
import { allProcesses, isRunning } from './proc.js'
import type { ServiceSpec } from '../config/types.js'
import { scrubEnv } from './env.js'
import { formatTail, OutputTail } from './output.js'
import { describeProbe, localhostHint, pollReady, probeTcp } from './ready.js'
import { ServiceError, type ExitInfo, type ServiceHandle } from './types.js'
import { killProcessGroup } from '../git/process-group.js'

export interface StartOptions {
  /** 'head' or 'base', used in messages */
  label?: string
  /** overrides spec.cwd (a base checkout) */
  cwd?: string
  env?: Record<string, string>
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void
  /** the environment to scrub and pass on; process.env by default */
  parentEnv?: NodeJS.ProcessEnv
}

/** Process groups this process started and has not yet seen die: the exit hook's backstop. */
const live = new Set<number>()

export function liveProcessGroups(): number[] {
  return [...live]
}

/**
 * Whether any process of the group still runs. On Linux this reads /proc, because kill(-pgid, 0) also succeeds
 * for zombies: an orphaned grandchild that exited stays in the group until init reaps it, which can take seconds.
 */
function groupAlive(pgid: number): boolean {
  if (process.platform === 'linux') return groupMembers(pgid).length > 0
  try {
    process.kill(-pgid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Pids of the group's processes that still run (Linux): zombies count while any of their threads runs. */
export function groupMembers(pgid: number): number[] {
  return allProcesses()
    .filter(p => p.pgrp === pgid && isRunning(p))
    .map(p => p.pid)
}

process.on('exit', () => {
  for (const pgid of live) killProcessGroup(pgid, 'SIGKILL')
})

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

/** Waits for `promise`, but no longer than `ms`; the timer is cleared so it never keeps the process alive. */
async function waitAtMost(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  await Promise.race([promise, new Promise(resolve => (timer = setTimeout(resolve, ms)))])
  clearTimeout(timer)
}

/** How long stop() waits after SIGKILL for the group to vanish and the listen address to refuse connections. */
const KILL_GRACE_MS = 5000

interface ListenAddress {
  host: string
  port: number
  shown: string
}

/** Every process of the group has exited and, when known, nothing accepts connections at the listen address. */
async function released(pgid: number, address: ListenAddress | undefined): Promise<boolean> {
  if (groupAlive(pgid)) return false
  return !address || !(await probeTcp(address.host, address.port, 500)).ok
}

async function waitReleased(
  pgid: number,
  address: ListenAddress | undefined,
  timeoutMs: number
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await released(pgid, address)) return true
    if (Date.now() >= deadline) return false
    await sleep(25)
  }
}

/**
 * SIGTERM to the group, SIGKILL after the grace period; true once every process of the group is gone and the
 * listen address refuses connections, false when that did not happen within the SIGKILL grace either.
 */
async function stopGroup(pgid: number, graceMs: number, address?: ListenAddress): Promise<boolean> {
  try {
    killProcessGroup(pgid, 'SIGTERM')
    if (await waitReleased(pgid, address, graceMs)) return true
    killProcessGroup(pgid, 'SIGKILL')
    return await waitReleased(pgid, address, KILL_GRACE_MS)
  } finally {
    live.delete(pgid)
  }
}

export async function stopAllServices(): Promise<void> {
  await Promise.all([...live].map(pgid => stopGroup(pgid, 2000)))
}

function describeExit(exit: ExitInfo): string {
  return exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`
}

/** Where the service will listen, as host and port, from the preflight URL or the tcp probe. */
function listenAddress(spec: ServiceSpec): ListenAddress | undefined {
  if (spec.preflightUrl) {
    const url = new URL(spec.preflightUrl)
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80))
    return { host: url.hostname.replace(/^\[|\]$/g, ''), port, shown: spec.preflightUrl }
  }
  if (spec.ready.kind === 'tcp')
    return { host: spec.ready.host, port: spec.ready.port, shown: `${spec.ready.host}:${spec.ready.port}` }
  return undefined
}

function notReleased(label: string, pgid: number, spec: ServiceSpec, address?: ListenAddress): ServiceError {
  const left = groupMembers(pgid)
  const waited = `${(spec.shutdownTimeoutMs / 1000).toFixed(1)}s after SIGTERM and ${KILL_GRACE_MS / 1000}s after SIGKILL`
  const what =
    left.length > 0
      ? `its process group ${pgid} still has processes (pids ${left.join(', ')}) ${waited}`
      : `port ${address!.port} (${address!.shown}) still accepts connections ${waited}, although every process of its group has exited: a process it started outside its group (a daemon) holds the port`
  return new ServiceError(
    'port-held',
    `the ${label} service (pid ${pgid}, command: ${spec.command}) could not be stopped: ${what}. ` +
      'Stop that process, and make the service exit on SIGTERM within service.shutdown-timeout without leaving a daemon behind.'
  )
}

/** Fails before spawning when something already accepts connections where the service will listen. */
async function preflight(spec: ServiceSpec, label: string): Promise<void> {
  const address = listenAddress(spec)
  if (!address || !(await probeTcp(address.host, address.port, 1000)).ok) return
  throw new ServiceError(
    'port-in-use',
    `Port ${address.port} is already in use: something answered on ${address.shown} before the ${label} service was started. ` +
      'Stop it (an earlier run may have left a server running) or change the port.'
  )
}

function spawnService(spec: ServiceSpec, options: StartOptions, cwd: string): ChildProcess {
  return spawn(spec.command, {
    shell: '/bin/sh',
    cwd,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...scrubEnv(options.parentEnv ?? process.env), ...spec.env, ...(options.env ?? {}) }
  })
}

/**
 * Starts the service in its own process group with a scrubbed environment and waits until it is ready, racing
 * readiness against an early exit and the timeout. On failure nothing is left running.
 */
export async function startService(spec: ServiceSpec, options: StartOptions = {}): Promise<ServiceHandle> {
  const label = options.label ?? 'head'
  await preflight(spec, label)
  const cwd = options.cwd ?? spec.cwd
  const output = new OutputTail()
  const started = Date.now()
  let child: ChildProcess
  try {
    child = spawnService(spec, options, cwd)
  } catch (err) {
    throw new ServiceError(
      'spawn-failed',
      `the ${label} service could not be spawned in ${cwd}: ${(err as Error).message}`
    )
  }
  let exitInfo: ExitInfo | undefined
  let spawnError: Error | undefined
  const exited = new Promise<ExitInfo>(resolve => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal }
      resolve(exitInfo)
    })
    child.once('error', err => {
      spawnError = err
      exitInfo = { code: null, signal: null }
      resolve(exitInfo)
    })
  })
  const pgid = child.pid
  if (pgid === undefined) {
    await exited
    throw new ServiceError(
      'spawn-failed',
      `the ${label} service could not be spawned in ${cwd}: ${spawnError?.message ?? 'no pid'}`
    )
  }
  live.add(pgid)
  let logMatched = false
  const pattern = spec.ready.kind === 'log' ? new RegExp(spec.ready.pattern) : undefined
  const onLine = (line: string, stream: 'stdout' | 'stderr') => {
    if (pattern?.test(line)) logMatched = true
    options.onLine?.(line, stream)
  }
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk, 'stdout', onLine))
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk, 'stderr', onLine))

  let stopping: Promise<void> | undefined
  const handle: ServiceHandle = {
    pid: pgid,
    exited,
    exitInfo: () => exitInfo,
    outputTail: (lines = 40) => output.tail(lines),
    // resolves once the group is gone, its address refuses connections and the main process's exit has been
    // seen (so exitInfo() is set); rejects with 'port-held' when that cannot be reached even with SIGKILL
    stop: () =>
      (stopping ??= (async () => {
        const address = listenAddress(spec)
        const done = await stopGroup(pgid, spec.shutdownTimeoutMs, address)
        await waitAtMost(exited, 2000)
        if (!done) throw notReleased(label, pgid, spec, address)
      })())
  }

  const deadline = started + spec.ready.timeoutMs
  const ready = await waitReady(
    spec,
    deadline,
    () => exitInfo !== undefined,
    () => logMatched
  )
  if (exitInfo) {
    await handle.stop().catch(() => undefined)
    const seconds = ((Date.now() - started) / 1000).toFixed(1)
    const why = spawnError ? `could not be started (${spawnError.message})` : describeExit(exitInfo)
    throw new ServiceError(
      'early-exit',
      `the ${label} service ${why} before becoming ready (after ${seconds}s; command: ${spec.command}; cwd: ${cwd}).${formatTail(output.tail())}`,
      output.tail()
    )
  }
  if (!ready.ready) {
    await handle.stop().catch(() => undefined)
    throw new ServiceError(
      'not-ready',
      `the ${label} service did not become ready within ${spec.ready.timeoutMs / 1000}s (${describeProbe(spec.ready)}: ` +
        `last attempt ${ready.last}; ${ready.attempts} attempts). It was still running and has been stopped.` +
        `${await localhostHint(spec.ready)}${formatTail(output.tail())}`,
      output.tail()
    )
  }
  return handle
}

async function waitReady(
  spec: ServiceSpec,
  deadline: number,
  exited: () => boolean,
  logMatched: () => boolean
): Promise<{ ready: boolean; attempts: number; last: string }> {
  const probe = spec.ready
  if (probe.kind !== 'log') return pollReady(probe, deadline, exited)
  let attempts = 0
  while (Date.now() < deadline && !exited()) {
    attempts++
    if (logMatched()) return { ready: true, attempts, last: 'matched' }
    await sleep(20)
  }
  return { ready: logMatched() && !exited(), attempts, last: 'no matching line' }
}

/** Runs `service.build` (for a base checkout); a failure carries the exit code and the output tail. */
export async function runBuild(
  command: string,
  cwd: string,
  options: {
    parentEnv?: NodeJS.ProcessEnv
    timeoutMs?: number
    /** the build's process group, for the action's post step */
    onSpawned?: (pid: number) => void
    /** each line of the build's output as it comes (the action folds them in a group) */
    onLine?: (line: string) => void
  } = {}
): Promise<void> {
  const output = new OutputTail()
  const lines = (() => {
    let partial = ''
    return {
      push(chunk: string) {
        if (!options.onLine) return
        const parts = (partial + chunk).split('\n')
        partial = parts.pop() ?? ''
        for (const line of parts) options.onLine(line.replace(/\r$/, ''))
      },
      flush() {
        if (partial && options.onLine) options.onLine(partial)
        partial = ''
      }
    }
  })()
  const child = spawn(command, {
    shell: '/bin/sh',
    cwd,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: scrubEnv(options.parentEnv ?? process.env)
  })
  const pgid = child.pid
  if (pgid !== undefined) {
    live.add(pgid)
    options.onSpawned?.(pgid)
  }
  child.stdout!.setEncoding('utf8').on('data', (c: string) => {
    output.push(c, 'stdout')
    lines.push(c)
  })
  child.stderr!.setEncoding('utf8').on('data', (c: string) => {
    output.push(c, 'stderr')
    lines.push(c)
  })
  const timeoutMs = options.timeoutMs ?? 15 * 60_000
  const result = await new Promise<ExitInfo | Error>(resolve => {
    const timer = setTimeout(() => {
      if (pgid !== undefined) killProcessGroup(pgid, 'SIGKILL')
    }, timeoutMs)
    child.once('error', err => {
      clearTimeout(timer)
      resolve(err)
    })
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal })
    })
  })
  lines.flush()
  if (pgid !== undefined) {
    killProcessGroup(pgid, 'SIGKILL')
    live.delete(pgid)
  }
  if (result instanceof Error) {
    throw new ServiceError('build-failed', `the build command could not run in ${cwd}: ${result.message}`)
  }
  if (result.code !== 0) {
    throw new ServiceError(
      'build-failed',
      `the build command "${command}" ${describeExit(result)} in ${cwd}.${formatTail(output.tail())}`,
      output.tail()
    )
  }
}
