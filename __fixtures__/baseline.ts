import { BASELINE_SCHEMA_VERSION, type BaselineRecord } from '../src/baseline/record.js'
import { runnerFingerprint } from '../src/report/fingerprint.js'

/** A valid stored run; `rps` per round sets throughput.rps and ok_rps (p99 follows it inversely). */
export function sampleRecord(
  overrides: {
    sha?: string
    runId?: string
    attempt?: number
    hash?: string
    rps?: number[]
    createdAt?: string
    cores?: number
  } = {}
): BaselineRecord {
  const rps = overrides.rps ?? [1000, 1010, 990]
  const runner = runnerFingerprint()
  const round = (value: number, i: number) => ({
    round: i + 1,
    metrics: {
      'throughput.rps': value,
      'throughput.ok_rps': value,
      'latency.p99': 1e6 / value,
      'errors.rate': 0
    }
  })
  const mean = rps.reduce((a, b) => a + b, 0) / rps.length
  return {
    schemaVersion: BASELINE_SCHEMA_VERSION,
    tool: { name: 'perfgate', version: '0.1.0' },
    createdAt: overrides.createdAt ?? '2026-11-20T10:00:00.000Z',
    git: {
      sha: overrides.sha ?? 'a'.repeat(40),
      ref: 'refs/heads/main',
      event: 'push',
      runId: overrides.runId ?? '100',
      runAttempt: overrides.attempt ?? 1
    },
    config: { hash: overrides.hash ?? 'abcdef0123456789', file: 'perfgate.yml' },
    runner: { ...runner, cores: overrides.cores ?? runner.cores },
    verdict: 'pass',
    scenarios: [
      {
        name: 'get',
        metrics: {
          'throughput.rps': mean,
          'throughput.ok_rps': mean,
          'latency.p99': 1e6 / mean,
          'errors.rate': 0
        },
        rounds: rps.map(round)
      }
    ]
  }
}
