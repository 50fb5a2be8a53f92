import { describe, expect, it } from '@jest/globals'
import { main } from '../../src/cli/main.js'
import { BASELINE_USAGE, COMMAND_USAGE, USAGE } from '../../src/cli/usage.js'
import { renderFlags } from '../../src/cli/flags.js'
import { COMMAND_FLAGS } from '../../src/cli/flags.js'
import { captureIO } from '../../__fixtures__/cli.js'
import { VERSION } from '../../src/version.js'
import os from 'node:os'

const io = () => captureIO(os.tmpdir())

describe('help on every command', () => {
  it.each(['init', 'validate', 'run', 'compare', 'report', 'demo'])(
    'perfgate %s --help, -h and perfgate help %s print its usage and exit 0 without running it',
    async command => {
      for (const argv of [
        [command, '--help'],
        [command, '-h'],
        ['help', command],
        [command, '--config', 'x.yml', '--help']
      ]) {
        const out = io()
        expect(await main(argv, out)).toBe(0)
        expect(out.out).toBe(COMMAND_USAGE[command])
        expect(out.err).toBe('')
      }
    }
  )

  it('perfgate baseline --help, baseline list --help, baseline help and help baseline print the baseline usage', async () => {
    for (const argv of [
      ['baseline', '--help'],
      ['baseline', '-h'],
      ['baseline', 'help'],
      ['baseline', 'list', '--help'],
      ['baseline', 'show', '-h'],
      ['help', 'baseline']
    ]) {
      const out = io()
      expect(await main(argv, out)).toBe(0)
      expect(out.out).toBe(BASELINE_USAGE)
    }
  })

  it('the main usage names a help that works for each command it lists', async () => {
    const out = io()
    expect(await main(['--help'], out)).toBe(0)
    expect(out.out).toContain('perfgate help COMMAND')
    for (const command of ['init', 'validate', 'run', 'compare', 'report', 'baseline', 'demo'])
      expect(out.out).toContain(`perfgate ${command}`)
  })

  it('-V, --version and version print the version', async () => {
    for (const flag of ['-V', '--version', 'version']) {
      const out = io()
      expect(await main([flag], out)).toBe(0)
      expect(out.out).toBe(`${VERSION}\n`)
    }
  })

  it('a mistyped command gets a did-you-mean and exit 2', async () => {
    const cases: Array<[string[], string]> = [
      [['rnu'], 'unknown command "rnu"; did you mean "perfgate run"?'],
      [['valdate'], 'did you mean "perfgate validate"?'],
      [['comapre'], 'did you mean "perfgate compare"?'],
      [['baseline', 'lst'], 'unknown baseline command "lst"; did you mean "perfgate baseline list"?'],
      [['help', 'rnu'], 'did you mean "perfgate run"?']
    ]
    for (const [argv, message] of cases) {
      const out = io()
      expect(await main(argv, out)).toBe(2)
      expect(out.err).toContain(message)
    }
    const far = io()
    expect(await main(['xyzzy'], far)).toBe(2)
    expect(far.err).toContain('unknown command "xyzzy"')
    expect(far.err).not.toContain('did you mean')
  })

  it('a mistyped option gets a did-you-mean and the command usage', async () => {
    const out = io()
    expect(await main(['run', '--confg', 'x.yml'], out)).toBe(2)
    expect(out.err).toContain('unknown option --confg for perfgate run; did you mean --config?')
    expect(out.err).toContain(COMMAND_USAGE.run)
  })

  it('an option before the command gets one answer, whichever option it is', async () => {
    const json = io()
    expect(await main(['--json'], json)).toBe(2)
    expect(json.err).toContain(
      'perfgate: --json is not an option of perfgate itself, only of its commands: give a command first, like perfgate validate --json (--json is an option of validate, doctor, run, compare, merge, baseline, history)'
    )
    const config = io()
    expect(await main(['--config', 'x.yml', 'run'], config)).toBe(2)
    expect(config.err).toContain(
      'perfgate: --config is not an option of perfgate itself, only of its commands: put it after the command: perfgate run --config x.yml'
    )
    for (const argv of [['-q'], ['--out', 'x'], ['--frob']]) {
      const out = io()
      expect(await main(argv, out)).toBe(2)
      expect(out.err).toMatch(
        /^perfgate: (-q|--out) is not an option of perfgate itself|^perfgate: unknown option --frob/
      )
      expect(out.err).toContain('Run `perfgate help` for the commands.')
      expect(out.err).not.toContain('unknown command')
    }
  })

  it('help columns are aligned: the main usage and every option list', () => {
    const commands = USAGE.split('Usage:\n')[1]!.split('\n\n')[0]!.split('\n')
    const column = (line: string) => /^ {2}perfgate \S.*? {2,}(?=\S)/.exec(line)?.[0].length
    expect(commands.length).toBeGreaterThan(5)
    expect(new Set(commands.map(column)).size).toBe(1)
    expect(commands.every(line => column(line) !== undefined)).toBe(true)
    for (const flags of Object.values(COMMAND_FLAGS)) {
      const lines = renderFlags(flags).split('\n').filter(Boolean)
      const starts = lines.map(l => /^ {2}\S.*? {2,}(?=\S)/.exec(l)?.[0].length)
      expect(new Set(starts).size).toBeLessThanOrEqual(1)
    }
  })
})
