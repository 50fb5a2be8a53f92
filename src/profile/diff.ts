/**
 * Per-function CPU per request of a side, and the diff of base and head with a noise floor. Each side's samples
 * are split by time into blocks; in each block a function's share of the side's CPU, times the side's CPU per
 * request over the whole profile, is one estimate of its CPU per request; Welch's interval over the blocks of
 * both sides is the change's interval. A function is reported only when that interval lies above zero and the
 * change is at least `minShare` of the base's CPU per request (docs/profiles.md).
 */
import type {
  FlameNode,
  FunctionChange,
  FunctionCost,
  ProfileFrame,
  ProfileSideSummary
} from '../model/profile.js'
import { welchInterval } from '../stats/ci.js'
import type { SampleSet } from './cpuprofile.js'

/** One side: its joined samples and the requests it answered while profiled. */
export interface ProfiledSide {
  samples: SampleSet
  requests: number
}

/** Per frame: self and total CPU time (µs) over the whole profile and in each block. */
export interface SideCosts {
  cpuUs: number
  samples: number
  blocks: number
  self: Map<number, number>
  total: Map<number, number>
  /** per block: each frame's self time, and the block's CPU */
  blockSelf: Array<Map<number, number>>
  blockCpu: number[]
}

/** At least 2 blocks, one per MIN_BLOCK_SAMPLES CPU samples (a function of a tenth of the CPU has ~5 samples in each), at most MAX_BLOCKS. */
export const MIN_BLOCK_SAMPLES = 50
export const MAX_BLOCKS = 30

export const DIFF_DEFAULTS = { confidence: 0.99, minShare: 0.02, top: 10 }

const add = (map: Map<number, number>, key: number, value: number) =>
  map.set(key, (map.get(key) ?? 0) + value)

/**
 * A side's costs per frame, its CPU samples split in time order into blocks of equal sample counts: a side that
 * was loaded only in its own slices (the slices design) has idle stretches, and a block of equal width could fall
 * into one and hold no CPU at all.
 */
export function sideCosts(set: SampleSet): SideCosts {
  const cpuSamples: number[] = []
  for (let i = 0; i < set.sampleNode.length; i++) if (!set.isIdle(i)) cpuSamples.push(i)
  const blocks = Math.max(2, Math.min(MAX_BLOCKS, Math.floor(cpuSamples.length / MIN_BLOCK_SAMPLES)))
  const times = set.sampleTime
  cpuSamples.sort((x, y) => times[x]! - times[y]!)
  const costs: SideCosts = {
    cpuUs: 0,
    samples: cpuSamples.length,
    blocks,
    self: new Map(),
    total: new Map(),
    blockSelf: Array.from({ length: blocks }, () => new Map()),
    blockCpu: new Array<number>(blocks).fill(0)
  }
  cpuSamples.forEach((i, rank) => {
    const node = set.sampleNode[i]!
    const duration = set.sampleDuration[i]!
    const block = Math.floor((rank * blocks) / cpuSamples.length)
    const frame = set.selfFrame(node)
    costs.cpuUs += duration
    add(costs.self, frame, duration)
    add(costs.blockSelf[block]!, frame, duration)
    costs.blockCpu[block]! += duration
    for (const f of set.stackFrames(node)) add(costs.total, f, duration)
  })
  return costs
}

export function sideSummary(side: ProfiledSide, costs: SideCosts): ProfileSideSummary {
  return {
    processes: side.samples.processes,
    samples: costs.samples,
    cpuUs: costs.cpuUs,
    requests: side.requests,
    cpuPerRequestUs: side.requests > 0 ? costs.cpuUs / side.requests : 0,
    blocks: costs.blocks
  }
}

/** A frame's CPU per request in each block: its share of the block's CPU times the side's CPU per request. */
function blockEstimates(costs: SideCosts, frame: number, perRequest: number): number[] {
  return costs.blockSelf.map((self, b) =>
    costs.blockCpu[b]! > 0 ? ((self.get(frame) ?? 0) / costs.blockCpu[b]!) * perRequest : 0
  )
}

