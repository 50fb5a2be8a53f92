import { describe, expect, it } from '@jest/globals'
import { actionLog } from '../../src/action/log.js'
import { longStep, type EngineEvent } from '../../src/measure/events.js'
import { runBuild } from '../../src/service/spawn.js'
import os from 'node:os'
import { commandsRun } from '../../__fixtures__/workflow-commands.js'

function target() {
  const lines: string[] = []
  return {
    lines,
    info: (m: string) => lines.push(m),
    warning: (m: string) => lines.push(`warning: ${m}`),
    startGroup: (t: string) => lines.push(`::group::${t}`),
    endGroup: () => lines.push('::endgroup::')
  }
}

const progress = (elapsedMs: number, responses: number, errors = 0): EngineEvent => ({
  type: 'progress',
  scenario: 'home',
  label: 'head',
  round: 2,
  progress: { phase: 'measure', elapsedMs, totalMs: 30_000, responses, errors, currentRps: 812.4 }
})

describe('the Actions log', () => {
  it('folds each scenario and side in a group and prints a heartbeat at least every 10 s of load', () => {
    const log = target()
    let clock = 0
    const sink = actionLog(log, () => clock)
    sink({ type: 'measure-start', scenario: 'home', label: 'base', round: 1 })
    sink({ type: 'measure-end', scenario: 'home', label: 'base', round: 1, summary: '800 req/s' })
    sink({ type: 'measure-start', scenario: 'home', label: 'head', round: 2 })
    for (let t = 1000; t <= 25_000; t += 1000) {
      clock = t
      sink(progress(t, t))
    }
    sink({ type: 'measure-end', scenario: 'home', label: 'head', round: 2, summary: '810 req/s' })
    expect(log.lines).toEqual([
      '::group::home · base round 1',
      '  800 req/s',
      '::endgroup::',
      '::group::home · head round 2',
      '  home · head round 2: measure 10/30 s, 812 req/s, 10000 responses, 0 errors so far',
      '  home · head round 2: measure 20/30 s, 812 req/s, 20000 responses, 0 errors so far',
      '  810 req/s',
      '::endgroup::'
    ])
  })

  it('folds an epoch of slices, both sides, in one group', () => {
    const log = target()
    const sink = actionLog(log, () => 0)
    sink({ type: 'measure-start', scenario: 'home', label: 'base and head', round: 3, unit: 'epoch' })
    for (const side of ['base', 'head'])
      sink({
        type: 'measure-end',
        scenario: 'home',
        label: side,
        round: 3,
        unit: 'epoch',
        summary: `${side}: ok`
      })
    expect(log.lines).toEqual([
      '::group::home · base and head epoch 3',
      '  base: ok',
      '  head: ok',
      '::endgroup::'
    ])
  })

  it('writes build output and other untrusted lines so that none runs as a workflow command', () => {
    const log = target()
    const sink = actionLog(log, () => 0)
    sink({ type: 'step-start', title: 'Building the base' })
    sink({ type: 'step-output', line: '::set-output name=verdict::pass' })
    sink({ type: 'step-output', line: '  ::add-mask::nothing' })
    sink({ type: 'step-output', line: 'npm ##[warning]forged' })
    sink({ type: 'service-starting', label: 'base', command: 'node s.js\n::error::forged' })
    sink({ type: 'step-end', title: 'Building the base', ok: true })
    expect(log.lines).toContain('::set-output name=verdict::pass')
    expect(commandsRun(log.lines)).toEqual([])
  })

  it("folds the base's build output in its own group, with heartbeats, and keeps the tail in the failure", async () => {
    const log = target()
    const sink = actionLog(log)
    const build = (command: string) =>
      longStep(
        sink,
        `building the base: ${command}`,
        () => runBuild(command, os.tmpdir(), { onLine: line => sink({ type: 'step-output', line }) }),
        100
      )
    await build('echo one; sleep 0.35; echo two >&2')
    expect(log.lines[0]).toBe('::group::building the base: echo one; sleep 0.35; echo two >&2')
    expect(log.lines).toContain('one')
    expect(log.lines).toContain('two')
    expect(log.lines.filter(l => l.includes('still running'))).not.toHaveLength(0)
    expect(log.lines.at(-1)).toBe('::endgroup::')
    log.lines.length = 0
    const failure = await build('echo compiling; echo "error TS2304" >&2; exit 3').catch((e: Error) => e)
    expect(failure).toBeInstanceOf(Error)
    expect((failure as Error).message).toContain('error TS2304')
    expect(log.lines.slice(-3)).toEqual([
      'error TS2304',
      '::endgroup::',
      'building the base: echo compiling; echo "error TS2304" >&2; exit 3: failed (its output is in the group above)'
    ])
  })
})

describe('the CLI in a CI log (not a terminal)', () => {
  it('prints a progress line at least every 10 s of load, and no redrawn bar', async () => {
    const { terminalEvents } = await import('../../src/cli/output.js')
    const { PLAIN } = await import('../../src/report/terminal.js')
    let text = ''
    let clock = 0
    const sink = terminalEvents({ write: t => void (text += t) }, PLAIN, () => clock)
    sink({ type: 'measure-start', scenario: 'home', label: 'head', round: 2 })
    for (let t = 1000; t <= 25_000; t += 1000) {
      clock = t
      sink(progress(t, t))
    }
    expect(text).not.toContain('\r')
    expect(text.match(/head round 2 \[/g)).toHaveLength(2)
    expect(text).toContain('812 req/s, 20000 responses, 0 errors')
  })
})
