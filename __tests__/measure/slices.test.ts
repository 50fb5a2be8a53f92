import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { hostInfo } from '../../src/gate/slices.js'
import { measureStep, pinnedCommand } from '../../src/measure/slices.js'
import type { LoadSession, SliceResult } from '../../src/load/session.js'
import { createLatencyHistogram } from '../../src/load/histogram.js'
import { emptyCounts } from '../../src/load/errors.js'

describe('pinnedCommand', () => {
  it('pins a command with taskset', () => {
    expect(pinnedCommand("node -e 'x'", [2, 3])).toBe(`exec taskset -c 2,3 /bin/sh -c 'node -e '\\''x'\\'''`)
    expect(pinnedCommand('node s.js', [])).toBe('node s.js')
  })

  it('a pinned command runs on its CPUs only (where taskset exists)', () => {
    if (!hostInfo(process.env.PATH).taskset) return
    const out = execFileSync(
      '/bin/sh',
      ['-c', pinnedCommand("grep 'Cpus_allowed_list' /proc/self/status", [0])],
      {
        encoding: 'utf8'
      }
    )
    expect(out).toMatch(/Cpus_allowed_list:\s+0\s*$/)
  })
})

/** A session that records when its slices ran and answers at a fixed rate. */
function fakeSession(name: string, log: string[], rps: number): LoadSession {
  return {
    warm: async () => undefined,
    slice: async ms => {
      log.push(`${name}+`)
      await new Promise(resolve => setTimeout(resolve, 5))
      log.push(`${name}-`)
      const counts = { ...emptyCounts(), responses: (rps * ms) / 1000, status2xx: (rps * ms) / 1000 }
      const result: SliceResult = {
        durationMs: ms,
        counts,
        bytes: 0,
        histogram: createLatencyHistogram(),
        generatorCpuMs: 0,
        plannedMs: ms
      }
      return result
    },
    close: async () => undefined
  }
}

describe('measureStep', () => {
  it('a pair runs the two slices one after the other, in the given order; duet runs them at once', async () => {
    const log: string[] = []
    const sessions = { base: fakeSession('b', log, 100), head: fakeSession('h', log, 90) }
    const pair = await measureStep({ kind: 'pair', order: ['head', 'base'], sliceMs: 500 }, sessions)
    expect(log).toEqual(['h+', 'h-', 'b+', 'b-'])
    expect(pair.base.counts.responses).toBe(50)
    expect(pair.head.counts.responses).toBe(45)
    log.length = 0
    await measureStep({ kind: 'duet', sliceMs: 500 }, sessions)
    expect(log.slice(0, 2).sort()).toEqual(['b+', 'h+'])
  })
})
