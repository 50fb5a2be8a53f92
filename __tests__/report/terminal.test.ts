import { describe, expect, it } from '@jest/globals'
import { renderProgress, renderTerminal, COLOR } from '../../src/report/terminal.js'
import { check, regressionCheck, report, scenarioReport } from '../../__fixtures__/report.js'

describe('terminal output', () => {
  it('prints a table per scenario, what decided it and the headline', () => {
    const text = renderTerminal(
      report({
        verdict: 'fail',
        headline: 'perfgate failed: x',
        scenarios: [
          scenarioReport({ verdict: 'fail', checks: [check({ verdict: 'fail', message: 'p95 over' })] })
        ]
      })
    )
    expect(text).toContain('list-reservations  FAIL')
    expect(text).toContain('4,200 req/s')
    expect(text).toContain('What decided it:\n  list-reservations: p95 over')
    expect(text.trimEnd().split('\n').at(-1)).toMatch(/^FAIL {2}perfgate failed: x {2}\(5\.2 s\)$/)
  })

  it('shows an errored scenario with its output tail and no percentiles', () => {
    const text = renderTerminal(
      report({
        verdict: 'errored',
        scenarios: [
          scenarioReport({
            verdict: 'errored',
            checks: [],
            error: { kind: 'crashed', message: 'crashed', outputTail: ['Error: boom'] }
          })
        ]
      })
    )
    expect(text).toContain('measurement invalid: crashed')
    expect(text).toContain('| Error: boom')
    expect(text).not.toContain('req/s')
  })

  it('counts a regression check in rounds, or in epochs where the slices design decided it', () => {
    const regression = (unit?: 'epochs') =>
      renderTerminal(
        report({
          scenarios: [
            scenarioReport({
              checks: [
                regressionCheck({
                  change: 0.01,
                  interval: [-0.02, 0.03],
                  rounds: 5,
                  ...(unit ? { unit } : {})
                })
              ]
            })
          ]
        })
      )
    expect(regression()).toMatch(/\+3\.0%, 5 rounds, sees ±1\.0%\)/)
    expect(regression('epochs')).toMatch(/\+3\.0%, 5 epochs, sees ±1\.0%\)/)
  })

  it('says the smallest change a regression check could detect, only when it has one', () => {
    const render = (detectable: number | null) =>
      renderTerminal(
        report({
          scenarios: [scenarioReport({ checks: [regressionCheck({ interval: [-0.02, 0.03], detectable })] })]
        })
      )
    expect(render(0.025)).toMatch(/\(-2\.0% … \+3\.0%, 4 rounds, sees ±2\.5%\)/)
    expect(render(null)).toMatch(/\(-2\.0% … \+3\.0%, 4 rounds\)/)
  })

  it('shows the open model achieved vs target rate and schedule lag, and nothing of it in a closed model', () => {
    const closed = renderTerminal(report({ scenarios: [scenarioReport()] }))
    expect(closed).not.toContain('open model')
    const base = scenarioReport()
    const open = renderTerminal(
      report({
        scenarios: [
          scenarioReport({
            metrics: {
              ...base.metrics,
              'generator.rate.target': 800,
              'generator.rate.achieved': 640,
              'generator.lag': 2500
            }
          })
        ]
      })
    )
    expect(open).toMatch(/open model: sent 640 req\/s of 800 req\/s asked for, schedule p99 2\.5 ms late/)
  })

  it('colours verdicts only when asked', () => {
    expect(renderTerminal(report(), COLOR)).toContain('\u001b[32mPASS\u001b[39m')
    expect(renderTerminal(report())).not.toContain('\u001b[')
  })

  it('draws a progress line', () => {
    expect(
      renderProgress('head', {
        phase: 'measure',
        elapsedMs: 1500,
        totalMs: 3000,
        responses: 4000,
        errors: 2,
        currentRps: 2650.4
      })
    ).toBe('head [##########..........] 50% measure 2650 req/s, 4000 responses, 2 errors')
  })
})
