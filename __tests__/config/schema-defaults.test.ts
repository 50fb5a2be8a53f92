import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { DEFAULTS } from '../../src/config/defaults.js'
import { configDefaults, durationText, schemaNodeOf } from '../../src/config/schema-defaults.js'
import { KEY_TABLE_END, KEY_TABLE_START, keyTable } from '../../src/config/key-table.js'
import { parseDuration, parsePercent } from '../../src/config/units.js'
import { parseConfig } from '../../src/config/load.js'

const schema = JSON.parse(readFileSync('schema/perfgate.schema.json', 'utf8'))

/** Every `default` in the schema, by its JSON path. */
function schemaDefaults(node: unknown, at = ''): Map<string, unknown> {
  const found = new Map<string, unknown>()
  if (!node || typeof node !== 'object') return found
  for (const [k, v] of Object.entries(node)) {
    if (k === 'default' && !Array.isArray(node)) found.set(at, v)
    else for (const [p, d] of schemaDefaults(v, `${at}/${k}`)) found.set(p, d)
  }
  return found
}

describe('the defaults in the schema', () => {
  it('are the defaults of defaults.ts, every one of them, and no other (npm run schema)', () => {
    const expected = configDefaults()
    for (const { key, value } of expected)
      expect([key, schemaNodeOf(schema, key)?.default]).toEqual([key, value])
    expect(schemaDefaults(schema).size).toBe(expected.length)
  })

  it('say what the resolver does when the key is left out', () => {
    const config = parseConfig(
      [
        'version: 1',
        'service: { command: node s.js, ready: { url: "http://127.0.0.1:3000/" } }',
        'scenarios:',
        '  - name: a',
        '    request: { url: "http://127.0.0.1:3000/" }'
      ].join('\n'),
      'perfgate.yml',
      process.cwd()
    )
    const s = config.scenarios[0]!
    const at = (key: string) => schemaNodeOf(schema, key)?.default as string
    expect(parseDuration(at('defaults.duration'))).toBe(s.load.durationMs)
    expect(parseDuration(at('defaults.warmup'))).toBe(s.load.warmupMs)
    expect(parseDuration(at('service.ready.timeout'))).toBe(config.service!.ready.timeoutMs)
    expect(parsePercent(at('defaults.max-error-rate'))).toBe(s.maxErrorRate)
    expect(at('compare.design')).toBe(config.compare.design)
    expect(schemaNodeOf(schema, 'compare.rounds.max')?.default).toBe(config.compare.rounds.max)
    expect(durationText(DEFAULTS.compare.budgetMs)).toBe('4m')
  })
})

describe('the key table of docs/reference.md', () => {
  it('is what npm run schema writes from the schema and defaults.ts', () => {
    const doc = readFileSync(path.join('docs', 'reference.md'), 'utf8')
    const written = doc.slice(doc.indexOf(KEY_TABLE_START), doc.indexOf(KEY_TABLE_END) + KEY_TABLE_END.length)
    expect(written).toBe(keyTable(schema, configDefaults()))
    expect(written).toContain(
      '| `defaults.warmup` | duration | `1s` | load run before measuring, not counted |'
    )
  })
})
