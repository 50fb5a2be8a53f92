import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { assembleProfileReport } from '../../src/profile/assemble.js'
import { sideCosts, topFunctions } from '../../src/profile/diff.js'
import { FrameTable, readCpuProfile, SampleSet, type CpuProfile } from '../../src/profile/cpuprofile.js'
import { createRng } from '../../src/stats/rng.js'

const FIXTURES = path.resolve('__fixtures__/profile')
const REQUESTS = JSON.parse(readFileSync(path.join(FIXTURES, 'requests.json'), 'utf8')) as Record<
  string,
  number
>

function side(table: FrameTable, profiles: CpuProfile[], requests: number) {
  const samples = new SampleSet(table)
  for (const p of profiles) samples.add(p)
  return { samples, requests }
}

function fixtureSide(table: FrameTable, name: string) {
  return side(table, [readCpuProfile(path.join(FIXTURES, `${name}.cpuprofile`))], REQUESTS[name]!)
}

/**
 * A profile drawn at random: a handler calling functions whose shares of the CPU are `shares` (the rest idle),
 * sampled every ~1 ms for `seconds`.
 */
function drawnProfile(shares: Record<string, number>, seed: number, seconds = 10): CpuProfile {
  const names = Object.keys(shares)
  const nodes = [
    { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 }, children: [2, 3] },
    { id: 2, callFrame: { functionName: '(idle)', url: '', lineNumber: -1 } },
    {
      id: 3,
      callFrame: { functionName: 'handler', url: 'file:///app/server.js', lineNumber: 9 },
      children: names.map((_, i) => 4 + i)
    },
    ...names.map((name, i) => ({
      id: 4 + i,
      callFrame: { functionName: name, url: 'file:///app/server.js', lineNumber: 20 + i }
    }))
  ]
  const rng = createRng(seed)
  const samples: number[] = []
  const timeDeltas: number[] = []
  for (let t = 0; t < seconds * 1e6;) {
    const delta = 900 + 200 * rng()
    t += delta
    let u = rng()
    let id = 2
    for (let i = 0; i < names.length; i++) {
      u -= shares[names[i]!]!
      if (u < 0) {
        id = 4 + i
        break
      }
    }
    samples.push(id)
    timeDeltas.push(delta)
  }
  return { nodes, startTime: 0, endTime: seconds * 1e6 + 1000, samples, timeDeltas }
}

describe('the diff of two profiles', () => {
  it('puts the function the head added first, near its CPU per request, with an interval above zero', () => {
    const table = new FrameTable()
    const report = assembleProfileReport({
      scenario: 'get',
      intervalUs: 1000,
      durationMs: 5000,
      table,
      base: fixtureSide(table, 'base'),
      head: fixtureSide(table, 'head')
    })
    const first = report.increased[0]!
    expect(first.frame.name).toBe('addedWork')
    expect(first.base.selfUs).toBe(0)
    expect(first.lowUs).toBeGreaterThan(0)
    // the fixture's addedWork is 100 µs of hash loop at the service's nominal speed; this machine's speed is the
    // ratio of the measured baseWork to its nominal 300 µs
    const baseWork = report.top.find(t => t.frame.name === 'baseWork')!.selfUs
    const truth = 100 * (baseWork / 300)
    expect(first.changeUs).toBeGreaterThan(truth * 0.6)
    expect(first.changeUs).toBeLessThan(truth * 1.4)
    expect(report.base!.requests).toBe(REQUESTS.base)
    expect(report.head.cpuPerRequestUs).toBeCloseTo(report.head.cpuUs / REQUESTS.head!, 6)
  })

  it('flags nothing when both sides spend the same shares (A/A), in 19 of 20 seeds', () => {
    const shares = { parse: 0.05, route: 0.1, render: 0.2, serialize: 0.08, log: 0.02 }
    let flagged = 0
    for (let seed = 1; seed <= 20; seed++) {
      const table = new FrameTable()
      const report = assembleProfileReport({
        scenario: 's',
        intervalUs: 1000,
        durationMs: 10_000,
        table,
        base: side(table, [drawnProfile(shares, seed)], 20_000),
        head: side(table, [drawnProfile(shares, 1000 + seed)], 20_000)
      })
      if (report.increased.length) flagged++
    }
    expect(flagged).toBeLessThanOrEqual(1)
  })

  it('flags a function whose share grew, and not one whose growth is under 2% of the base CPU per request', () => {
    const table = new FrameTable()
    const report = assembleProfileReport({
      scenario: 's',
      intervalUs: 1000,
      durationMs: 10_000,
      table,
      base: side(table, [drawnProfile({ render: 0.2, log: 0.02, other: 0.3 }, 1)], 20_000),
      head: side(table, [drawnProfile({ render: 0.3, log: 0.025, other: 0.3 }, 2)], 20_000)
    })
    expect(report.increased.map(c => c.frame.name)).toEqual(['render'])
    expect(report.increased[0]!.shareOfBase).toBeGreaterThan(0.1)
  })

  it('draws both sides into one call tree, each path with its CPU per request', () => {
    const table = new FrameTable()
    const report = assembleProfileReport({
      scenario: 'get',
      intervalUs: 1000,
      durationMs: 5000,
      table,
      base: fixtureSide(table, 'base'),
      head: fixtureSide(table, 'head')
    })
    const flame = report.flame!
    expect(report.frames[flame.frame]!.name).toBe('all')
    expect(flame.head).toBeCloseTo(report.head.cpuPerRequestUs, 0)
    const find = (node: typeof flame, name: string): typeof flame | undefined =>
      report.frames[node.frame]!.name === name ? node : node.children.map(c => find(c, name)).find(Boolean)
    const added = find(flame, 'addedWork')!
    expect(added.base).toBe(0)
    expect(added.head).toBeGreaterThan(0)
  })

  it('counts native code perf saw to the JavaScript function that called it, and keeps it where no script called it', () => {
    // as folded.ts builds a perf profile: JS functions have a script and a line, native frames an object and none
    const frame = (functionName: string, url: string, lineNumber = -1) => ({ functionName, url, lineNumber })
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: frame('(root)', ''), children: [2, 5] },
        { id: 2, callFrame: frame('route', '/app/node_modules/router/index.js', 40), children: [3] },
        { id: 3, callFrame: frame('v8::internal::LookupIterator::Next', '/usr/bin/node'), children: [4] },
        { id: 4, callFrame: frame('__memmove_avx_unaligned', '/usr/lib/x86_64-linux-gnu/libc.so.6') },
        { id: 5, callFrame: frame('_PyEval_EvalFrameDefault', '/usr/bin/python3.11'), children: [6] },
        { id: 6, callFrame: frame('do_syscall_64', '[kernel.kallsyms]') }
      ],
      startTime: 0,
      endTime: 7000,
      samples: [4, 3, 2, 6, 6, 5],
      timeDeltas: [1000, 1000, 1000, 1000, 1000, 1000]
    }
    const set = new SampleSet(new FrameTable())
    set.add(profile)
    const top = topFunctions(set.table.frames, sideCosts(set), 1)
    const self = Object.fromEntries(top.map(f => [f.frame.name, f.selfUs]))
    expect(self).toEqual({ route: 3000, do_syscall_64: 2000, _PyEval_EvalFrameDefault: 1000 })
    // the call tree (the flame graph) keeps the native frames
    expect(set.path(set.sampleNode[0]!).map(f => set.table.frames[f]!.name)).toEqual([
      '(root)',
      'route',
      'v8::internal::LookupIterator::Next',
      '__memmove_avx_unaligned'
    ])
  })
})
