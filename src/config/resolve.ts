import path from 'node:path'
import { readFileSync } from 'node:fs'
import { BUILT_IN_PLACEHOLDERS, placeholdersIn, usesServicePort } from './placeholders.js'
import { hasServicePort, servicePortUses } from './port.js'
import { didYouMean } from './suggest.js'
import { DEFAULTS } from './defaults.js'
import { METRIC_NAMES } from './metrics.js'

const METRIC_SET = new Set(METRIC_NAMES)
import type { ConfigProblem } from './problems.js'
import type { Locator } from './locator.js'
import { PROFILES, type ProfileName } from './profiles.js'
import { resolveCpuProfile } from './cpu-profile.js'
import { parseDuration, parsePercent, parseRegression, parseThreshold, ValueError } from './units.js'
import type {
  BaselineSpec,
  Config,
  LoadSpec,
  ReadyProbe,
  RegressionCheck,
  RequestSpec,
  SaveEvent,
  Scenario,
  ServiceSpec,
  Severity,
  SuiteSpec,
  ThresholdCheck
} from './types.js'

type Raw = Record<string, unknown>

interface Context {
  file: string
  baseDir: string
  locator: Locator
  /** false when the schema already found problems: then only values of the right type are checked further */
  shapeValid: boolean
}

const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v)
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined)

/** The first request of a mix as a plain request (for code that needs one URL). */
function withoutWeight(entry: RequestSpec & { weight: number }): RequestSpec {
  const { weight: _weight, ...request } = entry
  return request
}

class Resolver {
  readonly problems: ConfigProblem[] = []
  constructor(private readonly ctx: Context) {}

  problem(pointer: string, message: string): void {
    this.problems.push(this.ctx.locator.at(pointer, message))
  }

  /** A problem at the key `key` of the map at `pointer` (a check, at the metric name it is written under). */
  problemAtKey(pointer: string, key: string, message: string): void {
    this.problems.push(this.ctx.locator.key(pointer, key, message))
  }

  /** Runs a parser on a string value, turning its ValueError into a problem at `pointer`. */
  parse<T>(pointer: string, value: unknown, parser: (text: string) => T, fallback: T): T {
    if (typeof value !== 'string') return fallback
    try {
      return parser(value)
    } catch (err) {
      if (!(err instanceof ValueError)) throw err
      this.problem(pointer, err.message)
      return fallback
    }
  }

  duration(pointer: string, value: unknown, fallback: number): number {
    return value === undefined ? fallback : this.parse(pointer, value, parseDuration, fallback)
  }

  percent(pointer: string, value: unknown, fallback: number): number {
    return value === undefined ? fallback : this.parse(pointer, value, parsePercent, fallback)
  }

  source(pointer: string): { file: string; line: number; col: number } {
    const { file, line, col } = this.ctx.locator.at(pointer, '')
    return { file, line, col }
  }

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

  checkValue(raw: unknown): { expression?: string; severity: Severity } {
    if (typeof raw === 'string') return { expression: raw, severity: 'fail' }
    if (isObject(raw))
      return { expression: str(raw.limit), severity: raw.severity === 'warn' ? 'warn' : 'fail' }
    return { severity: 'fail' }
  }

  thresholds(raw: unknown, pointer: string, profile: Record<string, string> | undefined): ThresholdCheck[] {
    const own = isObject(raw) ? raw : {}
    const out: ThresholdCheck[] = []
    for (const [metric, expr] of Object.entries(profile ?? {})) {
      if (metric in own) continue
      const parsed = parseThreshold(metric, expr)
      out.push({ metric, ...parsed, expression: expr, severity: 'warn' })
    }
    for (const [metric, value] of Object.entries(own)) {
      const at = `${pointer}/${metric.replace(/~/g, '~0').replace(/\//g, '~1')}`
      if (!METRIC_SET.has(metric)) continue // the schema reports unknown metrics, with a suggestion
      const { expression, severity } = this.checkValue(value)
      if (expression === undefined) continue
      const parsed = this.parse(at, expression, e => parseThreshold(metric, e), undefined)
      if (parsed) out.push({ metric, ...parsed, expression, severity, source: this.source(at) })
    }
    return out
  }

