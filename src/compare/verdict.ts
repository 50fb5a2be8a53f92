import type { CheckData, CheckVerdict, Verdict } from '../model/check.js'
import type { ScenarioReport } from '../model/scenario.js'

/** How bad a check's verdict is, for picking the worst of several */
export const CHECK_RANK: Record<CheckVerdict, number> = {
  skipped: 0,
  pass: 1,
  accepted: 2,
  warn: 3,
  inconclusive: 4,
  fail: 5
}

/** The verdict of one scenario from its checks; an errored measurement decides nothing else. */
export function scenarioVerdict(checks: readonly Pick<CheckData, 'verdict'>[], errored: boolean): Verdict {
  if (errored) return 'errored'
  if (checks.length === 0) return 'pass'
  const worst = checks.reduce<CheckVerdict>(
    (acc, c) => (CHECK_RANK[c.verdict] > CHECK_RANK[acc] ? c.verdict : acc),
    'skipped'
  )
  if (worst === 'accepted') return 'warn'
  if (worst === 'skipped') return checks.every(c => c.verdict === 'skipped') ? 'skipped' : 'pass'
  return worst
}

const OVERALL_ORDER: Verdict[] = ['errored', 'fail', 'inconclusive', 'warn', 'pass', 'skipped']

export function overallVerdict(scenarios: readonly Pick<ScenarioReport, 'verdict'>[]): Verdict {
  for (const v of OVERALL_ORDER) if (scenarios.some(s => s.verdict === v)) return v
  return 'pass'
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
