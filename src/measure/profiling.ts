/**
 * The profiling step, after the verdict: the sides' services started afresh with the CPU profiler's preload (the
 * environment profile/ hands over, merged with the NODE_OPTIONS the service would have had), warmed up with the
 * scenario's own load, then profiled while that load alternates between them as the design alternates it (slices:
 * one side's slice, then the other's; duet: both at once; rounds: one side after the other). Nothing here feeds a
 * verdict: it only gathers profiles and the requests answered while they ran.
 */
import { DEFAULTS } from '../config/defaults.js'
import { freePorts, hasServicePort, withServicePort } from '../config/port.js'
import { serviceOf, type Config } from '../config/types.js'
import { startSession, type LoadSession } from '../load/session.js'
import type { ProfileNote } from '../model/note.js'
import type { Side } from '../model/run.js'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { joinCpuProfiles } from '../profile/cpuprofile.js'
import { NodeCapture } from '../profile/node.js'
import { PerfCapture, perfUnavailable } from '../profile/perf.js'
import { groupMembers } from '../service/spawn.js'
import type { ServiceHandle } from '../service/types.js'
import { slicePlan } from '../stats/slices.js'
import { pinnedCommand } from './affinity.js'
import type { EventSink } from './events.js'
import type { ProfileCapture, ProfileRequest } from './measurer.js'
import { startForMeasurement, stopQuietly } from './service.js'
import type { CpuPlan } from './affinity.js'

/** One side while it is profiled. */
interface Profiled {
  side: Side
  capture: NodeCapture
  /** perf record on the service's processes, when none of them is Node (or loaded the preload) */
  perf?: PerfCapture
  service: ServiceHandle
  session: LoadSession
  requests: number
}

/** What a side's profiled process gets, as a round's process gets it (processes.ts's RoundOptions). */
export interface ProfiledSideOptions {
  env?: Partial<Record<Side, Record<string, string>>>
  cpus?: CpuPlan
  extraCaCerts?: string
  onSpawned?: (pid: number) => void
  /** the directory a side's service starts in (default: service.cwd) */
  cwd?: (side: Side) => string
}

export interface ProfilingContext {
  config: Config
  options: ProfiledSideOptions
  events: EventSink
  rng: () => number
  /** duet: both sides loaded at the same time (pinned to their CPUs) */
  duet?: boolean
  cpus?: Partial<Record<Side, number[]>>
  /** the NODE_OPTIONS perfgate's own process runs with, which the service inherits (the door passes it) */
  inheritedNodeOptions?: string
}

/** The NODE_OPTIONS a side's service would get: its extra environment, the config's, or the inherited one. */
function nodeOptionsOf(config: Config, side: Side, ctx: ProfilingContext): string | undefined {
  return ctx.options.env?.[side]?.NODE_OPTIONS ?? config.service?.env.NODE_OPTIONS ?? ctx.inheritedNodeOptions
}

/**
 * The sampler: perf's cpu-clock where perf can record (samples by the CPU time each thread ran), else V8's own
 * (samples by the wall clock: ticks that fall while the JavaScript thread waits for a CPU are taken when it runs
 * again, where it had stopped, mostly in a write that woke the load generator; docs/profiles.md).
 * PERFGATE_PROFILER=v8 keeps V8's.
 */
async function samplerOf(): Promise<'perf' | 'v8'> {
  if (process.env.PERFGATE_PROFILER === 'v8') return 'v8'
  return (await perfUnavailable()) ? 'v8' : 'perf'
}

/** V8's flags that name JavaScript functions for perf (a map file per process) and show interpreted frames. */
export const PERF_NODE_FLAGS = '--perf-basic-prof-only-functions --interpreted-frames-native-stack'

/** Starts one side with the preload; undefined (and a note) when it could not start or no Node process connected. */
async function startProfiled(
  side: Side,
  bound: Config,
  request: ProfileRequest,
  ctx: ProfilingContext,
  notes: ProfileNote[],
  sampler: 'perf' | 'v8'
): Promise<Profiled | undefined> {
  const capture = await NodeCapture.open(side, request.maxBytes)
  const spec = serviceOf(bound)
  const started = await startForMeasurement(
    { ...spec, command: pinnedCommand(spec.command, ctx.cpus?.[side] ?? ctx.options.cpus?.service ?? []) },
    {
      label: `${side} (profiled)`,
      cwd: ctx.options.cwd?.(side),
      env: {
        ...ctx.options.env?.[side],
        ...capture.env(
          [nodeOptionsOf(ctx.config, side, ctx), sampler === 'perf' ? PERF_NODE_FLAGS : '']
            .filter(Boolean)
            .join(' ')
        )
      },
      events: ctx.events,
      onSpawned: ctx.options.onSpawned
    }
  )
  if ('error' in started) {
    notes.push({ kind: 'profiled-service', side, problem: 'start', error: started.error.message })
    await capture.close()
    return undefined
  }
  const scenario = bound.scenarios.find(s => s.name === request.scenario)!
  return {
    side,
    capture,
    service: started.service,
    session: startSession(scenario, ctx.options),
    requests: 0
  }
}

