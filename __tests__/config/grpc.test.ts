import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseConfig } from '../../src/config/load.js'
import { ConfigError } from '../../src/config/problems.js'
import { httpClassOf, statusName } from '../../src/config/grpc-status.js'
import { countResponse, emptyCounts } from '../../src/load/errors.js'
import { compileScenario } from '../../src/load/request.js'

let dir: string
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'perfgate-grpc-'))
  cpSync(path.join('__tests__', 'zoo', 'servers', 'grpc'), path.join(dir, 'protos'), { recursive: true })
  writeFileSync(
    path.join(dir, 'broken.proto'),
    'syntax = "proto3";\npackage zoo;\n\nmessage A {\n  int64 id = 1\n  string name = 2;\n}\n'
  )
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const config = (grpc: string, extra = '    values: { guest: [ann] }\n') => `version: 1
service:
  command: node server.mjs
  env: { PORT: "{{service.port}}" }
  ready: { tcp: "127.0.0.1:{{service.port}}" }
scenarios:
  - name: get
${extra}    request:
      url: http://127.0.0.1:{{service.port}}
      grpc:
${grpc
  .split('\n')
  .map(l => `        ${l}`)
  .join('\n')}
`
const GOOD = `proto: protos/catalog.proto
include: [protos/common]
service: zoo.Catalog
method: Get
message: { id: "{{seq}}", name: "{{guest}}", kind: BOOK, items: [{ id: 1, name: a }], labels: { a: b } }
metadata: { authorization: Bearer x }
deadline: 1s`

const problems = (text: string) => {
  try {
    parseConfig(text, path.join(dir, 'perfgate.yml'), dir)
  } catch (err) {
    if (err instanceof ConfigError)
      return err.problems.map(p => `${path.relative(dir, p.file)}:${p.line}:${p.col}: ${p.message}`)
    throw err
  }
  return []
}