  regressions(raw: unknown, pointer: string): RegressionCheck[] {
    const out: RegressionCheck[] = []
    for (const [metric, value] of Object.entries(isObject(raw) ? raw : {})) {
      const at = `${pointer}/${metric.replace(/~/g, '~0').replace(/\//g, '~1')}`
      if (!METRIC_SET.has(metric)) continue
      const { expression, severity } = this.checkValue(value)
      if (expression === undefined) continue
      const parsed = this.parse(at, expression, e => parseRegression(metric, e), undefined)
      if (parsed) out.push({ metric, ...parsed, expression, severity, source: this.source(at) })
    }
    return out
  }

  load(defaults: Raw, own: Raw, pointer: string): LoadSpec {
    const pick = (key: string) =>
      own[key] !== undefined
        ? { value: own[key], at: `${pointer}/load/${key}` }
        : { value: defaults[key], at: `/defaults/${key}` }
    const mode = own.mode === 'rate' ? 'rate' : 'closed'
    const duration = pick('duration')
    const warmup = pick('warmup')
    const timeout = pick('timeout')
    const connections = num(own.connections) ?? num(defaults.connections)
    const common = {
      durationMs: this.duration(duration.at, duration.value, DEFAULTS.durationMs),
      warmupMs: this.duration(warmup.at, warmup.value, DEFAULTS.warmupMs),
      timeoutMs: this.duration(timeout.at, timeout.value, DEFAULTS.timeoutMs)
    }
    if (mode === 'closed') {
      if (own['max-lag'] !== undefined)
        this.problem(
          `${pointer}/load/max-lag`,
          'max-lag applies to load mode rate only (a closed model has no schedule)'
        )
      return { mode, connections: connections ?? DEFAULTS.connections, ...common }
    }
    const rate = num(own.rate)
    if (rate === undefined)
      this.problem(`${pointer}/load`, 'load mode rate needs a rate (requests per second)')
    const ramp = isObject(own.ramp) ? own.ramp : undefined
    return {
      mode,
      rate: rate ?? 1,
      connections: num(own.connections) ?? DEFAULTS.rateConnections,
      ...common,
      maxLagMs: this.duration(`${pointer}/load/max-lag`, own['max-lag'], DEFAULTS.maxLagMs),
      ...(ramp
        ? {
            ramp: {
              from: num(ramp.from) ?? 0,
              to: num(ramp.to) ?? rate ?? 1,
              overMs: this.duration(`${pointer}/load/ramp/over`, ramp.over, common.durationMs)
            }
          }
        : {})
    }
  }

  suite(raw: unknown, pointer: string): SuiteSpec {
    if (!isObject(raw)) return { kind: 'load' }
    switch (raw.kind) {
      case 'sweep': {
        const steps = Array.isArray(raw.steps)
          ? raw.steps.filter((n): n is number => typeof n === 'number')
          : []
        if (steps.some((n, i) => i > 0 && n <= steps[i - 1]!))
          this.problem(`${pointer}/steps`, 'sweep steps must increase, like [1, 10, 50, 100]')
        return { kind: 'sweep', steps, kneeFactor: num(raw['knee-factor']) ?? DEFAULTS.sweep.kneeFactor }
      }
      case 'stress': {
        const d = DEFAULTS.stress
        const p99 = raw['p99-limit']
        return {
          kind: 'stress',
          start: num(raw.start) ?? d.start,
          step: num(raw.step) ?? d.step,
          max: num(raw.max) ?? d.max,
          maxErrorRate: this.percent(`${pointer}/max-error-rate`, raw['max-error-rate'], d.maxErrorRate),
          maxTimeMs: this.duration(`${pointer}/max-time`, raw['max-time'], d.maxTimeMs),
          ...(p99 !== undefined ? { p99LimitUs: this.duration(`${pointer}/p99-limit`, p99, 0) * 1000 } : {})
        }
      }
      case 'soak':
        return {
          kind: 'soak',
          windowMs: this.duration(`${pointer}/window`, raw.window, DEFAULTS.soak.windowMs)
        }
      default:
        return { kind: 'load' }
    }
  }

