import { describe, expect, it } from '@jest/globals'
import { isCatastrophic, nextStep, type LoopState, type StepDecision } from '../../src/stats/adaptive.js'
import { decideRegression } from '../../src/stats/decide.js'

const state = (extra: Partial<LoopState> = {}): LoopState => ({
  rounds: 5,
  minRounds: 3,
  maxRounds: 15,
  elapsedMs: 60_000,
  budgetMs: 240_000,
  perRoundMs: 12_000,
  ...extra
})

const pass: StepDecision = {
  verdict: 'pass',
  firm: true,
  interval: [-0.02, 0.03],
  direction: 'fall',
  tolerance: 0.05
}
const unsure: StepDecision = {
  verdict: 'inconclusive',
  firm: false,
  interval: [-0.1, 0.03],
  direction: 'fall',
  tolerance: 0.05
}
const failNear: StepDecision = {
  verdict: 'fail',
  firm: true,
  interval: [-0.12, -0.07],
  direction: 'fall',
  tolerance: 0.05
}
const failFar: StepDecision = {
  verdict: 'fail',
  firm: true,
  interval: [-0.55, -0.45],
  direction: 'fall',
  tolerance: 0.05
}

describe('nextStep', () => {
  it('continues while a check is undecided and rounds and budget remain', () => {
    expect(nextStep([pass, unsure], state())).toBe('continue')
  })

  it('stops once every check is firmly decided, but never before the minimum rounds', () => {
    expect(nextStep([pass, failNear], state())).toBe('stop-decided')
    expect(nextStep([pass, failNear], state({ rounds: 2 }))).toBe('continue')
    expect(nextStep([], state({ rounds: 3 }))).toBe('stop-decided')
  })

  it('does not stop early on a verdict that only the plain interval supports', () => {
    expect(nextStep([pass, { ...failNear, firm: false }], state())).toBe('continue')
    // a decision without the `firm` field counts as firm
    expect(nextStep([{ verdict: 'pass' }], state())).toBe('stop-decided')
  })

  it('stops at the round limit whatever the decisions say', () => {
    expect(nextStep([unsure], state({ rounds: 15 }))).toBe('stop-max-rounds')
    expect(nextStep([{ ...failNear, firm: false }], state({ rounds: 15 }))).toBe('stop-max-rounds')
    expect(nextStep([pass], state({ rounds: 15 }))).toBe('stop-decided')
  })

  it('stops when one more round pair would overrun the budget, even below the minimum rounds', () => {
    expect(nextStep([unsure], state({ elapsedMs: 230_000 }))).toBe('stop-budget')
    expect(nextStep([unsure], state({ elapsedMs: 228_000 }))).toBe('continue')
    expect(nextStep([unsure], state({ rounds: 1, elapsedMs: 200_000, perRoundMs: 200_000 }))).toBe(
      'stop-budget'
    )
  })

  it('stops at once on a catastrophic failure even when other checks are undecided', () => {
    expect(nextStep([unsure, failFar], state({ rounds: 3 }))).toBe('stop-catastrophic')
    expect(nextStep([unsure, failFar], state({ rounds: 2 }))).toBe('continue')
    expect(nextStep([unsure, failNear], state({ rounds: 3 }))).toBe('continue')
  })
})

describe('isCatastrophic', () => {
  it('needs the whole interval beyond 3x the tolerance on the log scale', () => {
    // (1 - 0.05)^3 - 1 = -14.26%
    expect(isCatastrophic({ ...failFar, interval: [-0.3, -0.15] })).toBe(true)
    expect(isCatastrophic({ ...failFar, interval: [-0.3, -0.14] })).toBe(false)
    // (1 + 0.2)^3 - 1 = +72.8%
    const rise: StepDecision = {
      verdict: 'fail',
      firm: true,
      direction: 'rise',
      tolerance: 0.2,
      interval: [0.73, 1.4]
    }
    expect(isCatastrophic(rise)).toBe(true)
    expect(isCatastrophic({ ...rise, interval: [0.7, 1.4] })).toBe(false)
  })

  it('is never true for passes, soft fails, zero tolerances or missing intervals', () => {
    expect(isCatastrophic({ ...failFar, verdict: 'pass' })).toBe(false)
    expect(isCatastrophic({ ...failFar, firm: false })).toBe(false)
    expect(isCatastrophic({ ...failFar, tolerance: 0 })).toBe(false)
    expect(isCatastrophic({ ...failFar, interval: null })).toBe(false)
  })

  it('recognises a 50% throughput drop after the minimum rounds', () => {
    const d = decideRegression({
      metric: 'throughput.rps',
      better: 'higher',
      direction: 'fall',
      tolerance: 0.05,
      base: [1000, 1080, 950],
      head: [500, 530, 470],
      pairs: [
        [0, 0],
        [1, 1],
        [2, 2]
      ],
      confidence: 0.95
    })
    expect(d.verdict).toBe('fail')
    expect(nextStep([d, unsure], state({ rounds: 3 }))).toBe('stop-catastrophic')
  })
})