/** Runs `ms` of load on the sides: alternating slices, both at once (duet), or the one side. */
async function drive(sides: Profiled[], ms: number, sliceMs: number, ctx: ProfilingContext): Promise<void> {
  const bySide = new Map(sides.map(p => [p.side, p]))
  for (let done = 0; done < ms; done += sliceMs) {
    if (sides.some(p => p.service.exitInfo())) return
    if (ctx.duet || sides.length === 1) {
      const results = await Promise.all(sides.map(p => p.session.slice(sliceMs)))
      results.forEach((r, i) => (sides[i]!.requests += r.counts.responses))
      continue
    }
    for (const side of slicePlan(1, ctx.rng)[0]!) {
      const p = bySide.get(side)
      if (p) p.requests += (await p.session.slice(sliceMs)).counts.responses
    }
  }
}

/** Profiles a group of sides that are up at the same time; their captures go into `out`. */
async function profileGroup(
  group: Side[],
  request: ProfileRequest,
  ctx: ProfilingContext,
  out: ProfileCapture
): Promise<void> {
  const ports = hasServicePort(ctx.config) ? await freePorts(group.length) : []
  const profiled: Profiled[] = []
  const sampler = await samplerOf()
  try {
    for (const [i, side] of group.entries()) {
      const bound = ports.length ? withServicePort(ctx.config, ports[i]!) : ctx.config
      const p = await startProfiled(side, bound, request, ctx, out.notes, sampler)
      if (p) profiled.push(p)
    }
    const scenario = ctx.config.scenarios.find(s => s.name === request.scenario)!
    const sliceMs = ctx.config.compare.sliceMs ?? DEFAULTS.compare.sliceMs
    // at least a second of load first, so the functions are compiled as they will run (at most 5 s)
    await Promise.all(
      profiled.map(p => p.session.warm(Math.min(Math.max(scenario.load.warmupMs, 1000), 5000)))
    )
    const live: Profiled[] = []
    for (const p of profiled) {
      if (p.capture.connected > 0 && sampler === 'v8') live.push(p)
      else if (await startPerf(p, out.notes)) live.push(p)
    }
    await Promise.all(live.filter(p => !p.perf).map(p => p.capture.start(request.intervalUs)))
    // the step's length is shared by the sides that are up together, as the design shares its time between them
    const share = ctx.duet ? request.durationMs : request.durationMs / request.sides.length
    await drive(live, share, Math.min(sliceMs, share), ctx)
    for (const p of live) {
      const harvest = p.perf ? await p.perf.stop() : await p.capture.stop()
      // a Node service sampled by perf: its profile as a .cpuprofile too (DevTools and speedscope open it)
      if (p.perf && p.capture.connected > 0 && harvest.profiles.length) {
        harvest.file = path.join(p.capture.directory, `${p.side}.cpuprofile`)
        writeFileSync(harvest.file, JSON.stringify(joinCpuProfiles(harvest.profiles)))
      }
      if (p.service.exitInfo()) {
        out.notes.push({ kind: 'profiled-service', side: p.side, problem: 'exited' })
        continue
      }
      out.notes.push(...harvest.notes)
      if (harvest.profiles.length)
        out.sides[p.side] = {
          profiles: harvest.profiles,
          threadCpuUs: harvest.threadCpuUs,
          file: harvest.file,
          requests: p.requests
        }
    }
  } finally {
    for (const p of profiled) {
      await p.session.close()
      const error = await stopQuietly(p.service, `${p.side} (profiled)`, ctx.events)
      if (error)
        out.notes.push({ kind: 'profiled-service', side: p.side, problem: 'stop', error: error.message })
      await p.capture.close()
      p.perf?.close()
    }
  }
}

/**
 * A side none of whose processes loaded the Node preload (another runtime, or a start script that clears
 * NODE_OPTIONS): `perf record` on its process group where perf can record, else a note saying why not.
 */
async function startPerf(p: Profiled, notes: ProfileNote[]): Promise<boolean> {
  const unavailable = await perfUnavailable()
  if (unavailable) {
    notes.push({ kind: 'profiled-service', side: p.side, problem: 'no-preload', perf: unavailable })
    return false
  }
  p.perf = PerfCapture.open(p.side)
  if (await p.perf.start(groupMembers(p.service.pid))) return true
  notes.push({ kind: 'profiled-service', side: p.side, problem: 'perf-attach' })
  return false
}

/** The profiling step: the sides together (slices, duet) or one after the other (rounds, in the given order). */
export async function profileSides(request: ProfileRequest, ctx: ProfilingContext): Promise<ProfileCapture> {
  const out: ProfileCapture = { sides: {}, notes: [] }
  if (!ctx.config.service) {
    out.notes.push({ kind: 'not-profiled', why: 'running-target' })
    return out
  }
  const groups = request.together ? [request.sides] : request.sides.map(side => [side])
  for (const group of groups) await profileGroup(group, request, ctx, out)
  return out
}