  request(raw: unknown, pointer: string): Scenario['request'] {
    const r = isObject(raw) ? raw : {}
    const url = str(r.url) ?? ''
    if (url && !/^https?:\/\/[^/]+/.test(url))
      this.problem(
        `${pointer}/url`,
        `url must be an absolute http:// or https:// URL like "http://127.0.0.1:8080/path"; got "${url}"`
      )
    const headers = isObject(r.headers)
      ? (Object.fromEntries(Object.entries(r.headers).filter(([, v]) => typeof v === 'string')) as Record<
          string,
          string
        >)
      : {}
    let body: string | undefined
    if (typeof r.body === 'string') body = r.body
    else if (r.body !== undefined && r.body !== null) {
      body = JSON.stringify(r.body)
      if (!Object.keys(headers).some(h => h.toLowerCase() === 'content-type'))
        headers['content-type'] = 'application/json'
    }
    const expect = (Array.isArray(r.expect) ? r.expect : [r.expect]).filter(
      (v): v is number => typeof v === 'number' && Number.isInteger(v)
    )
    return {
      method: str(r.method) ?? 'GET',
      url,
      headers,
      ...(body !== undefined ? { body } : {}),
      ...(expect.length ? { expect } : {}),
      ...(r.insecure === true ? { insecure: true } : {})
    }
  }

  scenarios(raw: unknown, defaults: Raw, profile: Record<string, string> | undefined): Scenario[] {
    const list = Array.isArray(raw) ? raw : []
    const names = new Map<string, number>()
    return list.map((item, i) => {
      const s = isObject(item) ? item : {}
      const pointer = `/scenarios/${i}`
      const name = str(s.name) ?? `scenario-${i + 1}`
      const earlier = names.get(name)
      if (earlier !== undefined) {
        this.problem(
          `${pointer}/name`,
          `duplicate scenario name "${name}" (also scenario ${earlier + 1}); names must be unique`
        )
      }
      names.set(name, i)
      const minRequests = num(s['min-requests']) ?? num(defaults['min-requests']) ?? DEFAULTS.minRequests
      const errorRate =
        s['max-error-rate'] !== undefined
          ? { v: s['max-error-rate'], at: `${pointer}/max-error-rate` }
          : { v: defaults['max-error-rate'], at: '/defaults/max-error-rate' }
      const values = this.values(s.values, `${pointer}/values`)
      const mix = Array.isArray(s.requests)
        ? s.requests.map((r, j) => ({
            ...this.request(r, `${pointer}/requests/${j}`),
            weight: num(isObject(r) ? r.weight : undefined) ?? 1
          }))
        : undefined
      if (mix && s.request !== undefined) {
        this.problem(
          `${pointer}/requests`,
          'a scenario has either request (one request) or requests (a mix), not both'
        )
      } else if (!mix && s.request === undefined && this.ctx.shapeValid) {
        this.problem(pointer, `scenario "${name}" needs request (one request) or requests (a weighted mix)`)
      }
      const request = mix?.[0] ?? this.request(s.request, `${pointer}/request`)
      this.checkMix(mix, pointer)
      this.checkPlaceholders(mix ?? [request], values, mix ? `${pointer}/requests` : `${pointer}/request`)
      const shard = num(s.shard)
      return {
        name,
        ...(shard !== undefined ? { shard } : {}),
        request: mix?.[0] ? withoutWeight(mix[0]) : request,
        ...(mix ? { mix } : {}),
        ...(values ? { values } : {}),
        load: this.load(defaults, isObject(s.load) ? s.load : {}, pointer),
        suite: this.suite(s.suite, `${pointer}/suite`),
        thresholds: this.thresholds(s.thresholds, `${pointer}/thresholds`, profile),
        regression: this.regressions(s.regression, `${pointer}/regression`),
        minRequests,
        maxErrorRate: this.percent(errorRate.at, errorRate.v, DEFAULTS.maxErrorRate),
        source: this.source(pointer)
      }
    })
  }

