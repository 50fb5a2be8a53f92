import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { METRICS } from '../../src/config/metrics.js'
import { parseRegression, parseThreshold } from '../../src/config/units.js'
import { parseConfig } from '../../src/config/load.js'
import { ConfigError } from '../../src/config/problems.js'
import { k6Hint } from '../../src/config/k6.js'

const schema = JSON.parse(readFileSync('schema/perfgate.schema.json', 'utf8'))
const scenario = schema.properties.scenarios.items.properties

const patternOf = (ref: string) => {
  const def = schema.definitions[ref.replace('#/definitions/', '')]
  return new RegExp(def.oneOf[0].pattern, 'u')
}

const accepts = (parse: () => unknown) => {
  try {
    parse()
    return true
  } catch {
    return false
  }
}

const EXPRESSIONS = [
  '< 50ms',
  '<=2s',
  '> 1500',
  '>= 1.5',
  '< .5%',
  '< 0.1%',
  '< 256MB',
  '< 1GiB',
  '> 100MB/s',
  '< 150%',
  '< 100%',
  '<= 100.0%',
  '< 100.5%',
  '< 99.99%',
  '< 0.5',
  '> 10rps',
  '< 10',
  '< 100us',
  '< 5m',
  '50ms',
  '< fast',
  '< 50 sec',
  '<< 5',
  '< 12KB',
  '> 3/s'
]

describe("the schema's metric properties", () => {
  it("each threshold pattern accepts exactly what perfgate's parser accepts (so editors and validate agree)", () => {
    for (const info of METRICS) {
      const pattern = patternOf(scenario.thresholds.properties[info.name].$ref)
      for (const expression of EXPRESSIONS)
        expect([info.name, expression, pattern.test(expression)]).toEqual([
          info.name,
          expression,
          accepts(() => parseThreshold(info.name, expression))
        ])
    }
  })

  it('each regression pattern accepts exactly the direction the metric may not go', () => {
    for (const info of METRICS.filter(m => m.better !== 'none')) {
      const pattern = patternOf(scenario.regression.properties[info.name].$ref)
      for (const expression of ['+20%', '-5%', '+ 2.5 %', '20%', '+20'])
        expect([info.name, expression, pattern.test(expression)]).toEqual([
          info.name,
          expression,
          accepts(() => parseRegression(info.name, expression))
        ])
    }
  })
})

const problemsOf = (yaml: string): string[] => {
  try {
    parseConfig(yaml, 'perfgate.yml', process.cwd())
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map(p => `${p.line}:${p.col}: ${p.message}`)
    throw err
  }
  return []
}

const config = (scenarioLines: string[], defaults = '{ duration: 5s }') =>
  [
    'version: 1',
    'service:',
    '  command: node server.js',
    '  ready: { url: http://127.0.0.1:8080/ }',
    `defaults: ${defaults}`,
    'scenarios:',
    '  - name: home',
    '    request: { url: http://127.0.0.1:8080/ }',
    ...scenarioLines,
    ''
  ].join('\n')

describe('config messages', () => {
  it('one message per problem: a bad duration or a wrong unit is reported once', () => {
    expect(problemsOf(config([], '{ duration: 10sec }'))).toEqual([
      '5:23: "10sec" is not a duration: write a number with a unit, like "500ms", "10s" or "2m"'
    ])
    expect(problemsOf(config(['    thresholds: { latency.p95: "< 50" }']))).toEqual([
      '9:32: latency.p95 needs a unit: write "< 50ms", not a bare number'
    ])
    expect(problemsOf(config(['    regression: { throughput.rps: "+5%" }']))).toHaveLength(1)
    expect(problemsOf(config(['    regression: { generator.rate.target: "+5%" }']))).toEqual([
      '9:42: generator.rate.target has no better direction, so it cannot have a regression limit'
    ])
  })

  it("a limit in k6's form gets the perfgate form", () => {
    expect(k6Hint('p(95)<200')).toBe(`k6's form in perfgate: p(95)<200 -> latency.p95: "< 200ms"`)
    expect(k6Hint('["p(99.9) < 1500", "avg<100"]')).toBe(
      `k6's form in perfgate: p(99.9)<1500 -> latency.p99.9: "< 1500ms", avg<100 -> latency.mean: "< 100ms"`
    )
    expect(k6Hint('rate<0.01')).toBe(`k6's form in perfgate: rate<0.01 -> errors.rate: "< 1%"`)
    expect(k6Hint('< 200ms')).toBeUndefined()
    const [valueForm] = problemsOf(config(['    thresholds: { latency.p95: "p(95)<200" }']))
    expect(valueForm).toContain('"p(95)<200" is not a threshold')
    expect(valueForm).toContain(`k6's form in perfgate: p(95)<200 -> latency.p95: "< 200ms"`)
    const keyForm = problemsOf(config(['    thresholds: { http_req_duration: ["p(95)<200"] }']))
    expect(keyForm).toEqual([
      `9:19: unknown metric "http_req_duration"; k6's form in perfgate: p(95)<200 -> latency.p95: "< 200ms"`
    ])
  })

  it('an unknown metric still gets a did-you-mean', () => {
    expect(problemsOf(config(['    thresholds: { latency.p999: "< 5ms" }']))).toEqual([
      '9:19: unknown metric "latency.p999"; did you mean "latency.p99.9"?'
    ])
  })
})
