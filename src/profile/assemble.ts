/**
 * A ProfileReport from one or two profiled sides: summaries, the head's top functions, the functions that grew
 * beyond the noise (compare) and the differential flame graph, over one compact table of frames.
 */
import type { FlameNode, ProfileFrame, ProfileReport } from '../model/profile.js'
import type { FrameTable } from './cpuprofile.js'
import {
  DIFF_DEFAULTS,
  flameTree,
  increasedFunctions,
  sideCosts,
  sideSummary,
  topFunctions,
  type ProfiledSide
} from './diff.js'

export interface AssembleInput {
  scenario: string
  intervalUs: number
  durationMs: number
  table: FrameTable
  base?: ProfiledSide
  head: ProfiledSide
  confidence?: number
}

/** The flame graph's frames renumbered to a table of only the frames it draws. */
function compactFlame(
  flame: FlameNode | undefined,
  frames: readonly ProfileFrame[]
): { flame?: FlameNode; frames: ProfileFrame[] } {
  if (!flame) return { frames: [] }
  const used: ProfileFrame[] = []
  const index = new Map<number, number>()
  const walk = (node: FlameNode): FlameNode => {
    let i = index.get(node.frame)
    if (i === undefined) {
      i = used.length
      used.push(node.frame < 0 ? { name: 'all', url: '', line: 0 } : frames[node.frame]!)
      index.set(node.frame, i)
    }
    return { ...node, frame: i, children: node.children.map(walk) }
  }
  return { flame: walk(flame), frames: used }
}

export function assembleProfileReport(input: AssembleInput): ProfileReport {
  const frames = input.table.frames
  const head = sideCosts(input.head.samples)
  const base = input.base && sideCosts(input.base.samples)
  const increased =
    input.base && base
      ? increasedFunctions(
          frames,
          { costs: base, requests: input.base.requests },
          { costs: head, requests: input.head.requests },
          { confidence: input.confidence ?? DIFF_DEFAULTS.confidence }
        )
      : []
  const compact = compactFlame(flameTree({ base: input.base, head: input.head }), frames)
  return {
    mode: input.base ? 'compare' : 'run',
    scenario: input.scenario,
    intervalUs: input.intervalUs,
    durationMs: input.durationMs,
    ...(input.base && base ? { base: sideSummary(input.base, base) } : {}),
    head: sideSummary(input.head, head),
    increased,
    top: topFunctions(frames, head, input.head.requests),
    frames: compact.frames,
    ...(compact.flame ? { flame: compact.flame } : {}),
    // the caller adds the capture's notes, worded by report/notes.ts
    notes: []
  }
}
