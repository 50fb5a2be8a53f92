import { describe, expect, it } from '@jest/globals'
import { choosePinning } from '../../src/gate/pinning.js'
import { noteMessage } from '../../src/report/notes.js'

describe('choosePinning', () => {
  it('keeps the service off the first CPU, which the load generator then has to itself', () => {
    const p = choosePinning({}, { cpus: [0, 1, 2, 3], taskset: true })
    expect(p.service).toEqual([1, 2, 3])
    expect(p.note).toEqual({ kind: 'cpus', service: [1, 2, 3], generator: 0 })
    expect(noteMessage(p.note)).toBe(
      'CPUs: the service ran on CPUs 1,2,3 (taskset), leaving CPU 0 to the load generator'
    )
  })

  it('uses the CPUs this process may run on, not CPU numbers it may not', () => {
    expect(choosePinning({ cpus: 'auto' }, { cpus: [2, 5], taskset: true }).service).toEqual([5])
  })

  it('shares the CPUs, and says why, when asked to, on one CPU, or without taskset', () => {
    const cases = [
      [choosePinning({ cpus: 'shared' }, { cpus: [0, 1], taskset: true }), 'service.cpus: shared'],
      [choosePinning({}, { cpus: [0], taskset: true }), 'one CPU'],
      [choosePinning({}, { cpus: [0, 1], taskset: false }), 'no taskset on this runner']
    ] as const
    for (const [pinning, why] of cases) {
      expect(pinning.service).toEqual([])
      expect(noteMessage(pinning.note)).toBe(
        `CPUs: the load generator and the service shared the CPUs (${why})`
      )
    }
  })
})