describe('request.grpc', () => {
  it('resolves the proto (with its include directories), the method, metadata, deadline and expected codes', () => {
    const text = config(GOOD, '    values: { guest: ["ann \\"the\\" first", bob] }\n').replace(
      '      grpc:',
      '      expect: [OK, NOT_FOUND, 14]\n      grpc:'
    )
    const scenario = parseConfig(text, path.join(dir, 'perfgate.yml'), dir).scenarios[0]!
    expect(scenario.request.grpc).toEqual({
      proto: path.join(dir, 'protos', 'catalog.proto'),
      include: [path.join(dir, 'protos', 'common')],
      service: 'zoo.Catalog',
      method: 'Get',
      serverStream: false,
      metadata: { authorization: 'Bearer x' },
      deadlineMs: 1000
    })
    expect(scenario.request.expect?.map(statusName)).toEqual(['OK', 'NOT_FOUND', 'UNAVAILABLE'])
    // placeholders are filled inside the message, escaped as JSON
    const template = compileScenario({
      ...scenario,
      request: { ...scenario.request, url: 'http://127.0.0.1:1' }
    })
    const first = JSON.parse(template.render().body!)
    const second = JSON.parse(template.render().body!)
    expect(first.name).toBe('ann "the" first')
    expect(second.name).toBe('bob')
    expect(Number(second.id)).toBe(Number(first.id) + 1)
  })

  it('a server-streaming method is called for its first message', () => {
    const scenario = parseConfig(
      config(GOOD.replace('method: Get', 'method: List')),
      path.join(dir, 'perfgate.yml'),
      dir
    ).scenarios[0]!
    expect(scenario.request.grpc?.serverStream).toBe(true)
  })

  it('a proto file that does not parse is reported at its own file:line:col', () => {
    expect(problems(config(GOOD.replace('protos/catalog.proto', 'broken.proto')))).toEqual([
      expect.stringMatching(/^broken\.proto:6:3: the proto file does not parse: illegal token 'string'/)
    ])
  })

  it('an import in none of the include directories names the import and include:', () => {
    const [problem] = problems(config(GOOD.replace('include: [protos/common]', 'include: []')))
    expect(problem).toMatch(/^protos\/catalog\.proto:6:\d+: cannot read .*item\.proto.*include:/)
  })

  it('an unknown service or method gets the closest name the proto declares', () => {
    expect(problems(config(GOOD.replace('zoo.Catalog', 'zoo.Catalogue')))).toEqual([
      expect.stringMatching(
        /perfgate\.yml:\d+:\d+: the proto declares no service "zoo\.Catalogue" \(did you mean "zoo\.Catalog"\?\)/
      )
    ])
    expect(problems(config(GOOD.replace('method: Get', 'method: Lst')))).toEqual([
      expect.stringMatching(/service zoo\.Catalog has no method "Lst" \(did you mean "List"\?\)/)
    ])
    expect(problems(config(GOOD.replace('method: Get', 'method: Upload')))).toEqual([
      expect.stringMatching(/takes a stream of requests/)
    ])
  })

  it('a message that does not fit its type names the field path', () => {
    const bad = GOOD.replace(
      'message: { id: "{{seq}}", name: "{{guest}}", kind: BOOK, items: [{ id: 1, name: a }], labels: { a: b } }',
      'message: { id: "{{uuid}}", kind: BOKO, items: [{ id: 1 }, { idd: 2 }, { name: 3 }], labels: [] }'
    )
    expect(problems(config(bad)).map(p => p.replace(/^\S*?: /, ''))).toEqual([
      'message.id: must be a number (int64); got string "{{uuid}}"',
      'message.kind: must be one of KIND_UNSPECIFIED, BOOK, TOOL; got string "BOKO"',
      'message.items[1].idd: Item has no field "idd" (did you mean "id"?)',
      'message.items[2].name: must be a string; got number 3',
      'message.labels: is a map: write an object'
    ])
  })

  it('expects gRPC codes, not HTTP statuses, and has no HTTP body or method', () => {
    const text = config(GOOD).replace('      grpc:', '      expect: [200]\n      method: POST\n      grpc:')
    expect(problems(text).map(p => p.replace(/^\S*?: /, ''))).toEqual([
      'a gRPC request expects gRPC status codes (OK, CANCELLED, UNKNOWN, INVALID_ARGUMENT, DEADLINE_EXCEEDED, NOT_FOUND, ... or 0 to 16); got 200',
      'a gRPC request has no method: write grpc.message and grpc.metadata'
    ])
  })

  it('refuses a mix of gRPC calls and HTTP requests at the odd one out, saying to split the scenario', () => {
    const mixed = (first: string, second: string) => `version: 1
scenarios:
  - name: mixed
    requests:
${first}
${second}
`
    const call = `      - url: http://127.0.0.1:8080
        grpc: { proto: protos/catalog.proto, include: [protos/common], service: zoo.Catalog, method: Get }`
    const get = '      - { url: http://127.0.0.1:8080/items }'
    expect(problems(mixed(call, get))).toEqual([
      'perfgate.yml:7:9: a mix is all gRPC calls or all HTTP requests: the first is a gRPC call (zoo.Catalog/Get), ' +
        'this one an HTTP request; give the HTTP requests a scenario of their own'
    ])
    expect(problems(mixed(get, call))).toEqual([
      'perfgate.yml:7:15: a mix is all gRPC calls or all HTTP requests: the first is an HTTP request, this one a ' +
        'gRPC call (zoo.Catalog/Get); give the gRPC calls a scenario of their own'
    ])
    expect(problems(mixed(call, call.replace('method: Get', 'method: List')))).toEqual([])
  })

  it('counts gRPC codes in the HTTP classes they map to, so errors.rate means the same', () => {
    const counts = emptyCounts()
    expect(countResponse(counts, 1000)).toBe(true) // OK
    expect(countResponse(counts, 1005)).toBe(false) // NOT_FOUND
    expect(countResponse(counts, 1005, [1000, 1005])).toBe(true)
    expect(countResponse(counts, 1014)).toBe(false) // UNAVAILABLE
    expect(counts).toMatchObject({
      responses: 4,
      status2xx: 1,
      status4xx: 2,
      status5xx: 1,
      expectedErrors: 1
    })
    expect([0, 5, 14, 4].map(c => httpClassOf(1000 + c))).toEqual([200, 404, 503, 504])
  })

  it('the example gRPC config validates (examples/grpc)', () => {
    const file = path.join('examples', 'grpc', 'perfgate.yml')
    const config = parseConfig(readFileSync(file, 'utf8'), file)
    expect(config.scenarios.map(s => [s.request.grpc?.method, s.request.grpc?.serverStream])).toEqual([
      ['SayHello', false],
      ['SayHellos', true]
    ])
  })
})
