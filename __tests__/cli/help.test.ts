import { describe, expect, it } from '@jest/globals'
import { main } from '../../src/cli/main.js'
import { BASELINE_USAGE, COMMAND_USAGE } from '../../src/cli/usage.js'
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
})
