import { tQuantile } from './ci.js'
import { decideRegression } from './decide.js'

export interface AaNoise {
  /** half-width of the base-vs-base interval (a fraction); NaN with fewer than 4 base rounds */
  spread: number
  /** relative change of the second half vs the first; ideally near 0 */
  change: number
  /**
   * The noise floor a base-vs-head comparison over all the base rounds should expect, scaled from the A/A
   * spread (the A/A uses half the rounds). NaN with fewer than 4 base rounds.
   */
  projectedSpread: number
  /** true when the projected noise floor is wider than the tolerance: the runner is too noisy for that check */
  tooNoisy: (tolerance: number) => boolean
}

/**
 * A/A noise check inside a run: the base rounds split alternately into two halves (rounds 1, 3, 5 ... vs 2, 4,
 * 6 ...) compared as if base vs head, with the same method as the real comparison (paired on neighbours 1-2,
 * 3-4 ..., log scale). Identical code on both sides, so any spread is the runner's noise.
 */
export function aaNoiseCheck(base: number[], confidence: number): AaNoise {
  const values = base.filter(v => Number.isFinite(v))
  const halves = Math.floor(values.length / 2)
  const first = Array.from({ length: halves }, (_, k) => values[2 * k])
  const second = Array.from({ length: halves }, (_, k) => values[2 * k + 1])
  const pairs = first.map((_, k): [number, number] => [k, k])
  if (halves < 2) {
    return { spread: NaN, change: NaN, projectedSpread: NaN, tooNoisy: () => false }
  }
  const decision = decideRegression({
    metric: 'A/A',
    better: 'higher',
    direction: 'fall',
    tolerance: 0,
    base: first,
    head: second,
    pairs,
    confidence
  })
  const spread = decision.noiseFloor ?? NaN
  // A paired interval's half-width is t(pairs - 1) * sd / sqrt(pairs); rescale from `halves` to all the rounds.
  const q = 1 - (1 - confidence) / 2
  const rounds = values.length
  const projectedSpread =
    spread * (tQuantile(q, rounds - 1) / tQuantile(q, halves - 1)) * Math.sqrt(halves / rounds)
  return {
    spread,
    change: decision.change ?? NaN,
    projectedSpread,
    tooNoisy: tolerance => projectedSpread > tolerance
  }
}

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
 * round's variance, so an interval over n pairs is about t(n - 1) * sqrt(MSSD / n) wide on each side. Unlike
 * aaNoiseCheck it needs only 4 base rounds, the count the adaptive loop usually reaches.
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
