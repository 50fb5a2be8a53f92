/**
 * The one place that words a note (model/note.ts), as report/decisions.ts words a decision: the gate makes the
 * data, attaches these words, and every format (terminal, comment, HTML, JUnit) prints the same sentence.
 */
import { formatPercent } from '../config/format.js'
import type {
  DesignNote,
  MergeNote,
  Note,
  NoteData,
  ProfileNote,
  StepUnit,
  StopReason
} from '../model/note.js'
import { mergeNoteMessage } from './merge-notes.js'
import { profileNoteMessage } from './profile-notes.js'

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

function stopMessage(stop: Exclude<StopReason, 'stop-head-errored'>, unit: StepUnit): string {
  switch (stop) {
    case 'stop-decided':
      return 'every regression check was decided'
    case 'stop-budget':
      return 'the time budget was spent before every check was decided'
    case 'stop-max-rounds':
      return unit === 'epoch'
        ? 'the maximum number of epochs was reached'
        : 'the maximum number of rounds was reached'
    case 'stop-catastrophic':
      return 'stopped early: a regression is far beyond its tolerance'
  }
}

export function noteMessage(note: NoteData): string {
  switch (note.kind) {
    case 'base-dropped':
      return `${note.count} base ${note.unit}(s) errored and were not counted as data`
    case 'head-lagged':
      return `${note.count} head ${note.unit}(s) were not counted as data: the load generator fell behind its schedule there (a busy runner), which says nothing about the head`
    case 'no-regression-checks':
      return 'no regression checks configured: changes are reported, nothing is decided'
    case 'runner-noise':
      return (
        `runner noise: the ${note.rounds} base rounds alone (A/A) vary ±${formatPercent(note.roundSpread)} round to round in ${note.metric}, ` +
        `a noise floor of ±${formatPercent(note.projectedSpread)} over ${note.rounds} rounds, wider than its ${formatPercent(note.tolerance)} tolerance: ` +
        'on this runner a change that small cannot be told from noise'
      )
    case 'head-errored':
      return `stopped after ${note.unit} ${note.after}: the head errored in ${note.scenario}`
    case 'confirmation': {
      if (note.outcome === 'cut-short') {
        const why =
          note.stop === 'stop-budget'
            ? 'the time budget ran out'
            : note.stop === 'stop-head-errored'
              ? 'the head errored'
              : 'the comparison stopped'
        return `confirmation was cut short: only ${note.ran} of the ${note.planned} extra ${note.unit}s ran before ${why}`
      }
      const extra = plural(note.ran, `extra ${note.unit}`)
      return note.outcome === 'confirmed'
        ? `a failing verdict was confirmed with ${extra}`
        : `a failing verdict was re-measured with ${extra} and no longer fails`
    }
    case 'stopped':
      return stopMessage(note.stop, note.unit)
    case 'restarted':
      return `the ${note.side} service had exited and was restarted before ${note.scenario} (round${note.rounds.length > 1 ? 's' : ''} ${note.rounds.join(', ')})`
    case 'fresh-after-stress':
      return 'the scenario after a stress suite ran against a fresh service process in every round'
    case 'epoch-cpu':
      return 'server.cpu.mean and server.cpu.peak span the whole epoch, in which each service was loaded only during its own slices; server.cpu.per_request compares like for like'
    case 'remeasured': {
      const again =
        note.round !== undefined
          ? `round ${note.round} was measured again (one round per run at most)`
          : 'the run was measured again'
      return (
        `${again}: the load generator fell behind its schedule in ${note.scenarios.join(', ')}, which one pause of the ` +
        'machine also causes; a generator that falls behind again errors the scenario'
      )
    }
    case 'service-restarted':
      return `the service was restarted before ${note.scenario} because it had exited`
    case 'running-target':
      return "a running target: measured at the scenarios' URLs with no process started, so no server.* metrics; absolute limits and the stored baseline only"
    case 'rounds':
      return note.target
        ? `${note.rounds} rounds per scenario against the running target`
        : `${note.rounds} rounds per scenario, each against a fresh service process`
    case 'timeouts-left-out':
    case 'connections-reset': {
      const total = note.head + (note.base ?? 0)
      const sides = note.base !== undefined ? ` (head ${note.head}, base ${note.base})` : ''
      return note.kind === 'timeouts-left-out'
        ? `the latency percentiles leave out ${plural(total, 'request')} that timed out${sides}: ` +
            'they count in errors.rate, and a request that never answered does not make p99 faster'
        : `the service reset the connection of ${plural(total, 'request')}${sides}: ` +
            'they count in errors.rate, which stayed within max-error-rate'
    }
    case 'start-error':
      return `a service could not be ${note.failed}`
    case 'design':
      return `design: ${designMessage(note)}`
    case 'cpus':
      return `CPUs: ${cpusMessage(note)}`
    case 'base-source':
      return note.source === 'directory'
        ? `base from the directory ${note.dir}`
        : `base built from the merge-base ${note.sha.slice(0, 12)} in a git worktree`
    case 'history-anomaly': {
      const fmt = (v: number) => Number(v.toPrecision(4)).toString()
      return (
        `history: ${note.metric} ${fmt(note.value)} is ${Math.abs(note.z).toFixed(1)} SD ${note.z > 0 ? 'above' : 'below'} ` +
        `the last ${note.runs} stored runs (mean ${fmt(note.mean)} ± ${fmt(note.sd)})`
      )
    }
    default:
      // the profiling step's and the split suite's kinds; a kind with no words fails the typecheck here
      return isProfileNote(note) ? profileNoteMessage(note) : mergeNoteMessage(note, noteMessage)
  }
}

