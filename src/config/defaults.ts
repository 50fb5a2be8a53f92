/** Every default of the config, in one place. Durations in milliseconds. */
export const DEFAULTS = {
  warmupMs: 1000,
  durationMs: 10_000,
  connections: 10,
  rateConnections: 100,
  timeoutMs: 10_000,
  /** rate mode: p99 lateness of the generator's own schedule beyond which a run is errored */
  maxLagMs: 10,
  minRequests: 100,
  maxErrorRate: 0.05,
  readyTimeoutMs: 60_000,
  readyIntervalMs: 100,
  shutdownTimeoutMs: 5000,
  compare: {
    mode: 'interleaved',
    design: 'auto',
    sliceMs: 500,
    rounds: { min: 3, max: 15 },
    budgetMs: 240_000,
    confirm: false,
    confidence: 0.95
  },
  baseline: {
    store: 'branch',
    branch: 'perfgate-baselines',
    directory: '.perfgate/baselines',
    remote: 'origin',
    rounds: 3,
    noise: 0.1,
    onRunnerMismatch: 'inconclusive',
    saveOn: ['push', 'workflow_dispatch']
  },
  onInconclusive: 'warn',
  sweep: { kneeFactor: 2 },
  stress: { start: 10, step: 10, max: 200, maxErrorRate: 0.05, maxTimeMs: 120_000 },
  soak: { windowMs: 10_000 },
  /** config files larger than this are refused before parsing */
  maxFileBytes: 256 * 1024,
  maxAliasCount: 100
} as const

/**
 * The epochs of the slices and duet designs when the config names none: the rounds' minimum, and a maximum of one
 * epoch per second of budget, a ceiling the budget always reaches first (an epoch starts two processes and runs
 * at least four slices), so an undecided comparison runs on until its budget is spent rather than stopping at a
 * fixed count with budget left.
 */
export function defaultEpochs(
  rounds: { min: number; max: number },
  budgetMs: number
): { min: number; max: number } {
  return { min: rounds.min, max: Math.max(rounds.min, Math.ceil(budgetMs / 1000)) }
}
