import type { CheckData, CheckVerdict, Verdict } from '../model/check.js'
import type { ScenarioReport } from '../model/scenario.js'

/**
 * Every verdict of a scenario or a check, worst first: the one order perfgate picks the worst verdict by and sorts
 * checks by (an accepted regression ranks below a warning and above a pass; skipped is the least of all).
 */
export const VERDICT_ORDER = [
  'errored',
  'fail',
  'inconclusive',
  'warn',
  'accepted',
  'pass',
  'skipped'
] as const

/** How bad a verdict is: higher is worse. */
export function verdictRank(verdict: Verdict | CheckVerdict): number {
  return VERDICT_ORDER.length - 1 - VERDICT_ORDER.indexOf(verdict)
}

/** The worse of two verdicts. */
export const worse = <V extends Verdict | CheckVerdict>(a: V, b: V): V =>
  verdictRank(b) > verdictRank(a) ? b : a

/** The verdict of one scenario from its checks; an errored measurement decides nothing else. */
export function scenarioVerdict(checks: readonly Pick<CheckData, 'verdict'>[], errored: boolean): Verdict {
  if (errored) return 'errored'
  if (checks.length === 0) return 'pass'
  const worst = checks.reduce<CheckVerdict>((acc, c) => worse(acc, c.verdict), 'skipped')
  if (worst === 'accepted') return 'warn'
  if (worst === 'skipped') return checks.every(c => c.verdict === 'skipped') ? 'skipped' : 'pass'
  return worst
}

/** The run's verdict: its worst scenario's (pass when there is none). */
export function overallVerdict(scenarios: readonly Pick<ScenarioReport, 'verdict'>[]): Verdict {
  return scenarios.reduce<Verdict>((acc, s) => worse(acc, s.verdict), scenarios.length ? 'skipped' : 'pass')
}

/** Whether the job fails. `inconclusive` fails only with on-inconclusive: fail. */
export function jobFails(verdict: Verdict, onInconclusive: 'warn' | 'fail'): boolean {
  return (
    verdict === 'fail' || verdict === 'errored' || (verdict === 'inconclusive' && onInconclusive === 'fail')
  )
}

export function exitCodeFor(verdict: Verdict, onInconclusive: 'warn' | 'fail'): 0 | 1 | 2 {
  if (verdict === 'errored') return 2
  return jobFails(verdict, onInconclusive) ? 1 : 0
}
