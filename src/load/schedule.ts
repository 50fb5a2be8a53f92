import type { RateLoad } from '../config/types.js'

/** Milliseconds from the start at which request `i` is due, for a constant rate or a linear ramp. */
export function scheduleOf(load: RateLoad): (i: number) => number {
  const ramp = load.ramp
  if (!ramp || ramp.overMs <= 0) return i => (i / load.rate) * 1000
  const a = ramp.from
  const slope = (ramp.to - ramp.from) / (ramp.overMs / 1000)
  const rampRequests = ((ramp.from + ramp.to) / 2) * (ramp.overMs / 1000)
  return i => {
    if (i >= rampRequests) return ramp.overMs + ((i - rampRequests) / ramp.to) * 1000
    // solve a t + slope t² / 2 = i for t (seconds)
    const t = slope === 0 ? i / a : (-a + Math.sqrt(a * a + 2 * slope * i)) / slope
    return t * 1000
  }
}

/** How many requests the schedule `due` puts before `ms` (due is increasing, so a binary search finds it). */
export function scheduledBefore(due: (i: number) => number, ms: number): number {
  let hi = 1
  while (due(hi) < ms && hi < 2 ** 40) hi *= 2
  let lo = 0
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2)
    if (due(mid) < ms) lo = mid + 1
    else hi = mid
  }
  return lo
}
