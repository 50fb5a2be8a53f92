import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { hostInfo } from '../../src/measure/environment.js'
import { pinnedCommand } from '../../src/measure/affinity.js'

const host = hostInfo()

describe('pinnedCommand', () => {
  it('pins a command with taskset, quoting it for the shell', () => {
    expect(pinnedCommand("node -e 'x'", [2, 3])).toBe(`exec taskset -c 2,3 /bin/sh -c 'node -e '\\''x'\\'''`)
    expect(pinnedCommand('node s.js', [])).toBe('node s.js')
  })

  it('a pinned command and its children run on its CPUs only (where taskset exists)', () => {
    if (!host.taskset) return
    const out = execFileSync(
      '/bin/sh',
      ['-c', pinnedCommand('sh -c "grep \'Cpus_allowed_list\' /proc/self/status"', [host.cpus[0]!])],
      { encoding: 'utf8' }
    )
    expect(out).toMatch(new RegExp(`Cpus_allowed_list:\\s+${host.cpus[0]}\\s*$`))
  })
})
