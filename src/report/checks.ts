import { formatMetric } from '../config/format.js'
import { serverMetricsUnsupported } from '../config/metrics.js'
import type { Check, CheckResult, LimitOp } from '../model/check.js'
import { decisionReason } from './decisions.js'

const BREACH_WORDS: Record<LimitOp, string> = {
  '<': 'is not under',
  '<=': 'is over',
  '>': 'is not over',
  '>=': 'is under'
}

/** The one line a check says to humans, from its data: every check message of perfgate is worded here. */
export function checkMessage(check: CheckResult): string {
  const { basis, metric } = check
  switch (basis.kind) {
    case 'limit': {
      const actualText = formatMetric(metric, check.actual ?? null)
      const limitText = formatMetric(metric, check.limit ?? null)
      return check.verdict === 'pass'
        ? `${metric} ${actualText} ${basis.op} ${limitText}`
        : `${metric} ${actualText} ${BREACH_WORDS[basis.op]} the limit ${basis.op} ${limitText}`
    }
    case 'not-measured':
      return (
        (basis.platform !== undefined
          ? serverMetricsUnsupported(basis.platform as NodeJS.Platform)
          : undefined
        )?.replace(/^not measured/, `${metric} was not measured`) ?? `${metric} was not measured in this run`
      )
    case 'no-direction':
      return `${metric} has no better direction to compare`
    case 'one-side':
      return `${metric} was not measured on both sides`
    case 'no-baseline':
      return 'no baseline to compare with: run perfgate compare, or store baselines'
    case 'no-stored-scenario':
      return `the stored run has no scenario named ${basis.scenario}`
    case 'decision':
      return basis.runnerMismatch
        ? `inconclusive: the stored run was measured on a different runner (${basis.runnerMismatch.join('; ')}); ${decisionReason(basis.decision)}`
        : decisionReason(basis.decision)
  }
}

/** A check for the report: its data and its message; the basis stays behind. */
export function wordCheck(result: CheckResult): Check {
  const { basis: _basis, ...data } = result
  return { ...data, message: checkMessage(result) }
}

export const wordChecks = (results: readonly CheckResult[]): Check[] => results.map(wordCheck)
