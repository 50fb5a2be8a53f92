/**
 * The words of the profiling step's notes (model/note.ts's ProfileNote), for report/notes.ts: the one place
 * that words a note hands these kinds here.
 */
import { formatDuration } from '../config/format.js'
import type { ProfileNote } from '../model/note.js'

const formatMs = (ms: number) => formatDuration(ms * 1000)

export function profileNoteMessage(note: ProfileNote): string {
  switch (note.kind) {
    case 'not-profiled':
      return notProfiledMessage(note)
    case 'off-cpu':
      return "latency rose but the head's CPU per request did not: the time went to waiting (I/O, a lock, a timer, a slower dependency), which a CPU profile cannot see; trace the waits with another tool"
    case 'profiled-service':
      return serviceMessage(note)
    case 'profile-capture':
      return captureMessage(note)
  }
}

function notProfiledMessage(note: Extract<ProfileNote, { kind: 'not-profiled' }>): string {
  switch (note.why) {
    case 'running-target':
      return 'not profiled: a running target is not a process perfgate starts'
    case 'no-measurer':
      return 'not profiled: this measurer cannot profile'
    case 'no-profile':
      return `not profiled: the ${note.sides.join(' and ')} profile of ${note.scenario} could not be taken (see the notes above); the verdict stands`
    case 'budget':
      return `not profiled: ${note.scenarios.join(', ')} (one more profiling step of about ${formatMs(note.stepMs)} would pass the compare budget of ${formatMs(note.budgetMs)}); raise compare.budget to profile them too`
  }
}

function serviceMessage(note: Extract<ProfileNote, { kind: 'profiled-service' }>): string {
  switch (note.problem) {
    case 'start':
      return `the ${note.side} service could not be started for profiling: ${note.error}`
    case 'stop':
      return `the profiled ${note.side} service could not be stopped: ${note.error}`
    case 'exited':
      return `the ${note.side} service exited while it was profiled: its profile was dropped`
    case 'no-preload':
      return `the ${note.side} service was not profiled: none of its processes loaded perfgate's Node profiler (a service that is not Node, or one that clears NODE_OPTIONS), and ${note.perf}`
    case 'perf-attach':
      return `the ${note.side} service was not profiled: perf record could not attach to its processes`
  }
}

function captureMessage(note: Extract<ProfileNote, { kind: 'profile-capture' }>): string {
  switch (note.problem) {
    case 'left-out':
      return `the ${note.side} profile ${note.file} was left out: ${note.error}`
    case 'sent-none':
      return `${note.missing} of the ${note.processes} Node processes of the ${note.side} service sent no profile (exited, or busy past ${note.timeoutMs / 1000}s)`
    case 'too-large':
      return `${note.connections} connection(s) to the ${note.side} service's profile channel sent more than ${(note.maxBytes / 1e6).toFixed(0)} MB and were closed`
    case 'garbage':
      return `${note.lines} line(s) on the ${note.side} service's profile channel were not perfgate's protocol and were ignored`
    case 'perf-not-recorded':
      return `perf did not record the ${note.side} service`
    case 'perf-wrote-nothing':
      return `perf record of the ${note.side} service wrote nothing (exit ${note.exit}): ${note.error}`
    case 'perf-script':
      return `perf script could not read the ${note.side} recording: ${note.error}`
    case 'perf-no-samples':
      return `perf took no samples of the ${note.side} service (was it idle?)`
  }
}
