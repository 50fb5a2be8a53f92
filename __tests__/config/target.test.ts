import { describe, expect, it } from '@jest/globals'
import { configHash, parseConfig } from '../../src/config/load.js'
import { configErrorOf } from '../../__fixtures__/config.js'
import { isRunningTarget } from '../../src/config/types.js'

const TARGET = `version: 1
ready: { url: "http://127.0.0.1:8080/health", timeout: 5s }
scenarios:
  - name: home
    request: { url: "http://127.0.0.1:8080/" }
    thresholds:
      latency.p99: "< 200ms"
`

const problemsOf = configErrorOf

describe('a running target (a config without a service section)', () => {
  it('resolves: no service, its ready probe, compared with the stored baseline only', () => {
    const config = parseConfig(TARGET, 'perfgate.yml', '/repo')
    expect(isRunningTarget(config)).toBe(true)
    expect(config.service).toBeUndefined()
    expect(config.ready).toEqual({
      kind: 'http',
      url: 'http://127.0.0.1:8080/health',
      timeoutMs: 5000,
      intervalMs: expect.any(Number)
    })
    expect(config.compare.mode).toBe('stored')
    expect(configHash(config)).toMatch(/^[0-9a-f]{16}$/)
  })

  it('needs no ready probe', () => {
    const config = parseConfig(TARGET.replace(/^ready:.*\n/m, ''), 'perfgate.yml', '/repo')
    expect(config.ready).toBeUndefined()
  })

  it('refuses checks on server.* metrics, each at the line and column of its metric', () => {
    const text = `${TARGET}      server.rss.peak: "< 256MB"
    regression:
      server.cpu.mean: "+20%"
      latency.p99: "+20%"
`
    const err = problemsOf(text)
    expect(err.problems.map(p => `${p.line}:${p.col} ${p.path}`)).toEqual([
      '8:7 /scenarios/0/thresholds/server.rss.peak',
      '10:7 /scenarios/0/regression/server.cpu.mean'
    ])
    expect(err.message).toContain(
      "perfgate.yml:8:7: server.rss.peak is measured from the service's processes, which perfgate does not start for a running target"
    )
  })

  it("drops a profile's server.* limits instead of refusing what the file does not say", () => {
    const config = parseConfig(`extends: web_server\n${TARGET}`, 'perfgate.yml', '/repo')
    expect(config.scenarios[0]!.thresholds.some(t => t.metric.startsWith('server.'))).toBe(false)
  })

  it('refuses base-vs-head settings, a log probe, {{service.port}} and a top-level ready beside a service', () => {
    const err = problemsOf(`version: 1
ready: { log: "listening" }
compare: { mode: interleaved, design: slices }
scenarios:
  - name: home
    request: { url: "http://127.0.0.1:{{service.port}}/" }
`)
    expect(err.problems.map(p => `${p.line}:${p.path}`)).toEqual([
      '2:/ready/log',
      '3:/compare/mode',
      '3:/compare/design',
      '5:/scenarios'
    ])
    expect(err.message).toContain('cannot be compared base-vs-head')
    const both = problemsOf(`version: 1
service: { command: node server.js, ready: { url: "http://127.0.0.1:8080/" } }
ready: { url: "http://127.0.0.1:8080/" }
scenarios:
  - name: home
    request: { url: "http://127.0.0.1:8080/" }
`)
    expect(both.problems.map(p => `${p.line}:${p.path}`)).toEqual(['3:/ready'])
  })
})
