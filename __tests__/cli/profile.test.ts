import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { main } from '../../src/cli/main.js'
import { readCpuProfile } from '../../src/profile/cpuprofile.js'
import { liveProcessGroups, stopAllServices } from '../../src/service/spawn.js'
import { reportProblems } from '../../src/report/validate.js'
import type { Report } from '../../src/model/report.js'
import { captureIO } from '../../__fixtures__/cli.js'
import { exampleServiceYaml, freePort, REPO } from '../../__fixtures__/config.js'

/**
 * `perfgate run --profile` and `perfgate compare --profile always` end to end: the real CLI, the example service
 * (node:http on 127.0.0.1, its handler's CPU in hashWork) started with the preload, its profiles read back.
 */
let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-cli-profile-'))
})
afterEach(async () => {
  await stopAllServices()
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** The example service doing 1 ms of hashWork per request, profiled for 2 s (1 s a side in a compare). */
async function writeConfig(): Promise<string> {
  const port = await freePort()
  const yaml = exampleServiceYaml(
    port,
    '',
    '{ warmup: 100ms, duration: 400ms, connections: 2, min-requests: 5 }'
  )
    .replace('CPU_US: "50"', 'CPU_US: "1000"')
    .replace(
      'scenarios:',
      'compare: { rounds: { min: 2, max: 2 }, confirm: false }\nprofile: { mode: never, duration: 2s }\nscenarios:'
    )
  const file = path.join(dir, `perfgate-${port}.yml`)
  await writeFile(file, yaml)
  return file
}

const readReport = async (out: string): Promise<Report> =>
  JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')) as Report

describe('perfgate --profile with a real Node service', () => {
  it('run --profile lists the head’s top functions by CPU per request, first hashWork', async () => {
    const config = await writeConfig()
    const out = path.join(dir, 'run')
    const io = captureIO(dir)
    const code = await main(['run', '--config', config, '--out', out, '--profile'], io)
    expect(io.err).not.toContain('Error')
    expect(code).toBe(0)
    const report = await readReport(out)
    expect(reportProblems(report)).toEqual([])
    expect(report.profiles).toHaveLength(1)
    const profile = report.profiles![0]!
    expect(profile.mode).toBe('run')
    expect(profile.base).toBeUndefined()
    expect(profile.head.processes).toBe(1)
    expect(profile.head.requests).toBeGreaterThan(0)
    expect(profile.top[0]!.frame.name).toBe('hashWork')
    expect(profile.top[0]!.frame.url).toContain('examples/service/server.mjs')
    expect(io.out).toMatch(/Where the head spends its CPU per request: get, profiled after the verdict/)
    expect(io.out).toMatch(/^ {2}hashWork {2}self /m)
    expect(await readFile(path.join(out, 'summary.md'), 'utf8')).toContain('| `hashWork` |')
    expect(liveProcessGroups()).toEqual([])
  }, 120_000)

  it('compare --profile always writes profile/base.cpuprofile and head.cpuprofile that parse', async () => {
    const config = await writeConfig()
    const out = path.join(dir, 'compare')
    const io = captureIO(dir)
    const code = await main(
      ['compare', '--config', config, '--base', REPO, '--head', REPO, '--out', out, '--profile', 'always'],
      io
    )
    expect([0, 1]).toContain(code)
    const report = await readReport(out)
    expect(reportProblems(report)).toEqual([])
    const profile = report.profiles![0]!
    expect(profile.mode).toBe('compare')
    expect(profile.base!.file).toBe('profile/base.cpuprofile')
    expect(profile.head.file).toBe('profile/head.cpuprofile')
    for (const side of ['base', 'head'] as const) {
      const parsed = readCpuProfile(path.join(out, 'profile', `${side}.cpuprofile`))
      expect(parsed.samples.length).toBeGreaterThan(100)
      expect(parsed.timeDeltas).toHaveLength(parsed.samples.length)
      expect(parsed.nodes.some(n => n.callFrame.functionName === 'hashWork')).toBe(true)
      expect(profile[side]!.requests).toBeGreaterThan(0)
    }
    // the same code on both sides: the head's top function is hashWork, and the diff's rows are within its noise
    expect(profile.top[0]!.frame.name).toBe('hashWork')
    expect(profile.top[0]!.frame.file).toBe('examples/service/server.mjs')
    expect(io.out).toContain('Where the head spends more CPU per request: get')
    expect(liveProcessGroups()).toEqual([])
  }, 180_000)
})
