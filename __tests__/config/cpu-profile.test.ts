import { describe, expect, it } from '@jest/globals'
import { parseConfig } from '../../src/config/load.js'
import { cpuProfileOf, PROFILE_DEFAULTS } from '../../src/config/cpu-profile.js'
import { configErrorOf } from '../../__fixtures__/config.js'

const BASE = `version: 1
service:
  command: node server.js
  ready: { url: 'http://127.0.0.1:8080/health' }
scenarios:
  - name: get
    request: { url: 'http://127.0.0.1:8080/' }
`

const parse = (extra: string) => parseConfig(`${BASE}${extra}`, 'perfgate.yml')

describe('the profile key', () => {
  it('defaults to on-regression, 20 s, a 1 ms interval and a 50 MB cap', () => {
    expect(cpuProfileOf(parse(''))).toEqual({
      mode: 'on-regression',
      durationMs: 20_000,
      intervalUs: 1000,
      maxBytes: 50 * 1024 * 1024
    })
  })

  it('takes a mode alone or a map of mode, duration and interval', () => {
    expect(cpuProfileOf(parse('profile: never\n')).mode).toBe('never')
    expect(cpuProfileOf(parse('profile: { mode: always, duration: 10s, interval: 250us }\n'))).toEqual({
      ...PROFILE_DEFAULTS,
      mode: 'always',
      durationMs: 10_000,
      intervalUs: 250
    })
  })

  it('refuses an unknown mode, an unknown key and out-of-range values at their line and column', () => {
    expect(configErrorOf(`${BASE}profile: sometimes\n`).problems).toEqual([
      expect.objectContaining({
        line: 8,
        message: expect.stringMatching(
          /^"profile" must be on-regression \(the default.*\), always, never, or \{ mode, duration: 20s, interval: 1ms \}.*; got "sometimes"$/
        )
      })
    ])
    expect(configErrorOf(`${BASE}profile: { mode: always, every: 1ms }\n`).problems[0]).toEqual(
      expect.objectContaining({ line: 8, message: expect.stringMatching(/profile/) })
    )
    expect(configErrorOf(`${BASE}profile:\n  duration: 500ms\n  interval: 10us\n`).problems).toEqual([
      expect.objectContaining({ line: 9, col: 13, message: expect.stringMatching(/between 1s and 5m/) }),
      expect.objectContaining({ line: 10, col: 13, message: expect.stringMatching(/between 50us and 100ms/) })
    ])
  })
})
