import { describe, expect, it } from '@jest/globals'
import {
  AnnotationBudget,
  type Annotation,
  configAnnotations,
  reportAnnotations
} from '../../src/action/annotations.js'
import { check, report, scenarioReport } from '../../__fixtures__/report.js'

describe('annotations', () => {
  it('a run’s budget shows the first 8 per level as they come, logs the rest and ends with one note per level', () => {
    const shown: Annotation[] = []
    const logged: Annotation[] = []
    const budget = new AnnotationBudget(
      a => shown.push(a),
      a => logged.push(a)
    )
    for (let i = 0; i < 20; i++) budget.add({ level: 'warning', title: 'perfgate', message: `w${i}` })
    budget.add({ level: 'error', title: 'perfgate', message: 'e0' })
    expect(shown.map(a => a.message)).toEqual([...Array.from({ length: 8 }, (_, i) => `w${i}`), 'e0'])
    expect(logged).toHaveLength(12)
    budget.finish()
    expect(shown.at(-1)).toEqual({
      level: 'warning',
      title: 'perfgate',
      message: '12 more warnings: see the job summary and the log'
    })
    budget.finish()
    expect(shown).toHaveLength(10)
  })

  it('puts config problems at their file, line and column', () => {
    const [a] = configAnnotations(
      [{ file: '/abs/perfgate.yml', line: 12, col: 7, path: '/defaults/conections', message: 'unknown key' }],
      'perfgate.yml'
    )
    expect(a).toEqual({
      level: 'error',
      title: 'perfgate config',
      message: 'unknown key [/defaults/conections]',
      file: 'perfgate.yml',
      line: 12,
      col: 7
    })
  })

  it('annotates failing checks at the line that set the limit, and errored scenarios', () => {
    const r = report({
      scenarios: [
        scenarioReport({
          checks: [
            check(),
            check({ verdict: 'fail', message: 'p95 too slow', source: { file: 'x', line: 9, col: 20 } }),
            check({ verdict: 'warn', severity: 'warn', message: 'p99 slowish' })
          ]
        }),
        scenarioReport({
          name: 'create',
          verdict: 'errored',
          checks: [],
          error: { kind: 'crashed', message: 'crashed' }
        })
      ]
    })
    const out = reportAnnotations(r, 'perfgate.yml')
    expect(out).toEqual([
      {
        level: 'error',
        title: 'perfgate: list-reservations latency.p95 fail',
        message: 'p95 too slow',
        file: 'perfgate.yml',
        line: 9,
        col: 20
      },
      { level: 'warning', title: 'perfgate: list-reservations latency.p95 warn', message: 'p99 slowish' },
      { level: 'error', title: 'perfgate: create errored', message: 'crashed' }
    ])
  })
})
