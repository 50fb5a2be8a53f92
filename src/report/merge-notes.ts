/**
 * The words of a split suite's notes (model/note.ts's MergeNote), for report/notes.ts: the one place that words
 * a note hands these kinds here, with itself (`word`) for the leg's own note a `leg-note` wraps.
 */
import { formatMetric } from '../config/format.js'
import type { LegRef, LegSpan, MergeNote, NoteData } from '../model/note.js'

/** `leg K/N (source)`, or `leg K/N` for a leg named without its directory. */
export const legLabel = (leg: LegRef) =>
  `leg ${leg.index}/${leg.count}${leg.source !== undefined ? ` (${leg.source})` : ''}`

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`

/** A load leg's window: `leg K/N (source) +0.0 s to +30.0 s`. */
export const spanText = (span: LegSpan) =>
  `${legLabel(span.leg)} +${seconds(span.startMs)} to +${seconds(span.endMs)}`

export function mergeNoteMessage(note: MergeNote, word: (note: NoteData) => string): string {
  switch (note.kind) {
    case 'suite-shard':
      return `shard ${note.index}/${note.count}: ${note.measured} of the suite's ${note.suite} scenarios; perfgate merge joins the legs' reports into one verdict`
    case 'load-shard':
      return (
        `load shard ${note.index}/${note.count}: every scenario at 1/${note.count} of its load; perfgate merge joins the legs' histograms` +
        (note.lateMs !== undefined
          ? `; this leg started ${(note.lateMs / 1000).toFixed(1)} s after the shared start`
          : '')
      )
    case 'merged':
      return `merged from ${note.legs} of ${note.count} legs of a split suite (perfgate merge)`
    case 'merge-problem':
      return `merge: ${note.problem}`
    case 'load-windows':
      return `load legs' windows from ${note.from === 'shared-start' ? 'the shared start' : "the earliest leg's start"}: ${note.spans.map(spanText).join(', ')}`
    case 'leg-note':
      return `${legLabel(note.leg)}: ${typeof note.note === 'string' ? note.note : word(note.note)}`
    case 'leg-baseline':
      return `${legLabel(note.leg)}: ${note.said}`
    case 'leg-runner':
      return `${legLabel(note.leg)} ran on a different runner kind than leg ${note.first}: ${note.mismatches.join('; ')}`
    case 'load-leg-errored':
      return `${legLabel(note.leg)} errored: the joined load is not the configured load`
    case 'load-joined':
      return `joined from ${note.legs} load legs: latency from their summed histograms, counts and throughput added`
    case 'load-per-leg':
      return `per leg: ${note.legs
        .map(
          l =>
            `${legLabel(l.leg)} requests.total ${formatMetric('requests.total', l.requests)}, throughput.ok_rps ${formatMetric('throughput.ok_rps', l.rps)}, latency.p99 ${formatMetric('latency.p99', l.p99)}`
        )
        .join('; ')}`
    case 'load-lag-per-leg':
      return `generator lag per leg: ${note.legs.map(l => `${legLabel(l.leg)} ${formatMetric('generator.lag', l.lag)}`).join(', ')}`
  }
}
