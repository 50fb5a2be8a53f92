/**
 * Synthetic stored runs for the history tests: `runs` commits on a line, one record each, the latency of every
 * scenario `step` times higher from commit `stepAt` on, with seeded lognormal noise.
 */
import type { BaselineRecord } from '../src/baseline/record.js'
import type { StoredRecord } from '../src/baseline/store.js'
import type { LineCommit } from '../src/git/history.js'
import type { RunnerFingerprint } from '../src/model/report.js'
import { createRng } from '../src/stats/rng.js'

export const RUNNER: RunnerFingerprint = {
  cpuModel: 'AMD EPYC 7B13',
  cores: 2,
  memoryBytes: 8e9,
  os: 'linux 6.1.0 x64',
  node: 'v20.20.0'
}

export interface SyntheticHistory {
  runs: number
  stepAt: number
  step: number
  scenarios?: string[]
  cv?: number
  seed?: number
  runner?: RunnerFingerprint
  /** a scenario's own step: [the run it starts at, its factor] (default stepAt and step) */
  scenarioSteps?: Record<string, [number, number]>
  /** scenario definition per run index (default the same for all) */
  definitionAt?: (i: number) => string
}

export const shaOf = (i: number) => (0xa000 + i).toString(16).padEnd(40, 'c')

export function syntheticHistory(spec: SyntheticHistory): { line: LineCommit[]; records: StoredRecord[] } {
  const rng = createRng(spec.seed ?? 1)
  const cv = spec.cv ?? 0.04
  const sigma = Math.sqrt(Math.log1p(cv * cv))
  const noise = () => Math.exp(sigma * Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng()))
  const line: LineCommit[] = []
  const records: StoredRecord[] = []
  for (let i = 0; i < spec.runs; i++) {
    const sha = shaOf(i)
    const date = new Date(Date.UTC(2026, 10, 1) + i * 3_600_000).toISOString()
    line.push({ sha, date, subject: i === spec.stepAt ? 'handler does 30% more work' : `commit ${i + 1}` })
    const record: BaselineRecord = {
      schemaVersion: 2,
      tool: { name: 'perfgate', version: '0.1.0' },
      createdAt: date,
      git: { sha, runId: String(100 + i), runAttempt: 1 },
      config: { hash: 'abcdef0123456789', file: 'perfgate.yml' },
      runner: spec.runner ?? RUNNER,
      verdict: 'pass',
      scenarios: (spec.scenarios ?? ['list']).map(name => {
        const [at, step] = spec.scenarioSteps?.[name] ?? [spec.stepAt, spec.step]
        const factor = i >= at ? step : 1
        return {
          name,
          ...(spec.definitionAt ? { definition: spec.definitionAt(i) } : {}),
          metrics: {
            'latency.p50': 2000 * factor * noise(),
            'latency.p99': 9000 * factor * noise(),
            'throughput.ok_rps': (4000 / factor) * noise(),
            'errors.rate': 0
          },
          rounds: [{ round: 1, metrics: {} }]
        }
      })
    }
    records.push({ path: `v1/runs/${sha}/${100 + i}-1-abcdef0123456789.json`, record })
  }
  return { line, records }
}