  /** Named values: a list, or a file with one value per line (relative to the config file). */
  values(raw: unknown, pointer: string): Record<string, string[]> | undefined {
    if (!isObject(raw)) return undefined
    const out: Record<string, string[]> = {}
    for (const [name, spec] of Object.entries(raw)) {
      if ((BUILT_IN_PLACEHOLDERS as readonly string[]).includes(name)) {
        this.problem(`${pointer}/${name}`, `"${name}" is a built-in placeholder; choose another value name`)
        continue
      }
      if (Array.isArray(spec)) {
        out[name] = spec.filter((v): v is string => typeof v === 'string')
        continue
      }
      const file = isObject(spec) ? str(spec.file) : undefined
      if (!file) continue
      out[name] = [] // known even when its file fails below, so placeholders do not report it twice
      const full = path.resolve(this.ctx.baseDir, file)
      try {
        const lines = readFileSync(full, 'utf8')
          .split(/\r?\n/)
          .map(l => l.trim())
          .filter(Boolean)
        if (lines.length === 0)
          this.problem(`${pointer}/${name}/file`, `${file} has no values (one per line)`)
        out[name] = lines
      } catch (err) {
        this.problem(
          `${pointer}/${name}/file`,
          `cannot read ${file} (resolved to ${full}): ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`
        )
      }
    }
    return out
  }

  /** Every request of a mix goes to the first one's host:port (one connection pool). */
  checkMix(mix: RequestSpec[] | undefined, pointer: string): void {
    if (!mix) return
    const origin = (url: string) => {
      try {
        return new URL(url).host
      } catch {
        return undefined
      }
    }
    const first = origin(mix[0]?.url ?? '')
    mix.forEach((r, j) => {
      const host = origin(r.url)
      if (first && host && host !== first) {
        this.problem(
          `${pointer}/requests/${j}/url`,
          `every request of a mix goes to one host:port (${first}); this one goes to ${host}`
        )
      }
    })
  }

  /** A {{name}} that is neither built in nor a scenario value would be sent literally: an error, with a suggestion. */
  checkPlaceholders(
    requests: RequestSpec[],
    values: Record<string, string[]> | undefined,
    pointer: string
  ): void {
    const known = [...BUILT_IN_PLACEHOLDERS, ...Object.keys(values ?? {})]
    requests.forEach((r, j) => {
      const at = requests.length > 1 || pointer.endsWith('requests') ? `${pointer}/${j}` : pointer
      for (const [field, text] of [
        ['url', r.url],
        ['body', r.body ?? '']
      ] as const) {
        for (const name of placeholdersIn(text)) {
          if (known.includes(name)) continue
          const hint = didYouMean(name, known)
          this.problem(
            `${at}/${field}`,
            `unknown placeholder {{${name}}}: use {{seq}}, {{random}}, {{uuid}} or a name under values${hint ? ` (did you mean {{${hint}}}?)` : ''}`
          )
        }
      }
    })
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
    const epochMin = num(epochs.min) ?? min
    const epochMax = num(epochs.max) ?? Math.max(epochMin, max)
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
      budgetMs: this.duration('/compare/budget', c.budget, d.budgetMs),
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
  const resolver = new Resolver(ctx)
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
