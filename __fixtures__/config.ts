import path from 'node:path'
import net from 'node:net'
import { once } from 'node:events'
import { parseConfig } from '../src/config/load.js'
import { ConfigError } from '../src/config/problems.js'
import type { Config, RegressionCheck, Scenario } from '../src/config/types.js'

export const REPO = path.resolve('.')

export async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as net.AddressInfo
  server.close()
  await once(server, 'close')
  return port
}

/** A complete config that runs the example service on `port`, with short loads for tests. */
export function exampleConfig(
  port: number,
  scenarios: Array<Partial<Scenario>>,
  overrides: Partial<Config> = {}
): Config {
  const base = `http://127.0.0.1:${port}`
  return {
    version: 1,
    file: path.join(REPO, 'perfgate.test.yml'),
    service: {
      command: 'node examples/service/server.mjs',
      cwd: REPO,
      env: { PORT: String(port), CPU_US: '50' },
      ready: { kind: 'http', url: `${base}/health`, timeoutMs: 15_000, intervalMs: 50 },
      preflightUrl: `${base}/health`,
      shutdownTimeoutMs: 3000
    },
    scenarios: scenarios.map((s, i) => ({
      name: `scenario-${i + 1}`,
      request: { method: 'GET', url: `${base}/reservations/42`, headers: {} },
      load: { mode: 'closed', connections: 4, durationMs: 500, warmupMs: 100, timeoutMs: 5000 },
      thresholds: [],
      regression: [],
      // low: a starved runner (beside a CPU hog) may answer a few dozen requests in a short window
      minRequests: 5,
      maxErrorRate: 0.05,
      ...s
    })),
    compare: {
      mode: 'interleaved',
      rounds: { min: 2, max: 3 },
      budgetMs: 60_000,
      confirm: false,
      confidence: 0.95
    },
    baseline: {
      store: 'none',
      branch: 'perfgate-baselines',
      directory: path.join(REPO, '.perfgate/baselines'),
      remote: 'origin',
      rounds: 2,
      noise: 0.1,
      onRunnerMismatch: 'inconclusive',
      saveOn: ['push', 'workflow_dispatch']
    },
    onInconclusive: 'warn',
    ...overrides
  }
}

/** throughput.rps may fall 5% (fail). */
export const rpsCheck: RegressionCheck = {
  metric: 'throughput.rps',
  direction: 'fall',
  tolerance: 0.05,
  expression: '-5%',
  severity: 'fail'
}

/**
 * The text of a perfgate.yml with the example service on `port` and one GET scenario named `get`; `scenario` holds
 * the scenario's further keys (indented four spaces), `defaults` the defaults line's flow mapping.
 */
export function exampleServiceYaml(
  port: number,
  scenario: string,
  defaults = '{ warmup: 100ms, duration: 300ms, connections: 4, min-requests: 5 }'
): string {
  return `version: 1
service:
  command: node ${path.join(REPO, 'examples/service/server.mjs')}
  env: { PORT: "${port}", CPU_US: "50" }
  ready: { url: http://127.0.0.1:${port}/health, timeout: 15s }
defaults: ${defaults}
scenarios:
  - name: get
    request: { url: http://127.0.0.1:${port}/reservations/1 }
${scenario}`
}

/** The ConfigError that parsing `text` (as /repo/perfgate.yml) throws; fails the test when it parses. */
export function configErrorOf(text: string): ConfigError {
  try {
    parseConfig(text, 'perfgate.yml', '/repo')
  } catch (err) {
    if (err instanceof ConfigError) return err
    throw err
  }
  throw new Error('expected a ConfigError')
}
