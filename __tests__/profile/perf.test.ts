import { afterEach, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { parseConfig } from '../../src/config/load.js'
import { profileSides } from '../../src/measure/profiling.js'
import { assembleProfileReport } from '../../src/profile/assemble.js'
import { FrameTable, readCpuProfile, SampleSet } from '../../src/profile/cpuprofile.js'
import { parseFolded } from '../../src/profile/folded.js'
import { perfUnavailable } from '../../src/profile/perf.js'
import { createRng } from '../../src/stats/rng.js'
import { liveProcessGroups, stopAllServices } from '../../src/service/spawn.js'
import { REPO } from '../../__fixtures__/config.js'

/**
 * perf record on a service that is not Node (Python's http.server, __fixtures__/profile/native-service.py), through
 * the measurer's real profiling step: perf attaches to the service's processes, the samples come back as folded
 * stacks and per-process profiles, and the head's added native hash (md5_compress of CPython's _md5 module) is the function that grew.
 */
afterEach(async () => {
  await stopAllServices()
})

const hasPerf = (await perfUnavailable()) === undefined

describe('perf record for a service that is not Node', () => {
  ;(hasPerf ? it : it.skip)(
    'profiles base and head with perf, writes folded stacks, and names the added native function',
    async () => {
      const config = parseConfig(
        `
version: 1
service:
  command: python3 __fixtures__/profile/native-service.py
  env: { PORT: "{{service.port}}", BASE_ROUNDS: "500" }
  ready: { tcp: "127.0.0.1:{{service.port}}", timeout: 20s }
scenarios:
  - name: get
    request: { url: "http://127.0.0.1:{{service.port}}/" }
    load: { connections: 2, warmup: 1s }
compare: { slice: 500ms }
`,
        path.join(REPO, 'perfgate.perf.yml'),
        REPO
      )
      const capture = await profileSides(
        {
          scenario: 'get',
          sides: ['base', 'head'],
          durationMs: 4000,
          intervalUs: 1000,
          together: true,
          maxBytes: 50e6
        },
        {
          config,
          options: { env: { base: {}, head: { ADDED_KB: '128' } } },
          events: () => undefined,
          rng: createRng(1)
        }
      )
      expect(capture.notes).toEqual([])
      const table = new FrameTable()
      const side = (s: 'base' | 'head') => {
        const captured = capture.sides[s]!
        expect(path.basename(captured.file!)).toBe(`${s}.folded`)
        const folded = parseFolded(readFileSync(captured.file!, 'utf8'), captured.file)
        expect(folded.reduce((n, f) => n + f.count, 0)).toBe(captured.profiles[0]!.samples.length)
        expect(captured.requests).toBeGreaterThan(0)
        const samples = new SampleSet(table, REPO)
        captured.profiles.forEach((p, i) => samples.add(p, captured.threadCpuUs?.[i]))
        return { samples, requests: captured.requests }
      }
      const report = assembleProfileReport({
        scenario: 'get',
        intervalUs: 1000,
        durationMs: 4000,
        table,
        base: side('base'),
        head: side('head')
      })
      expect(report.increased.length).toBeGreaterThan(0)
      expect(report.increased[0]!.frame.name).toBe('md5_compress')
      expect(report.increased[0]!.frame.url).toMatch(/_md5\.cpython-.*\.so$/)
      expect(liveProcessGroups()).toEqual([])
    },
    60_000
  )

  ;(hasPerf ? it : it.skip)(
    'samples a Node service with perf’s cpu-clock, names its functions by file and line, and writes a .cpuprofile',
    async () => {
      const config = parseConfig(
        `
version: 1
service:
  command: node bench/profile-service.cjs
  env: { PORT: "{{service.port}}", BASE_US: "300" }
  ready: { tcp: "127.0.0.1:{{service.port}}", timeout: 20s }
scenarios:
  - name: get
    request: { url: "http://127.0.0.1:{{service.port}}/" }
    load: { connections: 4, warmup: 1s }
compare: { slice: 500ms }
`,
        path.join(REPO, 'perfgate.perf-node.yml'),
        REPO
      )
      const capture = await profileSides(
        {
          scenario: 'get',
          sides: ['base', 'head'],
          durationMs: 4000,
          intervalUs: 1000,
          together: true,
          maxBytes: 50e6
        },
        {
          config,
          options: { env: { base: {}, head: { ADDED_US: '150' } } },
          events: () => undefined,
          rng: createRng(2)
        }
      )
      expect(capture.notes).toEqual([])
      const table = new FrameTable()
      const side = (s: 'base' | 'head') => {
        const captured = capture.sides[s]!
        expect(path.basename(captured.file!)).toBe(`${s}.cpuprofile`)
        expect(readCpuProfile(captured.file!).samples.length).toBeGreaterThan(100)
        const samples = new SampleSet(table, REPO)
        captured.profiles.forEach((p, i) => samples.add(p, captured.threadCpuUs?.[i]))
        return { samples, requests: captured.requests }
      }
      const report = assembleProfileReport({
        scenario: 'get',
        intervalUs: 1000,
        durationMs: 4000,
        table,
        base: side('base'),
        head: side('head')
      })
      expect(report.increased[0]!.frame).toMatchObject({
        name: 'addedWork',
        file: 'bench/profile-service.cjs',
        line: 20
      })
      expect(report.top.map(t => t.frame.name)).toContain('baseWork')
      expect(liveProcessGroups()).toEqual([])
    },
    60_000
  )
})
