/**
 * Reading V8 CPU profiles (the Chrome DevTools `.cpuprofile` format: a call tree of nodes, the node of each
 * sample and the time between samples) into samples with absolute times and durations, several processes joined
 * over one table of frames (a function's identity: name + url + line), so base and head name the same function
 * the same way.
 */
import { readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ProfileFrame } from '../model/profile.js'

export interface CpuProfileNode {
  id: number
  callFrame: {
    functionName: string
    url: string
    lineNumber: number
    columnNumber?: number
    scriptId?: string
  }
  children?: number[]
  hitCount?: number
}

export interface CpuProfile {
  nodes: CpuProfileNode[]
  startTime: number
  endTime: number
  samples: number[]
  timeDeltas: number[]
}

/** A profile that cannot be read, parsed or is over the size cap: the message names the file. */
export class ProfileReadError extends Error {}

/** Default size cap of one profile file: 50 MB. */
export const MAX_PROFILE_BYTES = 50 * 1024 * 1024

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)

/** Why `value` is not a CPU profile, or undefined when it is one. */
export function cpuProfileProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'not a JSON object'
  const p = value as Partial<CpuProfile>
  if (!Array.isArray(p.nodes) || p.nodes.length === 0) return 'no "nodes" array'
  if (!Array.isArray(p.samples) || !Array.isArray(p.timeDeltas)) return 'no "samples" or "timeDeltas" array'
  if (p.samples.length !== p.timeDeltas.length) return '"samples" and "timeDeltas" differ in length'
  if (!isNumber(p.startTime) || !isNumber(p.endTime)) return 'no numeric "startTime" and "endTime"'
  const ids = new Set<number>()
  for (const node of p.nodes) {
    const frame = (node as Partial<CpuProfileNode> | null)?.callFrame
    if (!node || !isNumber(node.id) || typeof frame !== 'object' || frame === null)
      return 'a node without an id or a callFrame'
    if (
      typeof frame.functionName !== 'string' ||
      typeof frame.url !== 'string' ||
      !isNumber(frame.lineNumber)
    )
      return `node ${node.id}: callFrame without functionName, url or lineNumber`
    if (node.children !== undefined && (!Array.isArray(node.children) || !node.children.every(isNumber)))
      return `node ${node.id}: children is not a list of ids`
    ids.add(node.id)
  }
  for (const node of p.nodes)
    for (const child of node.children ?? [])
      if (!ids.has(child)) return `node ${node.id}: unknown child ${child}`
  if (!p.samples.every(s => ids.has(s))) return 'a sample names an unknown node'
  if (!p.timeDeltas.every(isNumber)) return 'a time delta is not a number'
  return undefined
}

/** Reads and checks a .cpuprofile file; over `maxBytes`, unreadable or malformed: ProfileReadError naming it. */
export function readCpuProfile(file: string, maxBytes = MAX_PROFILE_BYTES): CpuProfile {
  let text: string
  try {
    const size = statSync(file).size
    if (size > maxBytes)
      throw new ProfileReadError(
        `${file} is ${(size / 1e6).toFixed(1)} MB, over the ${(maxBytes / 1e6).toFixed(1)} MB cap of a profile: it was not read`
      )
    text = readFileSync(file, 'utf8')
  } catch (err) {
    if (err instanceof ProfileReadError) throw err
    throw new ProfileReadError(`${file} could not be read: ${(err as Error).message}`)
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    throw new ProfileReadError(`${file} is not JSON: ${(err as Error).message}`)
  }
  const problem = cpuProfileProblem(value)
  if (problem) throw new ProfileReadError(`${file} is not a V8 CPU profile: ${problem}`)
  return value as CpuProfile
}

/** The npm package of a script under node_modules (the innermost one), if any. */
export function packageOf(url: string): string | undefined {
  // the innermost node_modules, also at the start of a path relative to the checkout
  const match = /(?:^|.*[\\/])node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(url)
  return match ? match[1]!.replace(/\\/g, '/') : undefined
}

/** V8's names for time outside JavaScript functions; '(idle)' is not CPU time. */
export const IDLE = '(idle)'

/** A script's path from its URL (file:// or a plain path), or undefined for anything else (node:internal, ''). */
function scriptPath(url: string): string | undefined {
  if (url.startsWith('file://')) {
    try {
      return fileURLToPath(url)
    } catch {
      return undefined
    }
  }
  return path.isAbsolute(url) ? url : undefined
}

