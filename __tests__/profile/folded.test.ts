import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { cpuProfileProblem, FrameTable, SampleSet } from '../../src/profile/cpuprofile.js'
import { foldStacks, parseFolded, parsePerfScript, perfProfiles } from '../../src/profile/folded.js'
import { perfUnavailable } from '../../src/profile/perf.js'

/**
 * perf's samples as perfgate reads them: `perf script` output recorded on this project's CI machine kind from
 * __fixtures__/profile/native-service.py under load (base: PBKDF2 in libcrypto; head: and an MD5 in CPython's _md5
 * module), turned into folded stacks and into per-process profiles of the .cpuprofile shape the diff reads.
 */
const recorded = (side: 'base' | 'head') =>
  readFileSync(path.resolve(`__fixtures__/profile/perf-script-${side}.txt`), 'utf8')

describe('perf script output and folded stacks', () => {
  it('reads every sample: its process, time and stack, outermost frame first', () => {
    const text = recorded('head')
    const samples = parsePerfScript(text)
    expect(samples).toHaveLength(text.split('\n').filter(l => /^\S.* \d+\/\d+ +\d+\.\d+: *$/.test(l)).length)
    expect(new Set(samples.map(s => s.pid)).size).toBe(1)
    for (let i = 1; i < samples.length; i++)
      expect(samples[i]!.timeUs).toBeGreaterThanOrEqual(samples[i - 1]!.timeUs)
    // the leaf is the last frame; no frame is perf's unnamed address 0
    const leaves = samples.map(s => s.stack.at(-1)!.symbol)
    expect(leaves).toContain('md5_compress')
    expect(samples.every(s => s.stack.every(f => f.symbol !== '' && f.dso !== ''))).toBe(true)
    expect(samples.find(s => s.stack.at(-1)!.symbol === 'md5_compress')!.stack.at(-1)!.dso).toMatch(
      /_md5\.cpython-.*\.so$/
    )
  })

  it('folds the samples into stacks whose counts add up, and reads them back', () => {
    const samples = parsePerfScript(recorded('base'))
    const folded = parseFolded(foldStacks(samples))
    expect(folded.reduce((n, f) => n + f.count, 0)).toBe(samples.length)
    // an unnamed frame is named by its object; no frame name holds the format's separators
    expect(folded.flatMap(f => f.stack)).toContain('[libcrypto.so.3]')
    expect(folded.every(f => f.stack.every(name => !/[; ]/.test(name)))).toBe(true)
    expect(() => parseFolded('a;b 3\na;c\n', 'profile/head.folded')).toThrow(
      'profile/head.folded:2: not a folded stack ("frame;frame count"): a;c'
    )
  })

  it('makes one .cpuprofile-shaped profile per process that the diff reads, each sample one period of CPU', () => {
    const samples = parsePerfScript(recorded('head'))
    const profiles = perfProfiles(samples, 1001)
    expect(profiles.size).toBe(1)
    const [profile] = [...profiles.values()]
    expect(cpuProfileProblem(profile)).toBeUndefined()
    expect(profile!.samples).toHaveLength(samples.length)
    const set = new SampleSet(new FrameTable())
    set.add(profile!, profile!.samples.length * 1001)
    const md5 = set.table.frames.findIndex(f => f.name === 'md5_compress')
    expect(md5).toBeGreaterThanOrEqual(0)
    const md5Samples = samples.filter(s => s.stack.at(-1)!.symbol === 'md5_compress').length
    const selfUs = set.sampleNode.reduce(
      (sum, node, i) => sum + (set.nodeFrame[node] === md5 ? set.sampleDuration[i]! : 0),
      0
    )
    expect(selfUs).toBeCloseTo(md5Samples * 1001, 6)
  })

  it('says perf is not installed when it is not', async () => {
    expect(await perfUnavailable('/nonexistent/perf-for-perfgate')).toBe(
      'perf is not installed (Debian/Ubuntu: linux-perf or linux-tools-$(uname -r))'
    )
  })

  it('names a JavaScript function of V8’s perf map by its file and line, its tiers as one function', () => {
    const sample = (time: string, symbol: string) =>
      `node 41/41 100.${time}: \n\t    7f4d367d4c40 ${symbol} (/tmp/perf-41.map)\n\t    55d1 uv_run (/usr/bin/node)\n\n`
    const text =
      sample('000100', 'JS:*addedWork /srv/app/server.cjs:20:19') +
      sample('001101', 'JS:~addedWork /srv/app/server.cjs:20:19') +
      sample('002102', 'JS:^handle /srv/app/node_modules/router/index.js:136:3') +
      sample('003103', 'Builtin:ArrayPrototypePush')
    const profile = perfProfiles(parsePerfScript(text), 1001).get(41)!
    const set = new SampleSet(new FrameTable(), '/srv/app')
    set.add(profile)
    const frames = set.sampleNode.map(n => set.table.frames[set.nodeFrame[n]!]!)
    expect(frames.map(f => [f.name, f.file ?? f.url, f.line, f.package])).toEqual([
      ['addedWork', 'server.cjs', 20, undefined],
      ['addedWork', 'server.cjs', 20, undefined],
      // a package in the checkout's node_modules is the package's, not a file of the repository
      ['handle', 'node_modules/router/index.js', 136, 'router'],
      ['Builtin:ArrayPrototypePush', '/tmp/perf-41.map', 0, undefined]
    ])
    expect(set.nodeFrame[set.sampleNode[0]!]).toBe(set.nodeFrame[set.sampleNode[1]!])
  })
})
