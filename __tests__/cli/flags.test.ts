import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { COMMAND_FLAGS, HISTORY_FLAGS, flagLabel, withAliases } from '../../src/cli/flags.js'
import { UsageError } from '../../src/cli/io.js'
import { COMMAND_USAGE } from '../../src/cli/usage.js'
import { REPO } from '../../__fixtures__/config.js'

/** The labels of a usage text's option lines (`-c, --config FILE`), from its "Options:" section on. */
function optionLabels(usage: string): string[] {
  const section = usage.split('\nOptions:\n')[1] ?? ''
  return section
    .split('\n')
    .filter(line => /^ {2}-/.test(line))
    .map(line => line.trim().split(/ {2,}/)[0]!)
}

const CLI = path.join(REPO, 'src/cli')

describe('each CLI flag is defined once, with its help', () => {
  it.each(Object.keys(COMMAND_FLAGS))('perfgate %s --help lists exactly the flags it parses', command => {
    const usage = COMMAND_USAGE[command]
    expect(usage).toBeDefined()
    const flags = COMMAND_FLAGS[command]!
    expect(optionLabels(usage!)).toEqual(Object.entries(flags).map(([name, flag]) => flagLabel(name, flag)))
    for (const flag of Object.values(flags)) expect(flag.help.length).toBeGreaterThan(0)
  })

  it('every parseArgs of src/cli/ parses a table of flags.ts, and no flag is defined anywhere else', () => {
    const files = readdirSync(CLI).filter(f => f.endsWith('.ts') && f !== 'flags.ts')
    const calls: string[] = []
    for (const file of files) {
      const source = readFileSync(path.join(CLI, file), 'utf8')
      for (const match of source.matchAll(/parseArgs\(\{[^)]*\}\)/g)) calls.push(`${file}: ${match[0]}`)
      // a second table of options: an option's `type: 'string'` or `type: 'boolean'` outside flags.ts
      expect([file, /type: '(string|boolean)'/.test(source)]).toEqual([file, false])
    }
    expect(calls.length).toBeGreaterThanOrEqual(Object.keys(COMMAND_FLAGS).length)
    for (const call of calls) expect(call).toMatch(/options: [A-Z_]+_FLAGS\b/)
  })
})

describe('one spelling of every flag', () => {
  it('the directory store is --baseline DIR wherever a command reads one; --dir stays as its alias', () => {
    for (const command of ['run', 'baseline', 'history'])
      expect([command, COMMAND_FLAGS[command]!.baseline?.value]).toEqual([command, 'DIR'])
    for (const command of ['baseline', 'history']) {
      expect(COMMAND_FLAGS[command]!.dir).toMatchObject({ aliasOf: 'baseline' })
      expect(COMMAND_USAGE[command]).toContain('--dir DIR')
      expect(COMMAND_USAGE[command]).toContain('the same as --baseline (its older name)')
    }
    expect(withAliases({ dir: 'store', json: true }, HISTORY_FLAGS)).toEqual({
      baseline: 'store',
      json: true
    })
    expect(withAliases({ baseline: 'store' }, HISTORY_FLAGS)).toEqual({ baseline: 'store' })
    expect(() => withAliases({ baseline: 'a', dir: 'b' }, HISTORY_FLAGS)).toThrow(UsageError)
  })

  it('--dir is a store nowhere but as the alias: only init has its own --dir (the project directory)', () => {
    const ownDir = Object.entries(COMMAND_FLAGS).filter(([, flags]) => flags.dir && !flags.dir.aliasOf)
    expect(ownDir.map(([command]) => command)).toEqual(['init'])
  })
})
