import type { CpuProfileSpec } from './cpu-profile.js'
/**
 * The resolved configuration: what the rest of perfgate sees after loading, validation and defaults.
 * Every value is complete and in base units (milliseconds for durations of the run itself, metric base units
 * for limits, see metrics.ts). The raw file shape is described by schema/perfgate.schema.json.
 */
import type { SourceRef } from '../model/source.js'
import type { ClosedLoad, LoadSpec, RateLoad } from '../model/load.js'

export type { ClosedLoad, LoadSpec, RateLoad, SourceRef }

export type Severity = 'fail' | 'warn'
export type Comparator = '<' | '<=' | '>' | '>='

export interface ThresholdCheck {
  metric: string
  op: Comparator
  /** the limit, in the metric's base unit */
  value: number
  /** the expression as the user wrote it, e.g. "< 50ms" */
  expression: string
  severity: Severity
  source?: SourceRef
}

export interface RegressionCheck {
  metric: string
  /** 'rise': the metric may rise by at most `tolerance`; 'fall': it may fall by at most `tolerance` */
  direction: 'rise' | 'fall'
  /** a fraction: "+20%" -> 0.2 */
  tolerance: number
  expression: string
  severity: Severity
  source?: SourceRef
}

export interface RequestSpec {
  method: string
  url: string
  headers: Record<string, string>
  /** serialised body (JSON bodies are stringified and get a content-type unless one is set); may hold {{seq}} */
  body?: string
  /** statuses this request should get; others count as failed, these count as successes even when >= 400 */
  expect?: number[]
  /** https:// only: accept any certificate (self-signed test certificates) */
  insecure?: boolean
  /**
   * the protocol on the wire (absent: HTTP/1.1): h2 (HTTP/2 over TLS, by ALPN), h2c (HTTP/2 in clear, prior
   * knowledge), auto (ALPN on https://, HTTP/1.1 on http://); a mix speaks its first request's
   */
  protocol?: 'http1' | 'h2' | 'h2c' | 'auto'
  /** a gRPC call instead of an HTTP request (its message is `body`, as JSON, so placeholders work in it) */
  grpc?: GrpcCall
}

/**
 * A gRPC call: unary, or the first message of a server stream (its time to first response). Its statuses are
 * gRPC's codes (config/grpc-status.ts); the url's scheme says plaintext (http://) or TLS (https://).
 */
export interface GrpcCall {
  /** the .proto file, absolute */
  proto: string
  /** directories imports are looked for in, absolute (proto-loader's includeDirs) */
  include: string[]
  /** the service's full name, `pkg.Name` */
  service: string
  method: string
  /** the method answers with a stream: its first message ends the call (the rest is cancelled) */
  serverStream: boolean
  metadata: Record<string, string>
  /** each call's deadline (absent: the load's timeout ends the call) */
  deadlineMs?: number
}

/** One request of a weighted mix. */
export interface MixEntry extends RequestSpec {
  /** relative share of the mix */
  weight: number
}

/** How a scenario drives its load: one run (load), or a suite of runs. */
export type SuiteSpec =
  | { kind: 'load' }
  /**
   * steps of connections (closed model) or of the rate (open model); the knee is the highest throughput before the
   * first step whose p99 rises past kneeFactor x the first step's p99
   */
  | { kind: 'sweep'; steps: number[]; kneeFactor: number }
  /**
   * ramps connections (closed model) or the rate (open model) until errors pass maxErrorRate, p99 passes
   * p99LimitUs, or the service dies; no step starts that would end after maxTimeMs from the start
   */
  | {
      kind: 'stress'
      start: number
      step: number
      max: number
      maxErrorRate: number
      p99LimitUs?: number
      /** the resolver always sets it; code building a spec by hand may leave it to the default (2 minutes) */
      maxTimeMs?: number
    }
  /**
   * one long constant load, analysed in windows; drift = relative growth over the run, from a least-squares line
   * through the windows (slope x span / the line's value at the first window), so no single window decides
   */
  | { kind: 'soak'; windowMs: number }