/**
 * A script's URL as the frame table keeps it: a file under `root` (the side's checkout) by its path relative to
 * it, so base and head, checked out in different directories, name the same file the same way.
 */
export function canonicalUrl(url: string, root: string | undefined): { url: string; file?: string } {
  const file = root ? scriptPath(url) : undefined
  if (!file || !root) return { url }
  const relative = path.relative(root, file)
  if (relative.startsWith('..') || path.isAbsolute(relative)) return { url }
  const posix = relative.split(path.sep).join('/')
  return { url: posix, ...(packageOf(posix) ? {} : { file: posix }) }
}

/** A JavaScript function's frame: a script and a line in it (V8's profiler and V8's perf map both give one). */
export function isScript(frame: ProfileFrame): boolean {
  return frame.url !== '' && frame.line > 0
}

/**
 * Native code as perf names it: an object (a binary, a library, [kernel.kallsyms], a perf map's stub) and no line.
 * V8's own entries ('(program)', '(garbage collector)', a native binding like writev) have no url.
 */
export function isNativeCode(frame: ProfileFrame): boolean {
  return frame.url !== '' && frame.line === 0
}

/** The frames of one or more profiles: each distinct function once, by name + url + line. */
export class FrameTable {
  readonly frames: ProfileFrame[] = []
  private readonly index = new Map<string, number>()

  /** The frame of a call frame; a script under `root` is named by its path relative to it. */
  of(callFrame: CpuProfileNode['callFrame'], root?: string): number {
    const name = callFrame.functionName || '(anonymous)'
    const { url, file } = canonicalUrl(callFrame.url, root)
    const line = callFrame.lineNumber >= 0 ? callFrame.lineNumber + 1 : 0
    const key = `${name}\u0000${url}\u0000${line}`
    let i = this.index.get(key)
    if (i === undefined) {
      i = this.frames.length
      const pkg = packageOf(url)
      this.frames.push({ name, url, line, ...(pkg ? { package: pkg } : {}), ...(file ? { file } : {}) })
      this.index.set(key, i)
    }
    return i
  }
}

/**
 * The samples of one side's processes, joined: per node its frame and parent (node indexes are global over the
 * joined processes), per sample its node, its absolute time and its duration (the time to the next sample, as
 * DevTools counts it; the last one's runs to the profile's end).
 */
export class SampleSet {
  readonly nodeFrame: number[] = []
  readonly nodeParent: number[] = []
  readonly sampleNode: number[] = []
  readonly sampleTime: number[] = []
  readonly sampleDuration: number[] = []
  processes = 0

  /** `root`: the side's checkout, whose files are named relative to it */
  constructor(
    readonly table: FrameTable,
    readonly root?: string
  ) {}

  /**
   * Adds one process's profile. V8 samples by the wall clock: a thread that waited for a CPU (a busy machine, a
   * cluster's workers on fewer cores) keeps being sampled, so its samples add up to more than the CPU it had. Given
   * `threadCpuUs`, the CPU time the sampled thread really ran, that time is dealt over the busy samples: each the
   * same share (`by: 'count'`, the default: a sample is one look at what ran, and a late look, the sampler thread
   * itself waiting for a CPU, does not make the function it saw last weigh more), or in proportion to the time to
   * the next sample (`by: 'time'`, as DevTools counts).
   */
  add(profile: CpuProfile, threadCpuUs?: number, by: 'count' | 'time' = 'count'): void {
    this.processes++
    const offset = this.nodeFrame.length
    const local = new Map<number, number>()
    profile.nodes.forEach((node, i) => local.set(node.id, offset + i))
    for (const node of profile.nodes) {
      this.nodeFrame.push(this.table.of(node.callFrame, this.root))
      this.nodeParent.push(-1)
    }
    for (const node of profile.nodes)
      for (const child of node.children ?? []) this.nodeParent[local.get(child)!] = local.get(node.id)!
    let time = profile.startTime
    const times = profile.timeDeltas.map(delta => (time += delta))
    const first = this.sampleNode.length
    let busy = 0
    let busyCount = 0
    for (let i = 0; i < profile.samples.length; i++) {
      const next = i + 1 < times.length ? times[i + 1]! : profile.endTime
      const duration = Math.max(0, next - times[i]!)
      this.sampleNode.push(local.get(profile.samples[i]!)!)
      this.sampleTime.push(times[i]!)
      this.sampleDuration.push(duration)
      if (!this.isIdle(first + i)) {
        busy += duration
        busyCount++
      }
    }
    if (threadCpuUs === undefined || !(busy > 0)) return
    const scale = threadCpuUs / busy
    for (let i = first; i < this.sampleNode.length; i++) {
      if (this.isIdle(i)) continue
      this.sampleDuration[i] = by === 'count' ? threadCpuUs / busyCount : this.sampleDuration[i]! * scale
    }
  }

