import { describe, expect, it } from '@jest/globals'
import { commandSafeLines, logText } from '../../src/action/safe-log.js'
import { commandsRun } from '../../__fixtures__/workflow-commands.js'

describe('untrusted text in the Actions log', () => {
  const hostile = [
    '::set-output name=verdict::pass',
    '  ::warning title=INJECTED::owned',
    'ok\n::add-mask::x\r::error::y',
    'build: ##[set-output name=verdict;]pass',
    '::stop-commands::guess\n::set-output name=verdict::pass'
  ]

  it('can start no workflow command, in either syntax, on any line of it; the text is shown unchanged', () => {
    for (const text of hostile) {
      const lines: string[] = []
      logText(text, line => lines.push(line))
      expect(commandsRun(lines)).toEqual([])
      expect(lines).toContain(text)
      // the same text written as it is would run commands
      expect(commandsRun([text]).length).toBeGreaterThan(0)
    }
  })

  it('fences with a fresh random token each time, and leaves plain text alone', () => {
    const [a] = commandSafeLines('::x::')
    const [b] = commandSafeLines('::x::')
    expect(a).toMatch(/^::stop-commands::[0-9a-f]{32}$/)
    expect(a).not.toBe(b)
    expect(commandSafeLines('perfgate passed: 3 scenarios, 9 checks')).toEqual([
      'perfgate passed: 3 scenarios, 9 checks'
    ])
  })
})