export interface Scenario {
  name: string
  /** pins the scenario to shard K of a split suite (--shard K/N); unpinned ones are dealt round-robin */
  shard?: number
  /** defaults to { kind: 'load' } */
  suite?: SuiteSpec
  /** the request, or the first of the mix (all of a mix share its host:port) */
  request: RequestSpec
  /** a weighted mix of requests, picked at random per request */
  mix?: MixEntry[]
  /** named values for {{name}} placeholders, used in turn */
  values?: Record<string, string[]>
  load: LoadSpec
  thresholds: ThresholdCheck[]
  regression: RegressionCheck[]
  /** fewer completed requests than this makes the measurement errored */
  minRequests: number
  /** an error rate above this makes the measurement errored (a fraction) */
  maxErrorRate: number
  source?: SourceRef
}

export type ReadyProbe =
  | { kind: 'http'; url: string; timeoutMs: number; intervalMs: number }
  | {
      kind: 'tcp'
      host: string
      port: number
      /** the port as written when it holds {{service.port}} (filled per side before the service starts) */
      portText?: string
      timeoutMs: number
      intervalMs: number
    }
  | { kind: 'log'; pattern: string; timeoutMs: number }

export interface ServiceSpec {
  command: string
  build?: string
  /** working directory, resolved against the config file's directory */
  cwd: string
  env: Record<string, string>
  ready: ReadyProbe
  /** the URL checked before spawning: if it already answers, the port is taken */
  preflightUrl?: string
  shutdownTimeoutMs: number
  /** auto: the service off the first CPU, left to the load generator (2+ CPUs and taskset); shared: anywhere */
  cpus?: 'auto' | 'shared'
}

/**
 * How an interleaved comparison measures base and head (docs/statistics.md):
 * - rounds: one side at a time, a fresh process and the whole load per round, in ABBA round pairs;
 * - slices: both sides up at once on their own ports ({{service.port}}), the load alternating between them in
 *   short slices (randomized ABBA blocks) with a few fresh process pairs (epochs) over the run;
 * - duet: both sides up at once and measured at the same time, on disjoint cores (4 cores or more);
 * - auto: duet where cores allow, slices otherwise, rounds when the config hard-codes its port.
 */
export type CompareDesign = 'auto' | 'rounds' | 'slices' | 'duet'

export interface CompareSpec {
  mode: 'interleaved' | 'stored'
  /** default auto */
  design?: CompareDesign
  /** slices and duet: the length of one slice (default 500 ms) */
  sliceMs?: number
  /** slices and duet: fresh process pairs over the run (default: rounds) */
  epochs?: { min: number; max: number }
  rounds: { min: number; max: number }
  budgetMs: number
  /** confirm a failing verdict with extra rounds before failing */
  confirm: boolean
  /** confidence level of the intervals, e.g. 0.95 */
  confidence: number
}

export type SaveEvent = 'push' | 'workflow_dispatch' | 'schedule'

export interface BaselineSpec {
  store: 'branch' | 'directory' | 'none'
  branch: string
  /** absolute */
  directory: string
  remote: string
  /** rounds measured when a run is stored or compared with a stored run */
  rounds: number
  /** cross-run allowance (fraction) before the history can tell the real spread */
  noise: number
  onRunnerMismatch: 'inconclusive' | 'compare'
  /** events whose runs are stored; push only on the default branch */
  saveOn: SaveEvent[]
}

export interface Config {
  version: 1
  /** path of the config file as given (relative paths stay relative, for annotations) */
  file: string
  /**
   * the service perfgate starts for each round; absent for a running target (isRunningTarget): the scenarios'
   * URLs are measured as they are, with no process started, no server.* metrics and no base-vs-head compare
   */
  service?: ServiceSpec
  /** a running target's readiness probe (the top-level `ready`), polled before it is measured */
  ready?: ReadyProbe
  scenarios: Scenario[]
  compare: CompareSpec
  baseline: BaselineSpec
  onInconclusive: 'warn' | 'fail'
  /** profile named by `extends`, if any */
  profile?: string
  /** the `profile` key: CPU profiles after the verdict (absent: the defaults, cpuProfileOf) */
  cpuProfile?: CpuProfileSpec
}

/** A config with no service section: it measures a target already running at the scenarios' URLs. */
export const isRunningTarget = (config: Pick<Config, 'service'>): boolean => config.service === undefined

/** The service of a config that must have one (compare, slices): a running target here is a programming error. */
export function serviceOf(config: Pick<Config, 'service' | 'file'>): ServiceSpec {
  if (!config.service)
    throw new Error(
      `${config.file} has no service section (a running target): it cannot be started or compared base-vs-head`
    )
  return config.service
}
