import { describe, expect, it } from '@jest/globals'
import { capSummary } from '../../src/action/summary.js'
import { renderSummary } from '../../src/report/markdown.js'
import { overallVerdict } from '../../src/compare/verdict.js'
import { check, report, scenarioReport } from '../../__fixtures__/report.js'

/** Every ``` fence and <details> of a markdown text is closed. */
function balanced(markdown: string): boolean {
  let fence: string | undefined
  let details = 0
  for (const line of markdown.split('\n')) {
    const run = /^(`{3,})/.exec(line)?.[1]
    if (fence) {
      if (run && run.length >= fence.length && line.slice(run.length).trim() === '') fence = undefined
    } else if (run) fence = run
    else if (line.startsWith('<details')) details++
    else if (line.startsWith('</details>')) details--
  }
  return fence === undefined && details === 0
}

describe('capSummary', () => {
  it('leaves a normal summary alone and cuts a huge one under 900 KiB at a line, closing what is open', () => {
    expect(capSummary('# ok\n')).toBe('# ok\n')
    const huge = [
      '```text',
      ...Array.from({ length: 40_000 }, (_, i) => `| row ${i} | ${'é'.repeat(20)} |`)
    ].join('\n')
    const cut = capSummary(huge)
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(900 * 1024)
    expect(cut).toMatch(
      /\| row \d+ \| é+ \|\n```\n\n… the rest cut to stay under GitHub’s 1 MiB summary limit/
    )
    expect(balanced(cut)).toBe(true)
  })

  it('a summary over 1 MiB keeps its verdict, headline and table, and drops detail sections first, fences closed', () => {
    const scenarios = Array.from({ length: 300 }, (_, i) =>
      i % 2
        ? scenarioReport({
            name: `s${i}`,
            verdict: 'fail',
            checks: [check({ verdict: 'fail', message: `s${i}: p95 too slow` })]
          })
        : scenarioReport({
            name: `s${i}`,
            verdict: 'errored',
            checks: [],
            error: {
              kind: 'crashed',
              message: 'the service exited during load',
              outputTail: Array.from({ length: 20 }, (_, l) => `line ${l} ${'x'.repeat(300)}`)
            }
          })
    )
    const full = renderSummary(
      { ...report({ scenarios }), verdict: overallVerdict(scenarios) },
      { runUrl: 'https://github.com/o/r/actions/runs/1' }
    )
    expect(Buffer.byteLength(full)).toBeGreaterThan(1024 * 1024)
    const cut = capSummary(full)
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(900 * 1024)
    expect(cut.startsWith(full.split('\n').slice(0, 3).join('\n'))).toBe(true)
    expect(cut).toMatch(/^### 💥 perfgate: ERRORED/)
    // the scenario table is whole: a row for every scenario, before any detail section
    for (const s of scenarios) expect(cut).toContain(`| ${s.name} |`)
    expect(cut).toMatch(/… \d+ detail sections left out to stay under GitHub’s 1 MiB summary limit/)
    expect(cut).not.toMatch(/the rest cut/)
    // the first scenarios' details stay, the last ones' go
    expect(cut).toContain('<summary>💥 s0: errored')
    expect(cut).not.toContain('<summary>❌ s299: fail')
    expect(balanced(cut)).toBe(true)
  })
})
