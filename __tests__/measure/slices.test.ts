import { describe, expect, it } from '@jest/globals'
import { measureStep } from '../../src/measure/epoch.js'
import type { LoadSession, SliceResult } from '../../src/load/session.js'
import { createLatencyHistogram } from '../../src/load/histogram.js'
import { emptyCounts } from '../../src/load/errors.js'

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