/** The side's top functions by self CPU per request. */
export function topFunctions(
  frames: readonly ProfileFrame[],
  costs: SideCosts,
  requests: number,
  count = DIFF_DEFAULTS.top
): FunctionCost[] {
  const per = (us: number) => (requests > 0 ? us / requests : 0)
  return [...costs.self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([frame, self]) => ({
      frame: frames[frame]!,
      selfUs: per(self),
      totalUs: per(costs.total.get(frame) ?? self)
    }))
}

/**
 * The functions whose self CPU per request rose from base to head beyond the noise (the interval's low end above
 * zero) and by at least minShare of the base's CPU per request, largest change first.
 */
export function increasedFunctions(
  frames: readonly ProfileFrame[],
  base: { costs: SideCosts; requests: number },
  head: { costs: SideCosts; requests: number },
  options: Partial<typeof DIFF_DEFAULTS> = {}
): FunctionChange[] {
  const { confidence, minShare } = { ...DIFF_DEFAULTS, ...options }
  const basePer = base.requests > 0 ? base.costs.cpuUs / base.requests : 0
  const headPer = head.requests > 0 ? head.costs.cpuUs / head.requests : 0
  if (basePer <= 0 || headPer <= 0) return []
  const per = (us: number | undefined, requests: number) => (us ?? 0) / requests
  const changes: FunctionChange[] = []
  for (const [frame, headSelf] of head.costs.self) {
    const baseSelf = base.costs.self.get(frame) ?? 0
    const change = per(headSelf, head.requests) - per(baseSelf, base.requests)
    if (change < minShare * basePer) continue
    const interval = welchInterval(
      blockEstimates(base.costs, frame, basePer),
      blockEstimates(head.costs, frame, headPer),
      confidence
    )
    if (interval.low <= 0) continue
    changes.push({
      frame: frames[frame]!,
      base: {
        selfUs: per(baseSelf, base.requests),
        totalUs: per(base.costs.total.get(frame), base.requests)
      },
      head: {
        selfUs: per(headSelf, head.requests),
        totalUs: per(head.costs.total.get(frame), head.requests)
      },
      changeUs: change,
      lowUs: interval.low,
      highUs: interval.high,
      shareOfBase: change / basePer
    })
  }
  return changes.sort((a, b) => b.changeUs - a.changeUs)
}

interface Trie {
  frame: number
  base: number
  head: number
  children: Map<number, Trie>
}

/**
 * The merged call tree of both sides for the differential flame graph: every call path's total CPU per request
 * on each side; paths under `minFraction` of the larger side's CPU per request are folded away, and idle time is
 * left out.
 */
export function flameTree(
  sides: Partial<Record<'base' | 'head', ProfiledSide>>,
  minFraction = 0.002
): FlameNode | undefined {
  const root: Trie = { frame: -1, base: 0, head: 0, children: new Map() }
  let largest = 0
  for (const key of ['base', 'head'] as const) {
    const side = sides[key]
    if (!side || side.requests <= 0) continue
    const set = side.samples
    const paths = new Map<number, Trie[]>()
    let cpu = 0
    for (let i = 0; i < set.sampleNode.length; i++) {
      if (set.isIdle(i)) continue
      const node = set.sampleNode[i]!
      let chain = paths.get(node)
      if (!chain) {
        chain = []
        let at = root
        // the process's own (root) node is left out: the graph's root stands for all of them
        for (const frame of set.path(node).slice(1)) {
          let next = at.children.get(frame)
          if (!next) at.children.set(frame, (next = { frame, base: 0, head: 0, children: new Map() }))
          chain.push(next)
          at = next
        }
        paths.set(node, chain)
      }
      const value = set.sampleDuration[i]! / side.requests
      cpu += value
      root[key] += value
      for (const t of chain) t[key] += value
    }
    largest = Math.max(largest, cpu)
  }
  if (largest === 0) return undefined
  const floor = largest * minFraction
  const build = (t: Trie): FlameNode => ({
    frame: t.frame,
    base: round(t.base),
    head: round(t.head),
    children: [...t.children.values()]
      .filter(c => Math.max(c.base, c.head) >= floor)
      .sort((a, b) => b.head + b.base - (a.head + a.base))
      .map(build)
  })
  return build(root)
}

const round = (x: number) => Math.round(x * 100) / 100
