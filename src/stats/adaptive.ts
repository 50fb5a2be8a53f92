import { isDecided, type RegressionDecision } from './decision.js'

export type Step = 'continue' | 'stop-decided' | 'stop-budget' | 'stop-max-rounds' | 'stop-catastrophic'

export interface LoopState {
  /** round pairs completed (each pair is one base and one head round) */
  rounds: number
  minRounds: number
  maxRounds: number
  elapsedMs: number
  budgetMs: number
  /** the time one more round pair is expected to take */
  perRoundMs: number
}

/** What nextStep reads from a decision (a RegressionDecision has all of it). */
export type StepDecision = Pick<RegressionDecision, 'verdict'> &
  Partial<Pick<RegressionDecision, 'interval' | 'direction' | 'tolerance' | 'firm'>>

/** Decided firmly enough to stop on before the round limit (a decision without `firm` counts as firm). */
export function canStopOn(decision: StepDecision): boolean {
  return isDecided(decision) && decision.firm !== false
}

/** How far beyond its tolerance a failing check must be, as a whole interval, to stop the loop at once. */
export const CATASTROPHIC_FACTOR = 3

/**
 * A failing check whose whole interval lies beyond 3x its tolerance on the log scale: the ratio is past
 * (1 - tolerance)^3 for a fall ("-5%" -> -14.3%) or (1 + tolerance)^3 for a rise ("+20%" -> +72.8%). Checks with
 * a zero tolerance, no interval or no direction are never catastrophic.
 */
export function isCatastrophic(decision: StepDecision): boolean {
  const { verdict, interval, direction, tolerance } = decision
  if (
    verdict !== 'fail' ||
    decision.firm === false ||
    !interval ||
    !direction ||
    !tolerance ||
    tolerance <= 0
  )
    return false
  if (direction === 'rise') return interval[0] > (1 + tolerance) ** CATASTROPHIC_FACTOR - 1
  if (tolerance >= 1) return false
  return interval[1] < (1 - tolerance) ** CATASTROPHIC_FACTOR - 1
}

/**
 * The adaptive loop's next move after a round pair. Decisions count only from `minRounds` on (a catastrophic
 * failure too), so every verdict rests on at least that many rounds. The round limit and the time budget are
 * hard limits: the budget stops the loop when one more round pair would overrun it, even below `minRounds`.
 */
export function nextStep(decisions: readonly StepDecision[], state: LoopState): Step {
  const { rounds, minRounds, maxRounds, elapsedMs, budgetMs, perRoundMs } = state
  if (rounds >= minRounds) {
    if (decisions.some(isCatastrophic)) return 'stop-catastrophic'
    if (decisions.every(canStopOn)) return 'stop-decided'
  }
  if (rounds >= maxRounds) return 'stop-max-rounds'
  if (elapsedMs + perRoundMs > budgetMs) return 'stop-budget'
  return 'continue'
}
