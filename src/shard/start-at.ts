/**
 * `--start-at TIME` (action input `start-at`): the wall-clock time every load leg starts measuring at, passed from
 * a job the legs `needs:`. ISO 8601 or epoch milliseconds. A leg waits until then; a time long past (a leg that
 * ran far too late) or too far ahead (a typo) is an error, and a leg a little late starts at once and its window
 * says when it really measured.
 */
import { ShardError } from './split.js'

/** a leg more than this late was not started with the others: an error rather than a window merge refuses */
export const START_AT_MAX_PAST_MS = 10 * 60_000
/** the legs' jobs wait at most this long for the shared start */
export const START_AT_MAX_FUTURE_MS = 30 * 60_000

/** Parses TIME (ISO 8601 with a zone, or epoch ms) and checks it against `now`; `source` names the flag or input. */
export function parseStartAt(text: string, now: number, source = '--start-at'): number {
  const trimmed = text.trim()
  const at = /^\d{12,}$/.test(trimmed)
    ? Number(trimmed)
    : /^\d{4}-\d\d-\d\dT.*(Z|[+-]\d\d:?\d\d)$/.test(trimmed)
      ? Date.parse(trimmed)
      : NaN
  if (!Number.isFinite(at))
    throw new ShardError(
      `${source} takes an ISO 8601 time with its zone (2026-12-01T07:30:00Z) or epoch milliseconds, got "${text}"`
    )
  const iso = new Date(at).toISOString()
  if (at < now - START_AT_MAX_PAST_MS)
    throw new ShardError(
      `${source} ${iso} is ${Math.round((now - at) / 1000)} s in the past (the limit is ${START_AT_MAX_PAST_MS / 60_000} min): this leg did not start with the others; re-run the legs with a new start time`
    )
  if (at > now + START_AT_MAX_FUTURE_MS)
    throw new ShardError(
      `${source} ${iso} is ${Math.round((at - now) / 60_000)} min in the future (the limit is ${START_AT_MAX_FUTURE_MS / 60_000} min)`
    )
  return at
}

/** Waits until `at` (epoch ms); resolves at once when it has passed. */
export async function waitUntil(at: number, now: () => number = Date.now): Promise<void> {
  for (let left = at - now(); left > 0; left = at - now())
    await new Promise(resolve => setTimeout(resolve, Math.min(left, 60_000)))
}
