import { describe, expect, it } from '@jest/globals'
import { readCpu, sliceCpu, type CpuReading } from '../../src/service/cpu-probe.js'

const reading = (overrides: Partial<CpuReading>): CpuReading => ({
  runNs: 0,
  waitNs: 0,
  busyTicks: 0,
  stealTicks: 0,
  atMs: 0,
  ...overrides
})

describe('the CPU probe around a slice', () => {
  it("splits the watched CPUs' busy time into the service's and the others'", () => {
    // 500 ms on one CPU: the service ran 200 ms and waited 30 ms, the CPU was busy 45 ticks (450 ms), 5 stolen
    const used = sliceCpu(
      reading({}),
      reading({ runNs: 200e6, waitNs: 30e6, busyTicks: 45, stealTicks: 5, atMs: 500 }),
      1
    )
    expect(used.runUs).toBe(200_000)
    expect(used.waitUs).toBe(30_000)
    expect(used.othersShare).toBeCloseTo(0.5, 12) // (450 - 200) / 500
    expect(used.stealShare).toBeCloseTo(0.1, 12)
    // two CPUs watched: the shares are of both CPUs' capacity; the others never count below zero
    const two = sliceCpu(reading({}), reading({ runNs: 600e6, busyTicks: 50, atMs: 500 }), 2)
    expect(two.othersShare).toBe(0)
  })

  it("reads this process's own CPU time from schedstat, over its threads", () => {
    const before = readCpu(process.pid, [])
    if (!before) return // not Linux: nothing to read
    let x = 0
    const until = Date.now() + 60
    while (Date.now() < until) x = (x * 31 + 7) | 0
    const after = readCpu(process.pid, [])!
    const used = sliceCpu(before, after, 1)
    expect(x).not.toBeNaN()
    expect(used.runUs).toBeGreaterThan(10_000) // it spun for 60 ms of wall time
    expect(after.busyTicks).toBeGreaterThanOrEqual(before.busyTicks)
    expect(readCpu(2 ** 22 + 7, [])).toBeUndefined() // no such process
  })
})
