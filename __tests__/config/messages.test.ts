import { describe, expect, it } from '@jest/globals'
import { parseConfig } from '../../src/config/load.js'
import { ConfigError } from '../../src/config/problems.js'

/** Each problem of a config as `line:col: message [path]`, the way validate prints it. */
const problemsOf = (yaml: string): string[] => {
  try {
    parseConfig(yaml, 'perfgate.yml', process.cwd())
  } catch (err) {
    if (err instanceof ConfigError) return err.message.split(/\n(?=perfgate\.yml:)/).map(l => l.slice(13))
    throw err
  }
  return []
}

const config = (lines: string[], defaults = '{ duration: 5s }') =>
  [
    'version: 1',
    'service: { command: node server.js, ready: { url: "http://127.0.0.1:8080/" } }',
    `defaults: ${defaults}`,
    'scenarios:',
    ...lines,
    ''
  ].join('\n')

const scenario = (name: string, ...more: string[]) => [
  `  - name: ${name}`,
  '    request: { url: "http://127.0.0.1:8080/" }',
  ...more
]

describe('the gaps validate used to leave', () => {
  it('a negative duration must be positive, said once though every scenario inherits it', () => {
    expect(problemsOf(config([...scenario('a'), ...scenario('b')], '{ warmup: -2s }'))).toEqual([
      '3:21: "-2s" must be positive: a duration like "500ms", "10s" or "2m" [/defaults/warmup]'
    ])
    // inside a suite: the duration's own message, not the suite's "must be one of" as well
    expect(problemsOf(config(scenario('a', '    suite: { kind: soak, window: -1s }')))).toEqual([
      '7:34: "-1s" must be positive: a duration like "500ms", "10s" or "2m" [/scenarios/0/suite/window]'
    ])
    expect(problemsOf(config(scenario('a', '    max-error-rate: "-5%"')))[0]).toContain(
      '"-5%" must be positive: a percentage like "5%"'
    )
  })

  it('insecure: true on an http:// URL is an error', () => {
    const problems = problemsOf(
      config(['  - name: a', '    request: { url: "http://127.0.0.1:8080/", insecure: true }'])
    )
    expect(problems).toEqual([
      '6:57: insecure: true accepts any certificate of an https:// URL; this url is "http://127.0.0.1:8080/", which has no certificate: remove insecure [/scenarios/0/request/insecure]'
    ])
    expect(
      problemsOf(config(['  - name: a', '    request: { url: "https://127.0.0.1:8443/", insecure: true }']))
    ).toEqual([])
  })

  it('errors.rate above 100% and a percentage without its unit are errors', () => {
    expect(problemsOf(config(scenario('a', '    thresholds: { errors.rate: "< 150%" }')))).toEqual([
      '7:32: errors.rate is a share of the requests: at most 100%; got 150% [/scenarios/0/thresholds/errors.rate]'
    ])
    expect(problemsOf(config(scenario('a', '    thresholds: { errors.rate: "< 0.01" }')))).toEqual([
      '7:32: errors.rate needs a unit: write "< 0.1%", not a bare number [/scenarios/0/thresholds/errors.rate]'
    ])
    expect(problemsOf(config(scenario('a', '    thresholds: { server.cpu.mean: "< 150" }')))).toEqual([
      '7:36: server.cpu.mean needs a unit: write "< 150%" (of one core), not a bare number [/scenarios/0/thresholds/server.cpu.mean]'
    ])
    // more than one core is a CPU figure, not a mistake
    expect(problemsOf(config(scenario('a', '    thresholds: { server.cpu.mean: "< 150%" }')))).toEqual([])
  })

  it("a YAML syntax error shows the library's code frame and no empty path", () => {
    const [problem] = problemsOf('version: 1\nservice:\n  command: [a\n  b: c\n')
    expect(problem).toBe(
      '4:3: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]\n  command: [a\n  b: c\n  ^'
    )
    expect(problem).not.toContain('[/]')
  })
})
