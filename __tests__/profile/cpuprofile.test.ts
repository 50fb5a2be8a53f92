import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  cpuProfileProblem,
  FrameTable,
  joinCpuProfiles,
  packageOf,
  ProfileReadError,
  readCpuProfile,
  SampleSet,
  type CpuProfile
} from '../../src/profile/cpuprofile.js'

const FIXTURES = path.resolve('__fixtures__/profile')
const fixture = (name: string) => readCpuProfile(path.join(FIXTURES, `${name}.cpuprofile`))

/** DevTools' self time per node, computed from the raw file alone: each sample lasts until the next one. */
function devtoolsSelfByName(profile: CpuProfile): Map<string, number> {
  const nameOf = new Map(profile.nodes.map(n => [n.id, n.callFrame.functionName || '(anonymous)']))
  const times: number[] = []
  let t = profile.startTime
  for (const d of profile.timeDeltas) times.push((t += d))
  const out = new Map<string, number>()
  profile.samples.forEach((id, i) => {
    const duration = (i + 1 < times.length ? times[i + 1]! : profile.endTime) - times[i]!
    const name = nameOf.get(id)!
    out.set(name, (out.get(name) ?? 0) + duration)
  })
  return out
}

function selfByName(set: SampleSet): Map<string, number> {
  const out = new Map<string, number>()
  set.sampleNode.forEach((node, i) => {
    const name = set.table.frames[set.nodeFrame[node]!]!.name
    out.set(name, (out.get(name) ?? 0) + set.sampleDuration[i]!)
  })
  return out
}

describe('reading a .cpuprofile', () => {
  it("gives each function the self time DevTools gives it (samples' durations by node)", () => {
    const profile = fixture('head')
    const set = new SampleSet(new FrameTable())
    set.add(profile)
    const ours = selfByName(set)
    const devtools = devtoolsSelfByName(profile)
    expect(ours.get('addedWork')).toBeGreaterThan(0)
    for (const [name, us] of devtools) expect(ours.get(name)).toBeCloseTo(us, 3)
  })

  it("deals the CPU its thread really ran over a process's busy samples, by count or by time, idle time kept", () => {
    const profile = fixture('head')
    const wall = new SampleSet(new FrameTable())
    wall.add(profile)
    const scaled = new SampleSet(new FrameTable())
    const busy = (set: SampleSet) =>
      set.sampleDuration.reduce((sum, d, i) => sum + (set.isIdle(i) ? 0 : d), 0)
    scaled.add(profile, busy(wall) / 2, 'time')
    expect(busy(scaled)).toBeCloseTo(busy(wall) / 2, 6)
    const idle = (set: SampleSet) =>
      set.sampleDuration.reduce((sum, d, i) => sum + (set.isIdle(i) ? d : 0), 0)
    expect(idle(scaled)).toBeCloseTo(idle(wall), 6)
    expect(selfByName(scaled).get('addedWork')! / busy(scaled)).toBeCloseTo(
      selfByName(wall).get('addedWork')! / busy(wall),
      9
    )
    // by count (the default): every busy sample the same share of the thread's CPU
    const counted = new SampleSet(new FrameTable())
    counted.add(profile, 1000)
    const shares = counted.sampleDuration.filter((_, i) => !counted.isIdle(i))
    expect(new Set(shares).size).toBe(1)
    expect(busy(counted)).toBeCloseTo(1000, 6)
  })

  it('names a frame by name, url and 1-based line, and the package of node_modules frames', () => {
    const table = new FrameTable()
    const set = new SampleSet(table)
    set.add(fixture('head'))
    const added = table.frames.find(f => f.name === 'addedWork')!
    expect(added.url).toMatch(/bench\/profile-service\.cjs$/)
    expect(added.line).toBe(readLine('bench/profile-service.cjs', 'function addedWork'))
    expect(packageOf('file:///app/node_modules/express/lib/router/index.js')).toBe('express')
    expect(packageOf('/app/node_modules/a/node_modules/@scope/b/x.js')).toBe('@scope/b')
    expect(packageOf('file:///app/src/index.js')).toBeUndefined()
  })

  it('joins processes into one file whose every function keeps the sum of its time', () => {
    const parts = [fixture('base'), fixture('head')]
    const joined = joinCpuProfiles(parts)
    expect(cpuProfileProblem(joined)).toBeUndefined()
    const sum = new Map<string, number>()
    for (const p of parts) for (const [n, us] of devtoolsSelfByName(p)) sum.set(n, (sum.get(n) ?? 0) + us)
    const whole = devtoolsSelfByName(joined)
    expect(whole.get('addedWork')).toBeCloseTo(sum.get('addedWork')!, 0)
    const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0)
    // the joined file's gaps between processes are at most one sample interval each
    expect(Math.abs(total(whole) - total(sum))).toBeLessThan(50_000)
  })

  it('refuses a file over the size cap, a file that is not JSON and JSON that is not a profile, naming the file', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pgprof-test-'))
    const big = path.join(dir, 'big.cpuprofile')
    writeFileSync(big, readFileSync(path.join(FIXTURES, 'head.cpuprofile')))
    expect(() => readCpuProfile(big, 1000)).toThrow(ProfileReadError)
    expect(() => readCpuProfile(big, 1000)).toThrow(
      /big\.cpuprofile is 0\.\d MB, over the 0\.0 MB cap of a profile/
    )
    const garbage = path.join(dir, 'garbage.cpuprofile')
    writeFileSync(garbage, 'not json{')
    expect(() => readCpuProfile(garbage)).toThrow(/garbage\.cpuprofile is not JSON/)
    const wrong = path.join(dir, 'wrong.cpuprofile')
    writeFileSync(
      wrong,
      JSON.stringify({ nodes: [{ id: 1 }], samples: [], timeDeltas: [], startTime: 0, endTime: 1 })
    )
    expect(() => readCpuProfile(wrong)).toThrow(/wrong\.cpuprofile is not a V8 CPU profile: .*callFrame/)
    expect(cpuProfileProblem({ ...fixture('base'), samples: [999_999] })).toMatch(
      /differ in length|unknown node/
    )
  })
})

function readLine(file: string, text: string): number {
  return (
    readFileSync(file, 'utf8')
      .split('\n')
      .findIndex(l => l.includes(text)) + 1
  )
}
