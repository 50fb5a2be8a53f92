import { describe, expect, it } from '@jest/globals'
import { BaseError, baseErrorReport, gate } from '../../src/gate/gate.js'
import { exampleConfig, REPO, rpsCheck } from '../../__fixtures__/config.js'
import { syntheticMeasurer } from '../harness/fake-measurer.js'

describe('gate', () => {
  const config = exampleConfig(1, [{ regression: [rpsCheck] }])

  it('compares a base directory with the head through the measurement interface, and says where the base came from', async () => {
    const measurer = syntheticMeasurer(config, { change: { 'throughput.rps': -0.5 } })
    const report = await gate(
      {
        mode: 'compare',
        config,
        repo: REPO,
        base: { dir: REPO },
        acceptances: [],
        git: { sha: 'abc' }
      },
      { measurer }
    )
    expect(measurer.calls.slice(0, 2)).toEqual(['1b', '1h'])
    expect(report.mode).toBe('compare')
    expect(report.verdict).toBe('fail')
    expect(report.notes).toContain(`base from the directory ${REPO}`)
    expect(report.git).toEqual({ sha: 'abc' })
  })

  it('measures a run again once when only the generator fell behind, and errors a generator that falls behind again', async () => {
    const lag = {
      kind: 'generator-lag' as const,
      message: 'the load generator fell behind its schedule (p99 31 ms late)'
    }
    let calls = 0
    const oncePaused = syntheticMeasurer(config, {
      script: () => (calls++ === 0 ? { error: lag } : undefined)
    })
    const recovered = await gate({ mode: 'run', config }, { measurer: oncePaused })
    expect(oncePaused.calls).toEqual(['1h', '1h'])
    expect(recovered.scenarios[0]!.error).toBeUndefined()
    expect(recovered.verdict).not.toBe('errored')
    expect(recovered.notes).toContainEqual(
      expect.stringMatching(
        /^the run was measured again: the load generator fell behind its schedule in scenario-1,/
      )
    )

    const alwaysBehind = syntheticMeasurer(config, { script: () => ({ error: lag }) })
    const errored = await gate({ mode: 'run', config, rounds: 3 }, { measurer: alwaysBehind })
    expect(alwaysBehind.calls).toEqual(['1h', '1h', '2h', '3h'])
    expect(errored.verdict).toBe('errored')
    expect(errored.scenarios[0]!.error).toEqual(lag)
    expect(errored.notes).toContainEqual(
      expect.stringMatching(/^round 1 was measured again \(one round per run at most\)/)
    )

    const crashed = { kind: 'crashed' as const, message: 'the service crashed during load (exit code 70)' }
    const crashing = syntheticMeasurer(config, { script: () => ({ error: crashed }) })
    const crash = await gate({ mode: 'run', config }, { measurer: crashing })
    expect(crashing.calls).toEqual(['1h'])
    expect(crash.scenarios[0]!.error).toEqual(crashed)
  })

  it('throws BaseError for a base that is not there; baseErrorReport makes every scenario errored with the reason', async () => {
    const missing = await gate(
      { mode: 'compare', config, repo: REPO, base: { dir: '/nonexistent/base' }, acceptances: [] },
      { measurer: syntheticMeasurer(config) }
    ).catch(e => e)
    expect(missing).toBeInstanceOf(BaseError)
    const report = baseErrorReport(config, missing as BaseError)
    expect(report.verdict).toBe('errored')
    expect(report.scenarios[0]!.error).toEqual({
      kind: 'base-unavailable',
      message: expect.stringMatching(/^the base directory \/nonexistent\/base does not exist/)
    })
  })
})
