import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { configHash, loadConfig, parseConfig } from '../../src/config/load.js'
import { configErrorOf } from '../../__fixtures__/config.js'

const VALID = `version: 1
service:
  command: node server.js
  cwd: app
  env: { PORT: "8080" }
  ready: { url: http://127.0.0.1:8080/health, timeout: 30s }
defaults:
  warmup: 2s
  duration: 20s
  connections: 32
scenarios:
  - name: list
    request: { method: GET, url: "http://127.0.0.1:8080/reservations?page=1" }
    thresholds:
      latency.p95: "< 50ms"
      latency.p99: { limit: "< 120ms", severity: warn }
      throughput.rps: "> 1500"
      errors.rate: "< 0.1%"
      server.rss.peak: "< 256MB"
      server.cpu.mean: "< 150%"
    regression:
      throughput.rps: "-5%"
      latency.p95: "+20%"
  - name: create
    request:
      method: POST
      url: http://127.0.0.1:8080/reservations
      body: { guest: "g-{{seq}}", seats: 2 }
    load: { mode: rate, rate: 800, duration: 30s }
compare: { rounds: { min: 3, max: 15 }, budget: 4m }
`

const problemsOf = configErrorOf

describe('parseConfig', () => {
  it('resolves a valid file into a complete config in base units', () => {
    const config = parseConfig(VALID, 'perfgate.yml', '/repo')
    expect(config.service!).toMatchObject({
      command: 'node server.js',
      cwd: '/repo/app',
      env: { PORT: '8080' },
      shutdownTimeoutMs: 5000,
      preflightUrl: 'http://127.0.0.1:8080/health'
    })
    expect(config.service!.ready).toEqual({
      kind: 'http',
      url: 'http://127.0.0.1:8080/health',
      timeoutMs: 30_000,
      intervalMs: 100
    })
    const [list, create] = config.scenarios
    expect(list!.load).toEqual({
      mode: 'closed',
      connections: 32,
      durationMs: 20_000,
      warmupMs: 2000,
      timeoutMs: 10_000
    })
    expect(list!.thresholds.map(t => [t.metric, t.op, t.value, t.severity])).toEqual([
      ['latency.p95', '<', 50_000, 'fail'],
      ['latency.p99', '<', 120_000, 'warn'],
      ['throughput.rps', '>', 1500, 'fail'],
      ['errors.rate', '<', 0.001, 'fail'],
      ['server.rss.peak', '<', 256e6, 'fail'],
      ['server.cpu.mean', '<', 150, 'fail']
    ])
    expect(list!.thresholds[0]!.source).toEqual({ file: 'perfgate.yml', line: 15, col: 20 })
    expect(list!.regression.map(r => [r.metric, r.direction, r.tolerance])).toEqual([
      ['throughput.rps', 'fall', 0.05],
      ['latency.p95', 'rise', 0.2]
    ])
    expect(list!.minRequests).toBe(100)
    expect(list!.maxErrorRate).toBe(0.05)
    expect(create!.request.body).toBe('{"guest":"g-{{seq}}","seats":2}')
    expect(create!.request.headers).toEqual({ 'content-type': 'application/json' })
    expect(create!.load).toMatchObject({
      mode: 'rate',
      rate: 800,
      durationMs: 30_000,
      warmupMs: 2000,
      connections: 100
    })
    expect(config.compare).toEqual({
      mode: 'interleaved',
      design: 'auto',
      sliceMs: 500,
      epochs: { min: 3, max: 240 },
      rounds: { min: 3, max: 15 },
      budgetMs: 240_000,
      confirm: false,
      confidence: 0.95
    })
    expect(config.onInconclusive).toBe('warn')
  })

  it('reports a YAML syntax error at its line', () => {
    const err = problemsOf('version: 1\nservice:\n  command: "unclosed\n')
    expect(err.problems[0]!.message).toMatch(/^YAML syntax error/)
    expect(err.problems[0]!.line).toBeGreaterThanOrEqual(3)
  })

  it('reports a duplicate key at the second occurrence, naming the first line', () => {
    const err = problemsOf(
      VALID.replace(
        '      latency.p95: "< 50ms"\n',
        '      latency.p95: "< 50ms"\n      latency.p95: "< 60ms"\n'
      )
    )
    expect(err.problems).toEqual([
      expect.objectContaining({
        line: 16,
        col: 7,
        message: 'duplicate key "latency.p95" (first defined on line 15)'
      })
    ])
  })

  it('reports every problem at once with a did-you-mean', () => {
    const err = problemsOf(
      VALID.replace('connections: 32', 'conections: "ten"')
        .replace('latency.p95: "< 50ms"', 'p999: "< 50ms"')
        .replace('  command: node server.js\n', '')
    )
    const lines = err.message.split('\n')
    expect(lines).toEqual([
      'perfgate.yml:2:1: missing required key "command" in service [/service]',
      'perfgate.yml:9:3: unknown key "conections" in defaults; did you mean "connections"? [/defaults/conections]',
      'perfgate.yml:14:7: unknown metric "p999"; did you mean "latency.p99.9"? [/scenarios/0/thresholds/p999]'
    ])
  })

  it('refuses a scenario name with a newline or a control character, at its line, saying why', () => {
    for (const name of ['"list\\n::set-output name=verdict::pass"', '"list\\u001b[31m"', '"a\\u2028b"']) {
      const err = problemsOf(VALID.replace('name: list', `name: ${name}`))
      expect(err.message).toMatch(
        /^perfgate\.yml:12:11: "name" must be a unique name, used in reports and logs: one line, without control characters; got "(list|a)\\[nu][^"]*" \[\/scenarios\/0\/name\]$/
      )
    }
  })

  it('reports a wrong type with what it expected', () => {
    const err = problemsOf(VALID.replace('connections: 32', 'connections: "ten"'))
    expect(err.message).toBe(
      'perfgate.yml:10:16: "connections" must be an integer; got "ten" [/defaults/connections]'
    )
  })

  it('reads service.cpus (auto unless shared) and refuses other values at their line', () => {
    expect(parseConfig(VALID, 'perfgate.yml', '/repo').service!.cpus).toBeUndefined()
    const shared = VALID.replace('  cwd: app\n', '  cwd: app\n  cpus: shared\n')
    expect(parseConfig(shared, 'perfgate.yml', '/repo').service!.cpus).toBe('shared')
    const err = problemsOf(VALID.replace('  cwd: app\n', '  cwd: app\n  cpus: 2\n'))
    expect(err.message).toBe('perfgate.yml:5:9: "cpus" must be one of: auto, shared; got 2 [/service/cpus]')
  })

  it('reports a missing url in a request', () => {
    const err = problemsOf(VALID.replace('      url: http://127.0.0.1:8080/reservations\n', ''))
    expect(err.problems[0]!.message).toBe('missing required key "url" in request')
  })

  it('rejects units of the wrong kind and regressions with the wrong sign', () => {
    const err = problemsOf(
      VALID.replace('latency.p95: "< 50ms"', 'latency.p95: "< 50MB"').replace(
        'throughput.rps: "-5%"',
        'throughput.rps: "+5%"'
      )
    )
    expect(err.problems.map(p => p.message)).toEqual([
      'latency.p95 takes a duration like "< 50ms"; got the unit "MB"',
      'throughput.rps is better when higher, so its regression limit says how far it may fall: write "-5%", not "+5%"'
    ])
  })

  it('refuses an empty file, several documents and an alias bomb', () => {
    expect(problemsOf('').message).toContain('config file is empty')
    expect(problemsOf('# only a comment\n').message).toContain('config file is empty')
    expect(problemsOf('version: 1\n---\nversion: 1\n').message).toContain('several YAML documents')
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      ...'bcdefghij'
        .split('')
        .map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefghij'[i]}`).join(', ')}]`)
    ].join('\n')
    expect(problemsOf(bomb).message).toContain('too many aliases')
  })

  it('refuses an oversized file before parsing it', () => {
    expect(problemsOf(`# ${'x'.repeat(300 * 1024)}\n`).message).toContain('too large')
  })

  it('applies a profile as warnings that a scenario can override', () => {
    const config = parseConfig(`extends: database_proxy\n${VALID}`, 'perfgate.yml', '/repo')
    const [list, create] = config.scenarios
    expect(list!.thresholds.find(t => t.metric === 'latency.p95')).toMatchObject({
      value: 50_000,
      severity: 'fail'
    })
    expect(list!.thresholds.find(t => t.metric === 'latency.p50')).toMatchObject({
      value: 5000,
      severity: 'warn'
    })
    expect(create!.thresholds.map(t => t.metric)).toEqual([
      'latency.p50',
      'latency.p95',
      'throughput.bytes',
      'stress.breaking_point.connections'
    ])
    expect(config.profile).toBe('database_proxy')
  })

  it('rejects duplicate scenario names and rounds.min > rounds.max', () => {
    const err = problemsOf(
      VALID.replace('name: create', 'name: list').replace('min: 3, max: 15', 'min: 9, max: 4')
    )
    expect(err.problems.map(p => p.message)).toEqual([
      'duplicate scenario name "list" (also scenario 1); names must be unique',
      'rounds.min (9) must not exceed rounds.max (4)'
    ])
  })

  it('reads suites with their defaults', () => {
    const config = parseConfig(
      VALID.replace(
        '    load: { mode: rate, rate: 800, duration: 30s }\n',
        '    suite: { kind: stress, p99-limit: 50ms }\n'
      ).replace('    regression:\n', '    suite: { kind: sweep, steps: [1, 10, 50] }\n    regression:\n'),
      'perfgate.yml',
      '/repo'
    )
    expect(config.scenarios.map(s => s.suite)).toEqual([
      { kind: 'sweep', steps: [1, 10, 50], kneeFactor: 2 },
      {
        kind: 'stress',
        start: 10,
        step: 10,
        max: 200,
        maxErrorRate: 0.05,
        maxTimeMs: 120_000,
        p99LimitUs: 50_000
      }
    ])
    expect(
      problemsOf(
        VALID.replace('    regression:\n', '    suite: { kind: sweep, steps: [10, 1] }\n    regression:\n')
      ).message
    ).toContain('sweep steps must increase')
  })

  it('reads a stress time bound, and a rate-mode sweep whose steps are rates', () => {
    const config = parseConfig(
      VALID.replace(
        '    load: { mode: rate, rate: 800, duration: 30s }\n',
        '    load: { mode: rate, rate: 800, duration: 5s }\n    suite: { kind: sweep, steps: [200, 400, 800] }\n'
      ).replace('    regression:\n', '    suite: { kind: stress, max-time: 30s }\n    regression:\n'),
      'perfgate.yml',
      '/repo'
    )
    expect(config.scenarios[0]!.suite).toMatchObject({ kind: 'stress', maxTimeMs: 30_000 })
    expect(config.scenarios[1]!.suite).toEqual({ kind: 'sweep', steps: [200, 400, 800], kneeFactor: 2 })
    expect(config.scenarios[1]!.load).toMatchObject({ mode: 'rate', rate: 800 })
    expect(
      problemsOf(
        VALID.replace('    regression:\n', '    suite: { kind: stress, max-time: soon }\n    regression:\n')
      ).message
    ).toContain('max-time')
  })

  it('reads a rate-mode max-lag (10 ms by default) and refuses it in a closed model', () => {
    const config = parseConfig(VALID, 'perfgate.yml', '/repo')
    expect(config.scenarios[1]!.load).toMatchObject({ mode: 'rate', maxLagMs: 10 })
    const lenient = parseConfig(
      VALID.replace(
        'load: { mode: rate, rate: 800, duration: 30s }',
        'load: { mode: rate, rate: 800, max-lag: 50ms }'
      ),
      'perfgate.yml',
      '/repo'
    )
    expect(lenient.scenarios[1]!.load).toMatchObject({ maxLagMs: 50 })
    const err = problemsOf(
      VALID.replace('    regression:\n', '    load: { max-lag: 5ms }\n    regression:\n')
    )
    expect(err.message).toMatch(/max-lag applies to load mode rate only/)
  })

  it('reads request protocol and load streams, and refuses what cannot go together', () => {
    const h2 = parseConfig(
      VALID.replace(
        'request: { method: GET, url: "http://127.0.0.1:8080/reservations?page=1" }',
        'request: { method: GET, url: "https://127.0.0.1:8443/r", protocol: h2, insecure: true }\n    load: { streams: 20 }'
      ),
      'perfgate.yml',
      '/repo'
    )
    expect(h2.scenarios[0]!.request.protocol).toBe('h2')
    expect(h2.scenarios[0]!.load).toMatchObject({ mode: 'closed', connections: 32, streams: 20 })
    expect(configHash(h2)).not.toBe(configHash(parseConfig(VALID, 'perfgate.yml', '/repo')))
    // absent: HTTP/1.1, and no streams
    const plain = parseConfig(VALID, 'perfgate.yml', '/repo')
    expect(plain.scenarios[0]!.request.protocol).toBeUndefined()
    expect(plain.scenarios[0]!.load.streams).toBeUndefined()
    expect(
      problemsOf(
        VALID.replace(
          '"http://127.0.0.1:8080/reservations?page=1" }',
          '"http://127.0.0.1:8080/r", protocol: h2 }'
        )
      ).message
    ).toMatch(/h2 is HTTP\/2 over TLS \(an https:\/\/ URL\); for HTTP\/2 in clear text on http:\/\/ use h2c/)
    expect(
      problemsOf(
        VALID.replace(
          '"http://127.0.0.1:8080/reservations?page=1" }',
          '"https://127.0.0.1:8443/r", protocol: h2c }'
        )
      ).message
    ).toMatch(/h2c is HTTP\/2 in clear text/)
    expect(
      problemsOf(VALID.replace('    regression:\n', '    load: { streams: 8 }\n    regression:\n')).message
    ).toMatch(/streams applies to HTTP\/2.*raise connections instead/)
    expect(
      problemsOf(VALID.replace('protocol', 'x').replace('method: GET,', 'method: GET, protocol: h3,')).message
    ).toMatch(/protocol/)
  })

  it('hashes what is measured, not the limits', () => {
    const a = parseConfig(VALID, 'perfgate.yml', '/repo')
    const looser = parseConfig(VALID.replace('"< 50ms"', '"< 80ms"'), 'perfgate.yml', '/repo')
    const more = parseConfig(VALID.replace('connections: 32', 'connections: 64'), 'perfgate.yml', '/repo')
    expect(configHash(looser)).toBe(configHash(a))
    expect(configHash(more)).not.toBe(configHash(a))
  })
})

describe('loadConfig', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-config-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('says where it looked for a missing file', async () => {
    await expect(loadConfig(path.join(dir, 'nope.yml'))).rejects.toThrow(
      /config file not found at .*nope\.yml/
    )
  })

  it('resolves service.cwd against the file and reads the example config', async () => {
    const file = path.join(dir, 'perfgate.yml')
    await writeFile(file, VALID)
    expect((await loadConfig(file)).service!.cwd).toBe(path.join(dir, 'app'))
    const example = await loadConfig(path.resolve('thresholds/example.yml'))
    expect(example.service!.cwd).toBe(path.resolve('.'))
    expect(example.scenarios.map(s => s.name)).toEqual([
      'list-reservations',
      'get-reservation',
      'create-reservation'
    ])
  })
})
