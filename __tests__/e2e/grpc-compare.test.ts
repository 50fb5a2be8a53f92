import { afterEach, describe, expect, it } from '@jest/globals'
import { compareGate } from '../../src/gate/compare.js'
import { liveProcessGroups, stopAllServices } from '../../src/service/spawn.js'
import { reportProblems } from '../../src/report/validate.js'
import type { HostInfo } from '../../src/measure/environment.js'
import type { Config } from '../../src/config/types.js'
import { exampleConfig, REPO, rpsCheck } from '../../__fixtures__/config.js'
import { grpcScenario } from '../../__fixtures__/grpc.js'

afterEach(async () => {
  await stopAllServices()
})

const twoCores: HostInfo = { cpus: [0, 1], taskset: true }

/**
 * The zoo's @grpc/grpc-js server (CPU_US busy microseconds per call) gated on calls per second in slices: both
 * sides up at once on {{service.port}}, a second or so of load per epoch.
 */
function grpcConfig(tolerance: number): Config {
  const config = exampleConfig(1, [])
  config.service = {
    ...config.service!,
    command: 'node __tests__/zoo/servers/grpc-js.mjs',
    env: { PORT: '{{service.port}}', CPU_US: '300' },
    ready: {
      kind: 'tcp',
      host: '127.0.0.1',
      port: 0,
      portText: '{{service.port}}',
      timeoutMs: 15_000,
      intervalMs: 50
    },
    preflightUrl: undefined
  }
  const scenario = grpcScenario('http://127.0.0.1:{{service.port}}', {
    mode: 'closed',
    connections: 2,
    durationMs: 1200,
    warmupMs: 200,
    timeoutMs: 5000
  })
  config.scenarios = [
    {
      ...scenario,
      name: 'get',
      regression: [{ ...rpsCheck, tolerance, expression: `-${tolerance * 100}%` }],
      minRequests: 5
    }
  ]
  // on a busy machine a clear slowdown may need more epochs to be decided: allow them, assert the verdict
  config.compare = {
    ...config.compare,
    design: 'slices',
    sliceMs: 200,
    rounds: { min: 2, max: 6 },
    epochs: { min: 2, max: 6 },
    budgetMs: 120_000
  }
  return config
}

describe('compare on a gRPC service (grpc-js, slices)', () => {
  it('fails a head whose handler does three times the CPU work per call', async () => {
    const report = await compareGate(grpcConfig(0.1), {
      baseDir: REPO,
      headDir: REPO,
      host: twoCores,
      seed: 1,
      env: { head: { SLOWDOWN: '2' } }
    })
    expect(reportProblems(report)).toEqual([])
    const [scenario] = report.scenarios
    expect(scenario!.error).toBeUndefined()
    expect(scenario!.checks[0]!.verdict).toBe('fail')
    expect(scenario!.baseMetrics!['throughput.rps']).toBeGreaterThan(scenario!.metrics['throughput.rps']!)
    expect(report.verdict).toBe('fail')
    expect(liveProcessGroups()).toEqual([])
  }, 180_000)

  it('does not fail the same server on both sides (A/A)', async () => {
    const report = await compareGate(grpcConfig(0.5), {
      baseDir: REPO,
      headDir: REPO,
      host: twoCores,
      seed: 1
    })
    expect(reportProblems(report)).toEqual([])
    const [scenario] = report.scenarios
    expect(scenario!.error).toBeUndefined()
    expect(scenario!.verdict).not.toBe('errored')
    expect(scenario!.checks[0]!.verdict).not.toBe('fail')
    expect(scenario!.metrics['throughput.rps']).toBeGreaterThan(0)
    expect(liveProcessGroups()).toEqual([])
  }, 180_000)
})
