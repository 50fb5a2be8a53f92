import path from 'node:path'
import type { Config, ReadyProbe, RequestSpec, Scenario, SuiteSpec } from '../config/types.js'
import { DEFAULTS } from '../config/defaults.js'
import { formatDuration, formatMs, formatPercent } from '../config/format.js'
import type { ConfigUsed } from '../model/report.js'

/**
 * The resolved config as the run used it (defaults filled, `extends` applied), for the report's "config used".
 * Header values and service environment values are left out (names only): they may carry credentials, and the
 * report travels as an artifact and into PR comments.
 */
export function configUsed(config: Config): ConfigUsed {
  const configDir = path.dirname(path.resolve(config.file))
  const s = config.service
  return {
    ...(s
      ? {
          service: {
            command: s.command,
            ...(s.build ? { build: s.build } : {}),
            cwd: path.relative(configDir, s.cwd) || '.',
            ready: describeReady(s.ready),
            ...(Object.keys(s.env).length ? { env: Object.keys(s.env).sort() } : {})
          }
        }
      : { target: config.ready ? { ready: describeReady(config.ready) } : {} }),
    scenarios: config.scenarios.map(scenarioUsed),
    compare: {
      mode: config.compare.mode,
      ...(config.compare.design
        ? {
            design: `${config.compare.design}; slices of ${formatMs(config.compare.sliceMs ?? DEFAULTS.compare.sliceMs)}, epochs ${(config.compare.epochs ?? config.compare.rounds).min} to ${(config.compare.epochs ?? config.compare.rounds).max}`
          }
        : {}),
      rounds: `${config.compare.rounds.min} to ${config.compare.rounds.max}`,
      budget: formatMs(config.compare.budgetMs),
      confirm: config.compare.confirm,
      confidence: formatPercent(config.compare.confidence)
    },
    baseline:
      config.baseline.store === 'none'
        ? { store: 'none' }
        : {
            store:
              config.baseline.store === 'branch'
                ? `branch ${config.baseline.branch} of ${config.baseline.remote}`
                : `directory ${path.relative(configDir, config.baseline.directory) || '.'}`,
            rounds: config.baseline.rounds,
            noise: formatPercent(config.baseline.noise),
            onRunnerMismatch: config.baseline.onRunnerMismatch,
            saveOn: [...config.baseline.saveOn]
          },
    onInconclusive: config.onInconclusive
  }
}

function describeReady(ready: ReadyProbe): string {
  switch (ready.kind) {
    case 'http':
      return `HTTP ${ready.url} within ${formatMs(ready.timeoutMs)}`
    case 'tcp':
      return `TCP ${ready.host}:${ready.port} within ${formatMs(ready.timeoutMs)}`
    case 'log':
      return `log line /${ready.pattern}/ within ${formatMs(ready.timeoutMs)}`
  }
}

function describeRequest(r: RequestSpec, weight?: number): string {
  const parts = [`${r.method} ${r.url}`]
  if (weight !== undefined) parts.push(`weight ${weight}`)
  const headers = Object.keys(r.headers)
  if (headers.length) parts.push(`headers ${headers.join(', ')}`)
  if (r.body !== undefined) parts.push(`body ${r.body.length} B`)
  if (r.expect?.length) parts.push(`expect ${r.expect.join(', ')}`)
  return parts.join(', ')
}

function describeSuite(suite: SuiteSpec | undefined): string {
  if (!suite || suite.kind === 'load') return 'load'
  switch (suite.kind) {
    case 'sweep':
      return `sweep over ${suite.steps.join(', ')}, knee at ${suite.kneeFactor}x the first step's p99`
    case 'stress':
      return (
        `stress from ${suite.start} by ${suite.step} up to ${suite.max}, ` +
        `until errors > ${formatPercent(suite.maxErrorRate)}` +
        (suite.p99LimitUs !== undefined ? ` or p99 > ${formatDuration(suite.p99LimitUs)}` : '') +
        `, for at most ${formatMs(suite.maxTimeMs ?? DEFAULTS.stress.maxTimeMs)}`
      )
    case 'soak':
      return `soak in windows of ${formatMs(suite.windowMs)}`
  }
}

function scenarioUsed(s: Scenario): ConfigUsed['scenarios'][number] {
  const l = s.load
  const load =
    l.mode === 'rate'
      ? `open model, ${l.ramp ? `${l.ramp.from} to ${l.ramp.to} req/s over ${formatMs(l.ramp.overMs)}` : `${l.rate} req/s`}, at most ${l.connections} in flight, generator lag up to ${formatMs(l.maxLagMs ?? DEFAULTS.maxLagMs)}`
      : `closed model, ${l.connections} connections`
  return {
    name: s.name,
    requests: s.mix ? s.mix.map(e => describeRequest(e, e.weight)) : [describeRequest(s.request)],
    ...(s.values ? { values: Object.keys(s.values).sort() } : {}),
    suite: describeSuite(s.suite),
    load: `${load}, ${formatMs(l.durationMs)} after ${formatMs(l.warmupMs)} warmup, timeout ${formatMs(l.timeoutMs)}`,
    thresholds: s.thresholds.map(t => `${t.metric} ${t.expression}${t.severity === 'warn' ? ' (warn)' : ''}`),
    regression: s.regression.map(r => `${r.metric} ${r.expression}${r.severity === 'warn' ? ' (warn)' : ''}`),
    minRequests: s.minRequests,
    maxErrorRate: formatPercent(s.maxErrorRate)
  }
}

/**
 * What configUsed leaves out of a scenario's requests (header values, body content, the values of placeholders),
 * as one comparable string: two scenarios with the same words in the report can still send different requests,
 * and a pull request's change there is a change to what the gate measures. Never shown: it may hold credentials.
 */
export function requestContent(s: Scenario): string {
  const content = (r: RequestSpec) => [
    Object.entries(r.headers).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    r.body ?? null
  ]
  return JSON.stringify([
    s.mix ? s.mix.map(content) : [content(s.request)],
    Object.entries(s.values ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  ])
}
