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
