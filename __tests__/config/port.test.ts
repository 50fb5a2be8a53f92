import { describe, expect, it } from '@jest/globals'
import { parseConfig } from '../../src/config/load.js'
import { configErrorOf } from '../../__fixtures__/config.js'
import { freePorts, hasServicePort, servicePortUses, withServicePort } from '../../src/config/port.js'

const PORTED = `
version: 1
service:
  command: node server.js --port {{service.port}}
  env: { PORT: "{{ service.port }}", OTHER: "x" }
  ready: { url: "http://127.0.0.1:{{service.port}}/health" }
scenarios:
  - name: get
    request: { url: "http://127.0.0.1:{{service.port}}/items/{{seq}}" }
  - name: mix
    requests:
      - { url: "http://127.0.0.1:{{service.port}}/a" }
      - { url: "http://127.0.0.1:{{service.port}}/b?x={{random}}" }
compare: { design: slices, slice: 250ms, epochs: { min: 3, max: 12 } }
`

const problemsOf = (text: string): string => configErrorOf(text).message

describe('{{service.port}}', () => {
  it('is accepted in the service and the URLs, and filled per side', () => {
    const config = parseConfig(PORTED, 'perfgate.yml', '/repo')
    expect(config.compare).toMatchObject({ design: 'slices', sliceMs: 250, epochs: { min: 3, max: 12 } })
    expect(servicePortUses(config)).toEqual([
      'service.command',
      'service.env',
      'service.ready',
      'scenario urls'
    ])
    expect(hasServicePort(config)).toBe(true)
    const bound = withServicePort(config, 4321)
    expect(bound.service!.command).toBe('node server.js --port 4321')
    expect(bound.service!.env).toEqual({ PORT: '4321', OTHER: 'x' })
    expect(bound.service!.ready).toMatchObject({ kind: 'http', url: 'http://127.0.0.1:4321/health' })
    expect(bound.service!.preflightUrl).toBe('http://127.0.0.1:4321/health')
    expect(bound.scenarios[0]!.request.url).toBe('http://127.0.0.1:4321/items/{{seq}}')
    expect(bound.scenarios[1]!.mix!.map(r => r.url)).toEqual([
      'http://127.0.0.1:4321/a',
      'http://127.0.0.1:4321/b?x={{random}}'
    ])
    // the config itself is unchanged
    expect(config.service!.command).toContain('{{service.port}}')
  })

  it('works in a tcp ready probe', () => {
    const config = parseConfig(
      PORTED.replace(
        'ready: { url: "http://127.0.0.1:{{service.port}}/health" }',
        'ready: { tcp: "127.0.0.1:{{service.port}}" }'
      ),
      'perfgate.yml',
      '/repo'
    )
    expect(withServicePort(config, 5000).service!.ready).toMatchObject({
      kind: 'tcp',
      host: '127.0.0.1',
      port: 5000
    })
  })

  it('defaults: design auto, 500ms slices, epochs from the rounds minimum up to one per second of budget', () => {
    const config = parseConfig(
      PORTED.replace(
        'compare: { design: slices, slice: 250ms, epochs: { min: 3, max: 12 } }',
        'compare: { rounds: { min: 4, max: 9 } }'
      ),
      'perfgate.yml',
      '/repo'
    )
    expect(config.compare).toMatchObject({ design: 'auto', sliceMs: 500, epochs: { min: 4, max: 240 } })
  })

  it('must be used in the service and the URLs alike', () => {
    expect(
      problemsOf(
        PORTED.replace(/\{\{service\.port\}\}\/items/, '8080/items').replace(
          /\{\{service\.port\}\}\/(a|b)/g,
          '8080/$1'
        )
      )
    ).toMatch(
      /\{\{service\.port\}\} is used in service\.command, service\.env, service\.ready but not in the scenarios' URLs/
    )
  })

  it('slices and duet need it; a bad design or slice is a problem', () => {
    const fixed = PORTED.replace(/\{\{ ?service\.port ?\}\}/g, '8080')
    expect(problemsOf(fixed)).toMatch(/compare.design slices runs base and head side by side/)
    expect(problemsOf(PORTED.replace('design: slices', 'design: twins'))).toMatch(/design/)
    expect(problemsOf(PORTED.replace('slice: 250ms', 'slice: 10ms'))).toMatch(
      /a slice must last at least 50ms/
    )
    expect(problemsOf(PORTED.replace('epochs: { min: 3, max: 12 }', 'epochs: { min: 5, max: 4 }'))).toMatch(
      /epochs.min \(5\) must not exceed epochs.max \(4\)/
    )
  })

  it('freePorts gives distinct ports', async () => {
    const ports = await freePorts(2)
    expect(new Set(ports).size).toBe(2)
  })
})
