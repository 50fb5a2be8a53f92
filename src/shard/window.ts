/**
 * A load leg's window: the wall-clock span from its first load's start to its last load's end, taken from the
 * gate's own events, so a leg that started late (a slow runner, a late job) records when it really measured.
 */
export interface LegWindow {
  /** epoch ms */
  start: number
  end: number
}

/** Wraps `events`: the wrapped sink notes the first measure-start and the last measure-end. */
export function windowRecorder<E extends { type: string }>(
  events: (event: E) => void,
  now: () => number = Date.now
): { events: (event: E) => void; window: () => LegWindow | undefined } {
  let start: number | undefined
  let end: number | undefined
  return {
    events: (event: E) => {
      if (event.type === 'measure-start') start ??= now()
      if (event.type === 'measure-end') end = now()
      events(event)
    },
    window: () => (start !== undefined && end !== undefined ? { start, end } : undefined)
  }
}
