/** The scenarios of a config: their requests (one, or a weighted mix), values, load, suite and checks. */
import path from 'node:path'
import { readFileSync } from 'node:fs'
import { BUILT_IN_PLACEHOLDERS, placeholdersIn } from './placeholders.js'
import { didYouMean } from './suggest.js'
import { grpcExpect, resolveGrpc } from './grpc.js'
import { DEFAULTS } from './defaults.js'
import { METRIC_NAMES } from './metrics.js'
import { parseRegression, parseThreshold } from './units.js'
import { isObject, num, Resolver, str, type Raw } from './resolver.js'
import type {
  LoadSpec,
  RegressionCheck,
  RequestSpec,
  Scenario,
  Severity,
  SuiteSpec,
  ThresholdCheck
} from './types.js'

const METRIC_SET = new Set(METRIC_NAMES)

/** The first request of a mix as a plain request (for code that needs one URL). */
function withoutWeight(entry: RequestSpec & { weight: number }): RequestSpec {
  const { weight: _weight, ...request } = entry
  return request
}

export class ScenarioResolver extends Resolver {
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
    const streams = num(own.streams) ?? num(defaults.streams)
    const common = {
      ...(streams !== undefined ? { streams } : {}),
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

  request(raw: unknown, pointer: string, values?: Record<string, string[]>): Scenario['request'] {
    const r = isObject(raw) ? raw : {}
    if (isObject(r.grpc)) return this.grpcRequest(r, pointer, values)
    const url = str(r.url) ?? ''
    if (url && !/^https?:\/\/[^/]+/.test(url))
      this.problem(
        `${pointer}/url`,
        `url must be an absolute http:// or https:// URL like "http://127.0.0.1:8080/path"; got "${url}"`
      )
    if (r.insecure === true && url && !/^https:\/\//i.test(url))
      this.problem(
        `${pointer}/insecure`,
        `insecure: true accepts any certificate of an https:// URL; this url is "${url}", which has no certificate: remove insecure`
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
    const protocol = this.protocol(r.protocol, url, `${pointer}/protocol`)
    const expect = (Array.isArray(r.expect) ? r.expect : [r.expect]).filter(
      (v): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 100
    )
    if (r.expect !== undefined && expect.length !== (Array.isArray(r.expect) ? r.expect.length : 1))
      this.problem(
        `${pointer}/expect`,
        'an HTTP request expects HTTP statuses (100 to 599), like 201 or [200, 404]'
      )
    return {
      method: str(r.method) ?? 'GET',
      url,
      headers,
      ...(body !== undefined ? { body } : {}),
      ...(expect.length ? { expect } : {}),
      ...(r.insecure === true ? { insecure: true } : {}),
      ...(protocol ? { protocol } : {})
    }
  }

  /** A gRPC call (config/grpc.ts): its url is the server's origin, its message the body. */
  grpcRequest(r: Raw, pointer: string, values?: Record<string, string[]>): Scenario['request'] {
    const url = str(r.url) ?? ''
    if (url && !/^https?:\/\/[^/]+\/?$/.test(url))
      this.problem(
        `${pointer}/url`,
        `a gRPC request's url is the server's origin, http:// (plaintext) or https:// (TLS), like "http://127.0.0.1:50051"; got "${url}"`
      )
    for (const key of ['body', 'method', 'headers', 'protocol'])
      if (r[key] !== undefined)
        this.problem(
          `${pointer}/${key}`,
          `a gRPC request has no ${key}: write grpc.message and grpc.metadata`
        )
    const { call, body } = resolveGrpc(r.grpc as Raw, `${pointer}/grpc`, {
      resolver: this,
      baseDir: this.ctx.baseDir,
      ...(values ? { values } : {})
    })
    const expect = grpcExpect(r.expect, `${pointer}/expect`, this)
    return {
      method: 'POST',
      url,
      headers: {},
      body,
      ...(expect.length ? { expect } : {}),
      ...(r.insecure === true ? { insecure: true } : {}),
      grpc: call
    }
  }

  /** The request's protocol (absent for HTTP/1.1), which must fit its URL's scheme. */
  protocol(raw: unknown, url: string, at: string): RequestSpec['protocol'] {
    if (raw !== 'h2' && raw !== 'h2c' && raw !== 'auto') return undefined
    if (raw === 'h2' && url.startsWith('http://'))
      this.problem(at, 'h2 is HTTP/2 over TLS (an https:// URL); for HTTP/2 in clear text on http:// use h2c')
    if (raw === 'h2c' && url.startsWith('https://'))
      this.problem(at, 'h2c is HTTP/2 in clear text (an http:// URL); for HTTP/2 over TLS on https:// use h2')
    return raw
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
            ...this.request(r, `${pointer}/requests/${j}`, values),
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
      const request = mix?.[0] ?? this.request(s.request, `${pointer}/request`, values)
      this.checkMix(mix, pointer)
      this.checkPlaceholders(mix ?? [request], values, mix ? `${pointer}/requests` : `${pointer}/request`)
      const shard = num(s.shard)
      const load = this.load(defaults, isObject(s.load) ? s.load : {}, pointer)
      if ((load.streams ?? 1) > 1 && !request.protocol)
        this.problem(
          `${pointer}/load/streams`,
          'streams applies to HTTP/2 (request protocol: h2, h2c or auto); HTTP/1.1 sends one request per connection at a time: raise connections instead'
        )
      return {
        name,
        ...(shard !== undefined ? { shard } : {}),
        request: mix?.[0] ? withoutWeight(mix[0]) : request,
        ...(mix ? { mix } : {}),
        ...(values ? { values } : {}),
        load,
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

  /**
   * Every request of a mix goes to the first one's host:port (one connection pool), and speaks its kind: gRPC calls
   * and HTTP requests need different clients, so one scenario cannot mix them.
   */
  checkMix(mix: RequestSpec[] | undefined, pointer: string): void {
    if (!mix) return
    const call = (r: RequestSpec) => `a gRPC call (${r.grpc!.service}/${r.grpc!.method})`
    const first = mix[0]
    mix.forEach((r, j) => {
      if (j === 0 || !first || Boolean(r.grpc) === Boolean(first.grpc)) return
      this.problem(
        `${pointer}/requests/${j}${r.grpc ? '/grpc' : ''}`,
        `a mix is all gRPC calls or all HTTP requests: the first is ${first.grpc ? call(first) : 'an HTTP request'}, ` +
          `this one ${r.grpc ? call(r) : 'an HTTP request'}; give the ${first.grpc ? 'HTTP requests' : 'gRPC calls'} ` +
          'a scenario of their own'
      )
    })
    const origin = (url: string) => {
      try {
        return new URL(url).host
      } catch {
        return undefined
      }
    }
    const firstHost = origin(first?.url ?? '')
    mix.forEach((r, j) => {
      const host = origin(r.url)
      if (firstHost && host && host !== firstHost) {
        this.problem(
          `${pointer}/requests/${j}/url`,
          `every request of a mix goes to one host:port (${firstHost}); this one goes to ${host}`
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
}
