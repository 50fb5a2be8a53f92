import type { Check } from '../model/check.js'
import type { Report } from '../model/report.js'
import type { ScenarioReport } from '../model/scenario.js'

/**
 * JUnit XML for the CI systems and test reporters that ingest it (GitLab, Jenkins, Buildkite, test-reporter
 * actions): one <testsuite> per scenario, one <testcase> per check.
 *
 *   pass, warn, accepted        passed (a warning or an acceptance is kept in <system-out>)
 *   fail                        <failure>
 *   inconclusive                <skipped> (or <failure> with on-inconclusive: fail)
 *   skipped                     <skipped>
 *   an errored scenario         <error> on each of its checks (one "measurement" testcase when it has none)
 */

/** XML text: escapes markup and drops characters XML 1.0 cannot hold. */
export function xmlText(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
  )
}

const attrs = (values: Record<string, string | number>) =>
  Object.entries(values)
    .map(([k, v]) => ` ${k}="${xmlText(String(v))}"`)
    .join('')

type Outcome = 'passed' | 'failure' | 'error' | 'skipped'

function outcome(check: Check, scenario: ScenarioReport, inconclusiveFails: boolean): Outcome {
  if (scenario.verdict === 'errored') return 'error'
  switch (check.verdict) {
    case 'fail':
      return 'failure'
    case 'inconclusive':
      return inconclusiveFails ? 'failure' : 'skipped'
    case 'skipped':
      return 'skipped'
    default:
      return 'passed'
  }
}

function where(check: Check): string {
  return check.source ? ` (${check.source.file}:${check.source.line})` : ''
}

function testcase(check: Check, scenario: ScenarioReport, inconclusiveFails: boolean): string {
  const name = `${check.kind} ${check.metric} ${check.expression}`
  const head = `    <testcase${attrs({ classname: `perfgate.${scenario.name}`, name, time: 0 })}`
  const result = outcome(check, scenario, inconclusiveFails)
  const message = `${check.message}${where(check)}`
  switch (result) {
    case 'failure':
      return `${head}>\n      <failure${attrs({ message, type: check.verdict })}>${xmlText(message)}</failure>\n    </testcase>`
    case 'error': {
      const why = scenario.error?.message ?? 'the measurement is invalid'
      return `${head}>\n      <error${attrs({ message: why, type: scenario.error?.kind ?? 'errored' })}>${xmlText(
        [why, ...(scenario.error?.outputTail ?? [])].join('\n')
      )}</error>\n    </testcase>`
    }
    case 'skipped':
      return `${head}>\n      <skipped${attrs({ message: `${check.verdict}: ${check.message}` })}/>\n    </testcase>`
    default:
      if (check.verdict === 'warn' || check.verdict === 'accepted')
        return `${head}>\n      <system-out>${xmlText(`${check.verdict}: ${message}${check.acceptedBy ? ` (accepted by ${check.acceptedBy})` : ''}`)}</system-out>\n    </testcase>`
      return `${head}/>`
  }
}

/** A scenario without checks still shows up: one "measurement" testcase (errored, or passed). */
function measurementCase(scenario: ScenarioReport): string {
  const head = `    <testcase${attrs({ classname: `perfgate.${scenario.name}`, name: 'measurement', time: 0 })}`
  if (scenario.verdict !== 'errored') return `${head}/>`
  const why = scenario.error?.message ?? 'the measurement is invalid'
  return `${head}>\n      <error${attrs({ message: why, type: scenario.error?.kind ?? 'errored' })}>${xmlText(why)}</error>\n    </testcase>`
}

export function renderJunit(report: Report): string {
  const inconclusiveFails = report.config.used?.onInconclusive === 'fail'
  const seconds = (report.durationMs / 1000).toFixed(3)
  const totals = { tests: 0, failures: 0, errors: 0, skipped: 0 }
  const suites = report.scenarios.map(scenario => {
    const cases = scenario.checks.length
      ? scenario.checks.map(check => ({
          xml: testcase(check, scenario, inconclusiveFails),
          result: outcome(check, scenario, inconclusiveFails)
        }))
      : [
          {
            xml: measurementCase(scenario),
            result: (scenario.verdict === 'errored' ? 'error' : 'passed') as Outcome
          }
        ]
    const count = (r: Outcome) => cases.filter(c => c.result === r).length
    const suite = {
      tests: cases.length,
      failures: count('failure'),
      errors: count('error'),
      skipped: count('skipped')
    }
    totals.tests += suite.tests
    totals.failures += suite.failures
    totals.errors += suite.errors
    totals.skipped += suite.skipped
    // the scenario's notes, in the words every format gives them (report/notes.ts)
    const notes = scenario.notes.length
      ? `\n    <system-out>${xmlText(scenario.notes.map(n => `note: ${n}`).join('\n'))}</system-out>`
      : ''
    return `  <testsuite${attrs({ name: scenario.name, ...suite, time: 0, timestamp: report.createdAt })}>\n${cases.map(c => c.xml).join('\n')}${notes}\n  </testsuite>`
  })
  // a merge that lacks a leg (or got a foreign one) is errored even when every scenario it holds passed
  const problems = report.merge?.problems ?? []
  if (problems.length) {
    const cases = problems.map(
      (p, i) =>
        `    <testcase${attrs({ classname: 'perfgate.merge', name: `legs ${i + 1}`, time: 0 })}>\n      <error${attrs({ message: p, type: 'merge' })}>${xmlText(p)}</error>\n    </testcase>`
    )
    totals.tests += problems.length
    totals.errors += problems.length
    suites.push(
      `  <testsuite${attrs({ name: 'perfgate merge', tests: problems.length, failures: 0, errors: problems.length, skipped: 0, time: 0, timestamp: report.createdAt })}>\n${cases.join('\n')}\n  </testsuite>`
    )
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${attrs({ name: `perfgate ${report.mode}`, ...totals, time: seconds })}>\n${suites.join('\n')}\n</testsuites>\n`
}