const PROFILE_KINDS: Record<ProfileNote['kind'], true> = {
  'not-profiled': true,
  'off-cpu': true,
  'profiled-service': true,
  'profile-capture': true
}

const isProfileNote = (note: ProfileNote | MergeNote): note is ProfileNote => note.kind in PROFILE_KINDS

const cpuList = (cpus: readonly number[]) => (cpus.length === 1 ? `CPU ${cpus[0]}` : `CPUs ${cpus.join(',')}`)

function cpusMessage(note: Extract<NoteData, { kind: 'cpus' }>): string {
  if (note.service.length && note.generator !== undefined)
    return `the service ran on ${cpuList(note.service)} (taskset), leaving ${cpuList([note.generator])} to the load generator`
  const why = {
    requested: 'service.cpus: shared',
    'one-cpu': 'one CPU',
    'no-taskset': 'no taskset on this runner'
  }
  return `the load generator and the service shared the CPUs (${why[note.shared ?? 'requested']})`
}

/** Which design ran and why, in one line (also the event perfgate logs when the comparison starts). */
export function designMessage(note: DesignNote): string {
  switch (note.design) {
    case 'rounds':
      if (note.why === 'requested')
        return 'compare.design is rounds: one side at a time, a fresh process per round'
      if (note.why === 'fixed-port')
        return (
          'sequential rounds: the config hard-codes its port, so base and head cannot run side by side ' +
          "(put {{service.port}} in service.command or service.env and in the scenarios' URLs to measure both at once)"
        )
      return `sequential rounds: scenario ${note.scenario} runs a ${note.suiteKind} suite, which is measured in whole rounds, not slices`
    case 'duet': {
      const pinned = note.base.length
        ? `services pinned with taskset to CPUs ${note.base.join(',')} (base) and ${note.head.join(',')} (head)`
        : 'services not pinned (no taskset on this runner)'
      return `duet: base and head up at once on their own ports and measured at the same time in ${note.sliceMs} ms slices, ${pinned}; ${note.cores} cores`
    }
    case 'slices': {
      const why =
        note.why === 'duet-needs-cores'
          ? `compare.design duet needs ${note.duetCores} cores and this runner has ${note.cores}`
          : note.why === 'requested'
            ? 'compare.design is slices'
            : `${note.cores} cores are too few for duet (${note.duetCores} needed)`
      return `fine interleaving: base and head up at once on their own ports, the load alternating between them in ${note.sliceMs} ms slices in randomized ABBA blocks, fresh processes each epoch; ${why}`
    }
  }
}

/** A note's data with its words. */
export const wordNote = (data: NoteData): Note => ({ ...data, message: noteMessage(data) })

/**
 * A report's (or a scenario's) notes from prose and data: `notes` holds every note's words in order (what
 * report.json always held), `noteData` the typed notes with their words.
 */
export function noteFields(notes: ReadonlyArray<string | NoteData>): { notes: string[]; noteData?: Note[] } {
  const data = notes.filter((n): n is NoteData => typeof n !== 'string').map(wordNote)
  return {
    notes: notes.map(n => (typeof n === 'string' ? n : noteMessage(n))),
    ...(data.length ? { noteData: data } : {})
  }
}

/**
 * The notes of a report (or a scenario, or a profile) as noteFields was given them: each note's data where it has
 * some, else its words. `noteData` is `notes`' typed subsequence, so each is matched to its words in order; a
 * report that predates noteData gives its words alone.
 */
export function noteItems(fields: {
  notes: readonly string[]
  noteData?: readonly Note[]
}): Array<string | Note> {
  const data = fields.noteData ?? []
  let next = 0
  return fields.notes.map(words => {
    const note = data[next]
    if (note?.message !== words) return words
    next++
    return note
  })
}
