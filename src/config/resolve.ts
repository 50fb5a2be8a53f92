import path from 'node:path'
import { PLACEHOLDER_COMMAND, usesServicePort } from './placeholders.js'
import { hasServicePort, servicePortUses } from './port.js'
import { DEFAULTS, defaultEpochs } from './defaults.js'
import type { ConfigProblem } from './problems.js'
import { PROFILES, type ProfileName } from './profiles.js'
import { resolveCpuProfile } from './cpu-profile.js'
import { ScenarioResolver } from './resolve-scenarios.js'
import { isObject, num, str, type Context, type Raw, type Resolver } from './resolver.js'
import type { BaselineSpec, Config, ReadyProbe, SaveEvent, ServiceSpec } from './types.js'

/** The whole config: the service (or a running target's probe), the scenarios, compare and baseline. */
class ConfigResolver extends ScenarioResolver {
  ready(raw: unknown, pointer: string): ReadyProbe {
    const r = isObject(raw) ? raw : {}
    const timeoutMs = this.duration(`${pointer}/timeout`, r.timeout, DEFAULTS.readyTimeoutMs)
    const intervalMs = this.duration(`${pointer}/interval`, r.interval, DEFAULTS.readyIntervalMs)
    const given = ['url', 'tcp', 'log'].filter(k => r[k] !== undefined)
    if (given.length !== 1 && isObject(raw)) {
      this.problem(
        pointer,
        `ready needs exactly one of url, tcp or log; got ${given.length ? given.join(' and ') : 'none'}`
      )
    }
    if (typeof r.url === 'string') {
      // a running target may be probed over https; a service perfgate starts is probed on its local http port
      const https = pointer === '/ready' && /^https:\/\//.test(r.url)
      if (!/^http:\/\//.test(r.url) && !https)
        this.problem(
          `${pointer}/url`,
          `the ready url must be an http:// URL${pointer === '/ready' ? ' or https:// URL' : ''}; got "${r.url}"`
        )
      return { kind: 'http', url: r.url, timeoutMs, intervalMs }
    }
    if (typeof r.tcp === 'string') {
      const match = /^(.+):(\d+|\{\{\s*service\.port\s*\}\})$/.exec(r.tcp)
      if (!match)
        this.problem(
          `${pointer}/tcp`,
          `tcp must be "host:port", like "127.0.0.1:8080" or "127.0.0.1:{{service.port}}"; got "${r.tcp}"`
        )
      const portText = match?.[2] ?? '0'
      const placeholder = usesServicePort(portText)
      return {
        kind: 'tcp',
        host: match?.[1] ?? '127.0.0.1',
        port: placeholder ? 0 : Number(portText),
        ...(placeholder ? { portText } : {}),
        timeoutMs,
        intervalMs
      }
    }
    if (typeof r.log === 'string') {
      try {
        new RegExp(r.log)
      } catch (err) {
        this.problem(`${pointer}/log`, `log must be a regular expression: ${(err as Error).message}`)
      }
      return { kind: 'log', pattern: r.log, timeoutMs }
    }
    return { kind: 'http', url: 'http://127.0.0.1/', timeoutMs, intervalMs }
  }

  service(raw: unknown): ServiceSpec {
    const s = isObject(raw) ? raw : {}
    const ready = this.ready(s.ready, '/service/ready')
    if (typeof s.command === 'string' && s.command.trim() === PLACEHOLDER_COMMAND)
      this.problem(
        '/service/command',
        'service.command is still the placeholder command `perfgate init` wrote: replace it with the command that starts your service (for example node server.js), or run `perfgate init --force --command CMD`'
      )
    const env = isObject(s.env)
      ? Object.fromEntries(Object.entries(s.env).filter(([, v]) => typeof v === 'string'))
      : {}
    return {
      command: str(s.command) ?? '',
      ...(str(s.build) ? { build: str(s.build)! } : {}),
      cwd: path.resolve(this.ctx.baseDir, str(s.cwd) ?? '.'),
      env: env as Record<string, string>,
      ready,
      ...(ready.kind === 'http' ? { preflightUrl: ready.url } : {}),
      shutdownTimeoutMs: this.duration(
        '/service/shutdown-timeout',
        s['shutdown-timeout'],
        DEFAULTS.shutdownTimeoutMs
      ),
      ...(s.cpus === 'shared' ? { cpus: 'shared' as const } : {})
    }
  }

  /**
   * {{service.port}} must be used consistently: given to the service (command or env) and followed by the
   * scenarios' URLs, or not at all; compare.design slices or duet needs it (both sides run at once).
   */
  checkServicePort(config: Config): void {
    const uses = servicePortUses(config)
    if (uses.length > 0 && !hasServicePort(config)) {
      const missing = !uses.includes('scenario urls')
        ? "the scenarios' URLs"
        : 'service.command or service.env (the service must be told its port)'
      this.problem(
        '/service',
        `{{service.port}} is used in ${uses.join(', ')} but not in ${missing}: use it in both, or not at all`
      )
    }
    const design = config.compare.design
    if ((design === 'slices' || design === 'duet') && uses.length === 0) {
      this.problem(
        '/compare/design',
        `compare.design ${design} runs base and head side by side, each on its own port: put {{service.port}} in service.command or service.env and in the scenarios' URLs (for example url: http://127.0.0.1:{{service.port}}/), or use design rounds`
      )
    }
  }

  baseline(raw: unknown): BaselineSpec {
    const b = isObject(raw) ? raw : {}
    const d = DEFAULTS.baseline
    const saveOn = Array.isArray(b['save-on'])
      ? b['save-on'].filter(
          (e): e is SaveEvent => e === 'push' || e === 'workflow_dispatch' || e === 'schedule'
        )
      : [...d.saveOn]
    return {
      store: b.store === 'directory' ? 'directory' : b.store === 'none' ? 'none' : 'branch',
      branch: str(b.branch) ?? d.branch,
      directory: path.resolve(this.ctx.baseDir, str(b.directory) ?? d.directory),
      remote: str(b.remote) ?? d.remote,
      rounds: num(b.rounds) ?? d.rounds,
      noise: this.percent('/baseline/noise', b.noise, d.noise),
      onRunnerMismatch: b['on-runner-mismatch'] === 'compare' ? 'compare' : d.onRunnerMismatch,
      saveOn
    }
  }

  compare(raw: unknown, runningTarget: boolean): Config['compare'] {
    const c = isObject(raw) ? raw : {}
    const rounds = isObject(c.rounds) ? c.rounds : {}
    const d = DEFAULTS.compare
    const min = num(rounds.min) ?? d.rounds.min
    const max = num(rounds.max) ?? Math.max(min, d.rounds.max)
    if (min > max) this.problem('/compare/rounds', `rounds.min (${min}) must not exceed rounds.max (${max})`)
    const epochs = isObject(c.epochs) ? c.epochs : {}
    const budgetMs = this.duration('/compare/budget', c.budget, d.budgetMs)
    const epochMin = num(epochs.min) ?? min
    const epochMax = num(epochs.max) ?? Math.max(epochMin, defaultEpochs({ min, max }, budgetMs).max)
    if (epochMin > epochMax)
      this.problem('/compare/epochs', `epochs.min (${epochMin}) must not exceed epochs.max (${epochMax})`)
    const design = c.design === 'rounds' || c.design === 'slices' || c.design === 'duet' ? c.design : d.design
    const sliceMs = this.duration('/compare/slice', c.slice, d.sliceMs)
    if (sliceMs < 50) this.problem('/compare/slice', `a slice must last at least 50ms; got ${sliceMs}ms`)
    return {
      // a running target (no service) cannot be compared base-vs-head: the stored baseline is its only base
      mode: c.mode === 'stored' || (runningTarget && c.mode === undefined) ? 'stored' : 'interleaved',
      design,
      sliceMs,
      epochs: { min: epochMin, max: epochMax },
      rounds: { min, max },
      budgetMs,
      confirm: c.confirm === true,
      confidence: num(c.confidence) ?? d.confidence
    }
  }
}

/**
 * A running target (no service section) is measured where it runs: a top-level `ready` beside a service is
 * ambiguous, its probe cannot read a log, its server.* metrics do not exist (checks on them are refused where they
 * are written), base-vs-head compare and {{service.port}} need a service perfgate starts.
 */
function checkRunningTarget(config: Config, raw: Raw, resolver: Resolver): void {
  if (config.ready?.kind === 'log')
    resolver.problem(
      '/ready/log',
      'a running target has no output perfgate reads: its ready probe takes url or tcp, not log'
    )
  const compare = isObject(raw.compare) ? raw.compare : {}
  if (compare.mode === 'interleaved')
    resolver.problem(
      '/compare/mode',
      'a config without a service section measures a running target, which cannot be compared base-vs-head: use compare.mode stored (the default here), or add a service section'
    )
  if (compare.design !== undefined)
    resolver.problem(
      '/compare/design',
      'compare.design applies to base-vs-head comparisons of a service perfgate starts; a running target (no service section) has none'
    )
  if (servicePortUses(config).length)
    resolver.problem(
      '/scenarios',
      "{{service.port}} is the port perfgate gives a service it starts; a running target (no service section) is measured at the scenarios' URLs as written"
    )
  config.scenarios.forEach((scenario, i) => {
    const checks = [
      ...scenario.thresholds.map(c => ({ c, kind: 'thresholds' })),
      ...scenario.regression.map(c => ({ c, kind: 'regression' }))
    ]
    for (const { c, kind } of checks) {
      if (!c.metric.startsWith('server.')) continue
      const message = `${c.metric} is measured from the service's processes, which perfgate does not start for a running target (no service section): remove this check, or add a service section`
      if (c.source) resolver.problemAtKey(`/scenarios/${i}/${kind}`, c.metric, message)
      // a profile's limit (extends) is written nowhere in this file: it just does not apply to a running target
      else scenario.thresholds = scenario.thresholds.filter(t => t !== c)
    }
  })
}

/** The semantic pass: units, expressions, cross-field rules and defaults. Builds the Config when all is well. */
export function resolveConfig(data: unknown, ctx: Context): { config?: Config; problems: ConfigProblem[] } {
  const resolver = new ConfigResolver(ctx)
  const raw = isObject(data) ? data : {}
  const profileName =
    typeof raw.extends === 'string' && raw.extends in PROFILES ? (raw.extends as ProfileName) : undefined
  const defaults = isObject(raw.defaults) ? raw.defaults : {}
  const config: Config = {
    version: 1,
    file: ctx.file,
    ...(raw.service !== undefined ? { service: resolver.service(raw.service) } : {}),
    ...(raw.service === undefined && raw.ready !== undefined
      ? { ready: resolver.ready(raw.ready, '/ready') }
      : {}),
    scenarios: resolver.scenarios(
      raw.scenarios,
      defaults,
      profileName ? PROFILES[profileName].thresholds : undefined
    ),
    compare: resolver.compare(raw.compare, raw.service === undefined),
    baseline: resolver.baseline(raw.baseline),
    onInconclusive: raw['on-inconclusive'] === 'fail' ? 'fail' : 'warn',
    ...(profileName ? { profile: profileName } : {}),
    ...(raw.profile !== undefined ? { cpuProfile: resolveCpuProfile(raw.profile, resolver) } : {})
  }
  if (raw.service !== undefined && raw.ready !== undefined)
    resolver.problem(
      '/ready',
      'a top-level ready is the probe of a running target (a config without a service section); with a service, put it in service.ready'
    )
  if (config.service) resolver.checkServicePort(config)
  else checkRunningTarget(config, raw, resolver)
  return {
    config: resolver.problems.length || !ctx.shapeValid ? undefined : config,
    problems: resolver.problems
  }
}