  /** Whether a sample is idle time (the process waited), not CPU. */
  isIdle(sample: number): boolean {
    return this.table.frames[this.nodeFrame[this.sampleNode[sample]!]!]!.name === IDLE
  }

  /**
   * The frame a sample at `node` counts its self time to: the node's own, except for native code that perf saw (a
   * frame of a binary, a shared library, the kernel or V8's generated stubs) called from JavaScript, which counts to
   * the nearest JavaScript function that called it, as DevTools counts V8's runtime in a V8 profile; without a
   * JavaScript caller (a service that is not Node) the native frame keeps its time.
   */
  private readonly selfFrames = new Map<number, number>()
  selfFrame(node: number): number {
    let frame = this.selfFrames.get(node)
    if (frame === undefined) {
      frame = this.nodeFrame[node]!
      if (isNativeCode(this.table.frames[frame]!))
        for (let n = this.nodeParent[node]!; n >= 0; n = this.nodeParent[n]!)
          if (isScript(this.table.frames[this.nodeFrame[n]!]!)) {
            frame = this.nodeFrame[n]!
            break
          }
      this.selfFrames.set(node, frame)
    }
    return frame
  }

  /** The distinct frames on a node's stack (itself and its callers), each once even under recursion. */
  private readonly stacks = new Map<number, number[]>()
  stackFrames(node: number): number[] {
    let stack = this.stacks.get(node)
    if (!stack) {
      const frames = new Set<number>()
      for (let n = node; n >= 0; n = this.nodeParent[n]!) frames.add(this.nodeFrame[n]!)
      stack = [...frames]
      this.stacks.set(node, stack)
    }
    return stack
  }

  /** The call path of a node, root first, as frame indexes. */
  path(node: number): number[] {
    const path: number[] = []
    for (let n = node; n >= 0; n = this.nodeParent[n]!) path.push(this.nodeFrame[n]!)
    return path.reverse()
  }
}

/**
 * Profiles of several processes joined into one file that DevTools and speedscope open: the processes' call trees
 * under one root, their samples one process after another (each keeps its own time deltas), so every function's
 * time is the sum over the processes.
 */
export function joinCpuProfiles(profiles: readonly CpuProfile[]): CpuProfile {
  if (profiles.length === 1) return profiles[0]!
  const root: CpuProfileNode = {
    id: 1,
    callFrame: { functionName: '(root)', url: '', lineNumber: -1, columnNumber: -1, scriptId: '0' },
    children: []
  }
  const nodes: CpuProfileNode[] = [root]
  const samples: number[] = []
  const timeDeltas: number[] = []
  let nextId = 2
  const startTime = profiles[0]!.startTime
  // each process's [startTime, endTime] laid after the previous one's, in joined time
  let cursor = startTime
  let previous = startTime
  for (const profile of profiles) {
    const ids = new Map(profile.nodes.map(n => [n.id, nextId++]))
    const children = new Set(profile.nodes.flatMap(n => n.children ?? []))
    for (const node of profile.nodes) {
      const id = ids.get(node.id)!
      nodes.push({ ...node, id, children: (node.children ?? []).map(c => ids.get(c)!) })
      if (!children.has(node.id)) root.children!.push(id)
    }
    let time = profile.startTime
    profile.samples.forEach((s, i) => {
      time += profile.timeDeltas[i]!
      const joined = cursor + (time - profile.startTime)
      samples.push(ids.get(s)!)
      timeDeltas.push(joined - previous)
      previous = joined
    })
    cursor += profile.endTime - profile.startTime
  }
  return { nodes, startTime, endTime: cursor, samples, timeDeltas }
}
