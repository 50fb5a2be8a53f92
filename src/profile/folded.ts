/**
 * `perf script` output and folded stacks: the samples `perf record -g` took (each a process, a time and its stack,
 * innermost frame first), turned into the V8 `.cpuprofile` shape the rest of profile/ reads (one profile per
 * process: a call tree, the node of each sample and the time between samples), so the per-function diff, its
 * blocks and its noise floor are the same for every runtime; and the folded-stack text (`frame;frame;frame count`,
 * outermost first) perfgate writes beside report.json for flame graph tools, with its parser.
 */
import type { CpuProfile, CpuProfileNode } from './cpuprofile.js'

/** A frame as perf names it: the symbol (or '[unknown]') and the object it is in (an ELF file, [kernel.kallsyms], a JIT map). */
export interface NativeFrame {
  symbol: string
  dso: string
}

export interface PerfSample {
  pid: number
  tid: number
  /** microseconds, on perf's clock */
  timeUs: number
  /** outermost frame first */
  stack: NativeFrame[]
}

/** The fields perfgate asks `perf script` for, in the order parsePerfScript reads them. */
export const PERF_SCRIPT_FIELDS = 'comm,pid,tid,time,ip,sym,dso'

const HEADER = /^(.*?)\s+(\d+)\/(\d+)\s+(\d+)\.(\d+):\s*$/
const FRAME = /^\s+([0-9a-f]+)\s+(.*?)\s+\((.*)\)\s*$/

/**
 * Reads `perf script -F comm,pid,tid,time,ip,sym,dso` output. Lines that fit neither a sample's header nor a frame
 * are skipped (perf's own warnings); a frame at address 0 that perf could not name ends a broken stack and is left out.
 */
export function parsePerfScript(text: string): PerfSample[] {
  const samples: PerfSample[] = []
  let current: { pid: number; tid: number; timeUs: number; leafFirst: NativeFrame[] } | undefined
  const flush = () => {
    if (current) samples.push({ ...current, stack: current.leafFirst.reverse() })
    current = undefined
  }
  for (const line of text.split('\n')) {
    if (!line.trim()) {
      flush()
      continue
    }
    const header = HEADER.exec(line)
    if (header) {
      flush()
      const fraction = header[5]!.padEnd(6, '0').slice(0, 6)
      current = {
        pid: Number(header[2]),
        tid: Number(header[3]),
        timeUs: Number(header[4]) * 1e6 + Number(fraction),
        leafFirst: []
      }
      continue
    }
    const frame = FRAME.exec(line)
    if (!frame || !current) continue
    const [, address, symbol, dso] = frame
    if (/^0+$/.test(address!) && symbol === '[unknown]') continue
    current.leafFirst.push({ symbol: symbol!, dso: dso! })
  }
  flush()
  return samples
}

/** A frame's one-word name in folded stacks: the symbol, or `[dso]` when perf could not name it. */
export function frameName(frame: NativeFrame): string {
  const name = frame.symbol === '[unknown]' ? `[${frame.dso.split('/').pop()}]` : frame.symbol
  // the folded format separates frames with ';' and the count with the last space
  return name.replace(/;/g, ':').replace(/\s+/g, '_')
}

/** Folded stacks of the samples: one line per distinct stack, outermost frame first, with its sample count. */
export function foldStacks(samples: readonly PerfSample[]): string {
  const counts = new Map<string, number>()
  for (const s of samples) {
    const key = s.stack.map(frameName).join(';') || '[no stack]'
    counts.set(key, (counts.get(key) ?? 0) + 1)
  }
  return [...counts].map(([stack, count]) => `${stack} ${count}\n`).join('')
}

/** Reads folded stacks (`a;b;c 12` per line) into stacks and counts; a line without a count is an error naming it. */
export function parseFolded(text: string, file = 'folded stacks'): Array<{ stack: string[]; count: number }> {
  const out: Array<{ stack: string[]; count: number }> = []
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return
    const at = line.lastIndexOf(' ')
    const count = Number(line.slice(at + 1))
    if (at <= 0 || !Number.isInteger(count) || count < 0)
      throw new Error(`${file}:${i + 1}: not a folded stack ("frame;frame count"): ${line.slice(0, 80)}`)
    out.push({ stack: line.slice(0, at).split(';'), count })
  })
  return out
}

/**
 * A JavaScript function as V8 names it in its perf map (`--perf-basic-prof`): `JS:*addedWork /srv/app.js:20:19`
 * (`*` optimized, `^` baseline, `~` interpreted, `+` Maglev), as a profile's call frame (its file and 0-based line).
 */
const JS_SYMBOL = /^(?:JS|LazyCompile|Function):[*~^+]?(.*?) (\S+?):(\d+)(?::\d+)?$/

function callFrameOf(frame: NativeFrame): CpuProfileNode['callFrame'] {
  const js = /[\\/]perf-\d+\.map$/.test(frame.dso) ? JS_SYMBOL.exec(frame.symbol) : null
  if (js) return { functionName: js[1] || '(anonymous)', url: js[2]!, lineNumber: Number(js[3]) - 1 }
  return { functionName: frameName(frame), url: frame.dso, lineNumber: -1 }
}

/**
 * One `.cpuprofile` per process from perf's samples: a call tree by function (a native symbol and its object, or
 * a JavaScript function of V8's perf map; V8's tiers of one function are one), each sample's node and the time
 * since the previous sample of that process. perf samples only a thread that runs, so there is no idle node.
 */
export function perfProfiles(samples: readonly PerfSample[], periodUs: number): Map<number, CpuProfile> {
  const byPid = new Map<number, PerfSample[]>()
  for (const s of samples) byPid.set(s.pid, [...(byPid.get(s.pid) ?? []), s])
  const profiles = new Map<number, CpuProfile>()
  for (const [pid, own] of byPid) {
    own.sort((a, b) => a.timeUs - b.timeUs)
    const root: CpuProfileNode = {
      id: 1,
      callFrame: { functionName: '(root)', url: '', lineNumber: -1 },
      children: []
    }
    const nodes: CpuProfileNode[] = [root]
    const childOf = new Map<string, number>()
    const nodeOf = (parent: CpuProfileNode, frame: NativeFrame): CpuProfileNode => {
      const callFrame = callFrameOf(frame)
      const key = `${parent.id}\u0000${callFrame.functionName}\u0000${callFrame.url}\u0000${callFrame.lineNumber}`
      const known = childOf.get(key)
      if (known !== undefined) return nodes[known - 1]!
      const node: CpuProfileNode = {
        id: nodes.length + 1,
        callFrame,
        children: []
      }
      nodes.push(node)
      parent.children!.push(node.id)
      childOf.set(key, node.id)
      return node
    }
    const startTime = own[0]!.timeUs - periodUs
    let last = startTime
    const sampleNodes: number[] = []
    const timeDeltas: number[] = []
    for (const s of own) {
      let node = root
      for (const frame of s.stack) node = nodeOf(node, frame)
      sampleNodes.push(node.id)
      timeDeltas.push(s.timeUs - last)
      last = s.timeUs
    }
    profiles.set(pid, { nodes, startTime, endTime: last + periodUs, samples: sampleNodes, timeDeltas })
  }
  return profiles
}
