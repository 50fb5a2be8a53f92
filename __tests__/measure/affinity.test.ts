import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { hostInfo } from '../../src/gate/slices.js'
import { pinnedCommand, withGeneratorOn } from '../../src/measure/affinity.js'

const ownCpus = () => /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]
const host = hostInfo()
const canPin = host.taskset && host.cpus.length >= 2

describe('pinnedCommand', () => {
  it('pins a command with taskset, quoting it for the shell', () => {
    expect(pinnedCommand("node -e 'x'", [2, 3])).toBe(`exec taskset -c 2,3 /bin/sh -c 'node -e '\\''x'\\'''`)
    expect(pinnedCommand('node s.js', [])).toBe('node s.js')
  })

  it('a pinned command and its children run on its CPUs only (where taskset exists)', () => {
    if (!host.taskset) return
    const out = execFileSync(
      '/bin/sh',
      ['-c', pinnedCommand("sh -c \"grep 'Cpus_allowed_list' /proc/self/status\"", [host.cpus[0]!])],
      { encoding: 'utf8' }
    )
    expect(out).toMatch(new RegExp(`Cpus_allowed_list:\\s+${host.cpus[0]}\\s*$`))
  })
})

describe('withGeneratorOn', () => {
  it('pins every thread of this process while it runs, then gives the CPUs back', async () => {
    if (!canPin) return
    const before = ownCpus()
    const target = host.cpus[host.cpus.length - 1]!
    const inside = await withGeneratorOn([target], async () => {
      // a thread started while pinned, and a child process, inherit the pin
      const child = execFileSync('/bin/sh', ['-c', "grep 'Cpus_allowed_list' /proc/self/status"], {
        encoding: 'utf8'
      })
      return { own: ownCpus(), child }
    })
    expect(inside.own).toBe(String(target))
    expect(inside.child).toMatch(new RegExp(`Cpus_allowed_list:\\s+${target}\\s*$`))
    expect(ownCpus()).toBe(before)
  })

  it('gives the CPUs back when the measurement throws, and leaves an empty plan alone', async () => {
    const before = ownCpus()
    await expect(
      withGeneratorOn(canPin ? [host.cpus[0]!] : [], async () => {
        throw new Error('measurement failed')
      })
    ).rejects.toThrow('measurement failed')
    expect(ownCpus()).toBe(before)
    expect(await withGeneratorOn([], async () => ownCpus())).toBe(before)
  })

  it('a nested pin keeps the outer one', async () => {
    if (!canPin) return
    const before = ownCpus()
    const [outer, inner] = [host.cpus[0]!, host.cpus[1]!]
    const seen = await withGeneratorOn([outer], () => withGeneratorOn([inner], async () => ownCpus()))
    expect(seen).toBe(String(outer))
    expect(ownCpus()).toBe(before)
  })
})
