/**
 * The words of a split suite's notes (model/note.ts's MergeNote), for report/notes.ts: the one place that words
 * a note hands these kinds here, with itself (`word`) for the leg's own note a `leg-note` wraps.
 */
import { formatMetric } from '../config/format.js'
import type { LegRef, LegSpan, MergeNote, MergeProblem, NoteData } from '../model/note.js'

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
      return `merge: ${mergeProblemMessage(note.problem)}`
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

const list = (names: readonly string[]) => names.map(n => `"${n}"`).join(', ')
const shortSha = (sha: string | number) => (sha ? String(sha).slice(0, 12) : 'none')

/** What merge found wrong with the set of legs, in the words of merge.problems and the errored headline. */
export function mergeProblemMessage(problem: MergeProblem): string {
  switch (problem.kind) {
    case 'unreadable':
      return `leg ${problem.source}: ${problem.why}`
    case 'not-a-leg':
      return `leg ${problem.source} is not a leg of a split suite (its report.json has no shard: measure it with --shard K/N)`
    case 'foreign':
      return `${legLabel(problem.leg)} ${foreignWords(problem)}`
    case 'claim-mismatch':
      return `${legLabel(problem.leg)} says it measured ${list(problem.claimed)} but its report holds ${list(problem.reported)}; refusing it`
    case 'duplicated':
      return `leg ${problem.index}/${problem.count} is duplicated: ${problem.sources.join(' and ')} (download each leg's artifact once)`
    case 'load-leg-lacking':
      return `${legLabel(problem.leg)} is a load leg without ${list(problem.lacking)}`
    case 'measured-twice':
      return `scenario "${problem.scenario}" was measured by both ${problem.legs.map(legLabel).join(' and ')}`
    case 'missing':
      return (
        `leg ${problem.index}/${problem.count} is missing` +
        (problem.uncovered.length ? `: no leg measured ${list(problem.uncovered)}` : '') +
        ' (did it fail before writing its report, or was its artifact not downloaded?)'
      )
    case 'no-window':
      return `${problem.legs.map(legLabel).join(', ')} recorded no measurement window, so merge cannot tell that the load legs measured together`
    case 'windows-apart':
      return `the load legs' windows overlap by ${(problem.overlap * 100).toFixed(0)}%, under the ${problem.needed * 100}% needed to join them as one load (${problem.spans.map(spanText).join(', ')}): start them together with --start-at (action input start-at)`
    case 'uncovered':
      return `no leg measured ${list(problem.scenarios)}, which the suite holds`
    case 'strays':
      return `legs measured ${list(problem.scenarios)}, which the suite does not hold`
  }
}

function foreignWords(problem: Extract<MergeProblem, { kind: 'foreign' }>): string {
  const { value, others } = problem
  switch (problem.differs) {
    case 'config':
      return `is from another config (hash ${value}; the other legs have ${others})`
    case 'commit':
      return `is from another commit (${shortSha(value)}; the other legs measured ${shortSha(others)})`
    case 'shard-kind':
      return `is a ${value} shard (the other legs: ${others} shards)`
    case 'shard-count':
      return `is from a split into ${value} shards (the other legs: ${others})`
    case 'mode':
      return `is a ${value} report (the other legs: ${others})`
  }
}
