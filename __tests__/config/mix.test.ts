import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { configHash, parseConfig } from '../../src/config/load.js'
import { ConfigError } from '../../src/config/problems.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-mix-'))
  await writeFile(path.join(dir, 'guests.txt'), 'ann\nbob\n\ncarl\n')
  await writeFile(path.join(dir, 'empty.txt'), '\n')
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const HEAD = `version: 1
service:
  command: node server.js
  ready: { url: http://127.0.0.1:8080/health }
scenarios:
  - name: mixed
`
const parse = (scenario: string) => parseConfig(HEAD + scenario, 'perfgate.yml', dir)
const problems = (scenario: string): string[] => {
  try {
    parse(scenario)
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map(p => `${p.line}: ${p.message}`)
    throw err
  }
  throw new Error('expected config problems')
}

describe('scenarios with several requests', () => {
  it('reads a weighted mix and values from a list and a file', () => {
    const config = parse(`    requests:
      - { url: "http://127.0.0.1:8080/reservations/{{seq}}", weight: 3, expect: [200, 404] }
      - method: POST
        expect: 201
        url: http://127.0.0.1:8080/reservations
        body: { guest: "{{guest}}", room: "{{room}}" }
    values:
      guest: { file: guests.txt }
      room: ["101", "102"]
`)
    const s = config.scenarios[0]!
    expect(s.mix).toHaveLength(2)
    expect(s.mix![0]).toMatchObject({ method: 'GET', weight: 3, expect: [200, 404] })
    expect(s.mix![1]!.expect).toEqual([201])
    expect(s.request).not.toHaveProperty('weight')
    expect(s.mix![1]).toMatchObject({
      method: 'POST',
      weight: 1,
      body: '{"guest":"{{guest}}","room":"{{room}}"}',
      headers: { 'content-type': 'application/json' }
    })
    expect(s.request.url).toBe('http://127.0.0.1:8080/reservations/{{seq}}')
    expect(s.values).toEqual({ guest: ['ann', 'bob', 'carl'], room: ['101', '102'] })
  })

  it('puts the mix and the values into the config hash', () => {
    const a = parse(
      `    requests: [{ url: "http://127.0.0.1:8080/a", weight: 1 }, { url: "http://127.0.0.1:8080/b" }]\n`
    )
    const b = parse(
      `    requests: [{ url: "http://127.0.0.1:8080/a", weight: 2 }, { url: "http://127.0.0.1:8080/b" }]\n`
    )
    expect(configHash(a)).not.toBe(configHash(b))
  })

  it('reports unknown placeholders with a suggestion, bad value files and mixed hosts, at their lines', () => {
    expect(
      problems(`    requests:
      - { url: "http://127.0.0.1:8080/r/{{gust}}" }
      - { url: "http://127.0.0.1:9090/other" }
    values:
      guest: { file: missing.txt }
      room: { file: empty.txt }
      seq: ["1"]
`)
    ).toEqual([
      '8: unknown placeholder {{gust}}: use {{seq}}, {{random}}, {{uuid}} or a name under values (did you mean {{guest}}?)',
      '9: every request of a mix goes to one host:port (127.0.0.1:8080); this one goes to 127.0.0.1:9090',
      `11: cannot read missing.txt (resolved to ${path.join(dir, 'missing.txt')}): ENOENT`,
      '12: empty.txt has no values (one per line)',
      '13: "seq" is a built-in placeholder; choose another value name'
    ])
  })

  it('needs request or requests, not both', () => {
    expect(problems(`    load: { connections: 2 }\n`)).toEqual([
      '6: scenario "mixed" needs request (one request) or requests (a weighted mix)'
    ])
    expect(
      problems(
        `    request: { url: "http://127.0.0.1:8080/a" }\n    requests: [{ url: "http://127.0.0.1:8080/b" }]\n`
      )
    ).toEqual(['8: a scenario has either request (one request) or requests (a mix), not both'])
  })
})
