import { tQuantile } from './ci.js'

/** Fewest base rounds the round-to-round noise check judges: 3 successive differences. */
export const MIN_NOISE_ROUNDS = 4

export interface BaseNoise {
  /** usable base rounds */
  rounds: number
  /** relative round-to-round spread of the base (one standard deviation); NaN below MIN_NOISE_ROUNDS */
  roundSpread: number
  /** the half-width a paired base-vs-head interval over as many rounds should expect (a fraction); NaN below MIN_NOISE_ROUNDS */
  projectedSpread: number
  tooNoisy: (tolerance: number) => boolean
}

/**
 * The runner's noise judged from the base rounds alone (identical code every round, so their spread is the runner's).
 * It uses successive differences on the log scale (the mean squared successive difference), which, like the
 * neighbour pairing of the real comparison, ignores a slow drift. One paired difference head - base has twice a
 * round's variance, so an interval over n pairs is about t(n - 1) * sqrt(MSSD / n) wide on each side. It needs
 * only 4 base rounds, the count the adaptive loop usually reaches.
 */
export function baseRoundNoise(base: number[], confidence: number): BaseNoise {
  const logs = base.filter(v => Number.isFinite(v) && v > 0).map(v => Math.log(v))
  const n = logs.length
  if (n < MIN_NOISE_ROUNDS) {
    return { rounds: n, roundSpread: NaN, projectedSpread: NaN, tooNoisy: () => false }
  }
  let squares = 0
  for (let i = 1; i < n; i++) squares += (logs[i]! - logs[i - 1]!) ** 2
  const mssd = squares / (n - 1)
  const q = 1 - (1 - confidence) / 2
  const halfWidth = tQuantile(q, n - 1) * Math.sqrt(mssd / n)
  const projectedSpread = Math.exp(halfWidth) - 1
  return {
    rounds: n,
    roundSpread: Math.exp(Math.sqrt(mssd / 2)) - 1,
    projectedSpread,
    tooNoisy: tolerance => projectedSpread > tolerance
  }
}
