/**
 * Load legs must have measured together: each leg sent 1/N of the load, so the joined figures are the configured
 * load only over the span every leg was sending. merge refuses legs whose windows overlap by less than 90%.
 */
import type { LegRef, MergeNote, MergeProblem } from '../model/note.js'

export const MIN_WINDOW_OVERLAP = 0.9

export interface Window {
  /** epoch ms */
  start: number
  end: number
}

/**
 * The share of the longest leg's window that every leg measured in: the common span (latest start to earliest
 * end) over the longest window. 1 for identical windows, 0 when two legs did not overlap at all.
 */
export function windowOverlap(windows: readonly Window[]): number {
  if (windows.length < 2) return 1
  const common = Math.min(...windows.map(w => w.end)) - Math.max(...windows.map(w => w.start))
  const longest = Math.max(...windows.map(w => w.end - w.start))
  if (longest <= 0) return common >= 0 ? 1 : 0
  return Math.max(0, Math.min(1, common / longest))
}

export interface LegWindowInput {
  leg: LegRef
  window?: { start: string; end: string; startAt?: string }
}

/** The problem with the legs' windows (each leg named), or none. Legs that recorded no window are named too. */
export function windowProblems(legs: readonly LegWindowInput[]): MergeProblem[] {
  if (legs.length < 2) return []
  const without = legs.filter(l => !l.window)
  if (without.length) return [{ kind: 'no-window', legs: without.map(l => l.leg) }]
  const windows = legs.map(l => ({ start: Date.parse(l.window!.start), end: Date.parse(l.window!.end) }))
  const overlap = windowOverlap(windows)
  if (overlap >= MIN_WINDOW_OVERLAP) return []
  const earliest = Math.min(...windows.map(w => w.start))
  const spans = legs.map((l, i) => ({
    leg: l.leg,
    startMs: windows[i]!.start - earliest,
    endMs: windows[i]!.end - earliest
  }))
  return [{ kind: 'windows-apart', overlap, needed: MIN_WINDOW_OVERLAP, spans }]
}

/** The legs' windows relative to the shared start (or the earliest leg's start), in one note. */
export function windowNotes(legs: readonly LegWindowInput[]): MergeNote[] {
  const withWindow = legs.filter(l => l.window)
  if (withWindow.length === 0) return []
  const startAt = withWindow.find(l => l.window!.startAt)?.window!.startAt
  const origin = startAt ? Date.parse(startAt) : Math.min(...withWindow.map(l => Date.parse(l.window!.start)))
  return [
    {
      kind: 'load-windows',
      from: startAt ? 'shared-start' : 'earliest-start',
      spans: withWindow.map(l => ({
        leg: l.leg,
        startMs: Date.parse(l.window!.start) - origin,
        endMs: Date.parse(l.window!.end) - origin
      }))
    }
  ]
}
