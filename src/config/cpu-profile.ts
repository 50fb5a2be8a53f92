/**
 * The `profile` key: when perfgate profiles the service's CPU after the verdict (on-regression: when a regression
 * check fails or is inconclusive; always; never), for how long, and at which sampling interval.
 */
export type ProfileMode = 'on-regression' | 'always' | 'never'

export const PROFILE_MODES: readonly ProfileMode[] = ['on-regression', 'always', 'never']

export interface CpuProfileSpec {
  mode: ProfileMode
  /** the profiling step's whole length under load (both sides), ms */
  durationMs: number
  /** V8's sampling interval, µs */
  intervalUs: number
  /** a profile file over this size is left out with a note, bytes */
  maxBytes: number
}

export const PROFILE_DEFAULTS: CpuProfileSpec = {
  mode: 'on-regression',
  durationMs: 20_000,
  intervalUs: 1000,
  maxBytes: 50 * 1024 * 1024
}

/** The profile settings of a config, its defaults where it says nothing. */
export function cpuProfileOf(config: { cpuProfile?: CpuProfileSpec }): CpuProfileSpec {
  return config.cpuProfile ?? PROFILE_DEFAULTS
}

interface ProblemSink {
  problem(pointer: string, message: string): void
  duration(pointer: string, value: unknown, fallback: number): number
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** `profile: never` or `profile: { mode, duration, interval }` (the schema checked the shapes). */
export function resolveCpuProfile(raw: unknown, resolver: ProblemSink): CpuProfileSpec {
  const d = PROFILE_DEFAULTS
  if (typeof raw === 'string') return { ...d, mode: PROFILE_MODES.find(m => m === raw) ?? d.mode }
  if (!isObject(raw)) return d
  const mode = PROFILE_MODES.find(m => m === raw.mode) ?? d.mode
  const durationMs = resolver.duration('/profile/duration', raw.duration, d.durationMs)
  if (durationMs < 1000 || durationMs > 300_000)
    resolver.problem('/profile/duration', `profile.duration must be between 1s and 5m; got ${durationMs}ms`)
  const intervalUs = Math.round(
    resolver.duration('/profile/interval', raw.interval, d.intervalUs / 1000) * 1000
  )
  if (intervalUs < 50 || intervalUs > 100_000)
    resolver.problem(
      '/profile/interval',
      `profile.interval (V8's sampling interval) must be between 50us and 100ms; got ${intervalUs}us`
    )
  return { ...d, mode, durationMs, intervalUs }
}
