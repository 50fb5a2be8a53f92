import { describe, expect, it } from '@jest/globals'
import { BaseError, baseErrorReport, gate } from '../../src/gate/gate.js'
import { exampleConfig, REPO, rpsCheck } from '../../__fixtures__/config.js'
import { syntheticMeasurer } from '../harness/fake-measurer.js'

describe('gate', () => {
  const config = exampleConfig(1, [{ regression: [rpsCheck] }])

  it('compares a base directory with the head through the measurement port, and says where the base came from', async () => {
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
