import { describe, expect, it } from '@jest/globals'
import { decideSliceScenario } from '../../src/gate/judge.js'
import { checkMessage } from '../../src/report/checks.js'
import type { RegressionCheck } from '../../src/config/types.js'
import type { RunRecord } from '../../src/model/run.js'
import type { SliceObservation } from '../../src/model/slices.js'
import { exampleConfig } from '../../__fixtures__/config.js'

const cpuCheck: RegressionCheck = {
  metric: 'server.cpu.per_request',
  direction: 'rise',
  tolerance: 0.02,
  expression: '+2%',
  severity: 'fail'
}

const record = (side: 'base' | 'head', round: number, cpuUs: number): RunRecord => ({
  side,
  round,
  metrics: { 'throughput.rps': 1000, 'server.cpu.per_request': cpuUs }
})

describe('decideSliceScenario: the service CPU time per request', () => {
  const [scenario] = exampleConfig(1, [{ name: 'get', regression: [cpuCheck] }]).scenarios
  // per epoch the pooled values swing by ±20% with the runner; per slice pair the head costs 5% more
  const base = [1, 2, 3, 4].map(e => record('base', e, 300 * (1 + 0.2 * (-1) ** e)))
  const head = [1, 2, 3, 4].map(e => record('head', e, 300 * (1 + 0.2 * (-1) ** (e + 1))))
  const sliced = (withCpu: boolean): SliceObservation[] =>
    [1, 2, 3, 4].flatMap(epoch =>
      Array.from({ length: 6 }, (_, k) => {
        const level = 300 * (1 + 0.03 * k) * (1 + 0.2 * (-1) ** epoch)
        const cpu = (us: number) => (withCpu ? { 'server.cpu.per_request': us } : {})
        return {
          epoch,
          base: { 'throughput.rps': 1000, ...cpu(level) },
          head: { 'throughput.rps': 1000, ...cpu(level * (1.05 + 0.002 * (k % 2))) }
        }
      })
    )

  it('comes from the slice pairs by epoch when the slices measured it: a 5% rise fails a +2% check', () => {
    const { checks } = decideSliceScenario(scenario!, base, head, sliced(true), 0.95)
    expect(checks[0]).toMatchObject({ metric: 'server.cpu.per_request', verdict: 'fail', rounds: 4 })
    expect(checks[0]!.change!).toBeCloseTo(0.051, 2)
    expect(checkMessage(checks[0]!)).toMatch(/4 epochs \(24 slice pairs\)/)
  })

  it('falls back to one pooled value per side and epoch where the slices have no CPU time (not Linux)', () => {
    const { checks } = decideSliceScenario(scenario!, base, head, sliced(false), 0.95)
    expect(checkMessage(checks[0]!)).toMatch(/4 epochs \(slices pooled per side\)/)
    expect(checks[0]!.verdict).toBe('inconclusive') // the epochs' swings hide the 5%
  })
})
