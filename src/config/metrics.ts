/**
 * The metric registry: every metric name perfgate reports or gates on, its unit kind and which direction is
 * better. Config validation, threshold parsing, comparison and report formatting all read from here.
 *
 * Base units (what report.json stores):
 *   duration  microseconds
 *   size      bytes
 *   byterate  bytes per second
 *   ratio     fraction 0..1 (written as a % in configs and reports)
 *   cpu       percent of one core (150 = one and a half cores)
 *   count     plain number
 *   rate      per second (requests/s)
 */
export type MetricKind = 'duration' | 'size' | 'byterate' | 'ratio' | 'cpu' | 'count' | 'rate'
export type Better = 'lower' | 'higher' | 'none'

/**
 * How the load legs of one scenario (`--load-shard`: each sent a share of the load in the same window) join into
 * one value: `sum` (each leg counted its own requests), `histogram` (latency: from the legs' merged histograms,
 * never from their percentiles), `ratio` (errors.rate: the summed failures over the summed attempts), `max` (a
 * shared service's resources, the generator's own figures, a suite's result: the worst leg), `none` (not
 * meaningful joined: left out).
 */
export type LegJoin = 'sum' | 'histogram' | 'ratio' | 'max' | 'none'

/** How the rounds (or epochs) of one side join into the side's value: their mean, largest or smallest. */
export type RoundJoin = 'mean' | 'max' | 'min'

export interface MetricInfo {
  name: string
  kind: MetricKind
  better: Better
  description: string
  legs: LegJoin
  rounds: RoundJoin
  /**
   * A count of the load's outcome (requests, failures, statuses) or the generator's own figure: what an invalid
   * measurement keeps, since it explains what went wrong and says nothing misleading about the service.
   */
  count: boolean
  /** a share of the requests (errors.rate): a threshold above 100% is a mistake */
  share?: true
}

interface Joins {
  legs?: LegJoin
  rounds?: RoundJoin
  count?: boolean
  share?: true
}

/** A catalogue row; unless it says otherwise a metric's legs join at their largest, its rounds at their mean. */
const m = (
  name: string,
  kind: MetricKind,
  better: Better,
  description: string,
  { legs = 'max', rounds = 'mean', count = false, share }: Joins = {}
): MetricInfo => ({ name, kind, better, description, legs, rounds, count, ...(share ? { share } : {}) })

const HISTOGRAM: Joins = { legs: 'histogram' }
const SUMMED: Joins = { legs: 'sum' }
const COUNTED: Joins = { legs: 'sum', count: true }
const PEAK: Joins = { rounds: 'max' }

export const LATENCY_PERCENTILES = ['p50', 'p75', 'p90', 'p95', 'p99', 'p99.9'] as const

/** RFC 9113 §7's error codes but NO_ERROR, as h2.rst_stream.<code> names them (lower case). */
export const H2_ERROR_CODES = [
  'protocol_error',
  'internal_error',
  'flow_control_error',
  'settings_timeout',
  'stream_closed',
  'frame_size_error',
  'refused_stream',
  'cancel',
  'compression_error',
  'connect_error',
  'enhance_your_calm',
  'inadequate_security',
  'http_1_1_required'
] as const

export const METRICS: readonly MetricInfo[] = [
  m('latency.min', 'duration', 'lower', 'fastest 2xx response', { legs: 'histogram', rounds: 'min' }),
  m('latency.mean', 'duration', 'lower', 'mean 2xx latency', HISTOGRAM),
  m('latency.stddev', 'duration', 'lower', 'standard deviation of 2xx latency', HISTOGRAM),
  ...LATENCY_PERCENTILES.map(p =>
    m(`latency.${p}`, 'duration', 'lower', `${p.slice(1)}th percentile of 2xx latency`, HISTOGRAM)
  ),
  m('latency.max', 'duration', 'lower', 'slowest 2xx response', { legs: 'histogram', rounds: 'max' }),
  m(
    'throughput.rps',
    'rate',
    'higher',
    'responses per second, failed ones included (gate on throughput.ok_rps)',
    SUMMED
  ),
  m(
    'throughput.ok_rps',
    'rate',
    'higher',
    'successful responses per second: status below 400, or one its request expects (expect:)',
    SUMMED
  ),
  m('throughput.bytes', 'byterate', 'higher', 'response bytes per second', SUMMED),
  m('requests.total', 'count', 'higher', 'responses received during the measured window', COUNTED),
  m('errors.rate', 'ratio', 'lower', 'share of requests that failed (connect, timeout, reset, 4xx, 5xx)', {
    legs: 'ratio',
    count: true,
    share: true
  }),
  m('errors.total', 'count', 'lower', 'failed requests of every kind', COUNTED),
  m('errors.connect', 'count', 'lower', 'connection errors (refused, unreachable)', COUNTED),
  m('errors.timeout', 'count', 'lower', 'requests that timed out', COUNTED),
  m('errors.reset', 'count', 'lower', 'connections reset or closed mid-request', COUNTED),
  m('status.4xx', 'count', 'lower', 'responses with a 4xx status', COUNTED),
  m('status.5xx', 'count', 'lower', 'responses with a 5xx status', COUNTED),
  m(
    'status.unexpected',
    'count',
    'lower',
    'responses whose status their request did not expect (expect:)',
    COUNTED
  ),
  m(
    'h2.rst_stream',
    'count',
    'lower',
    'HTTP/2: requests the server ended with RST_STREAM (any code)',
    COUNTED
  ),
  ...H2_ERROR_CODES.map(code =>
    m(
      `h2.rst_stream.${code}`,
      'count',
      'lower',
      `HTTP/2: requests the server ended with RST_STREAM ${code.toUpperCase()}`,
      COUNTED
    )
  ),
  m(
    'h2.goaway',
    'count',
    'lower',
    'HTTP/2: GOAWAY frames received (connections the server retired)',
    COUNTED
  ),
  m(
    'h2.refused',
    'count',
    'lower',
    'HTTP/2: requests the server never processed (REFUSED_STREAM, or past a GOAWAY), sent again up to 3 times',
    COUNTED
  ),
  m(
    'h2.flow_control_stalls',
    'count',
    'lower',
    "HTTP/2: request bodies larger than the flow-control window they found (waited for the server's WINDOW_UPDATE)",
    COUNTED
  ),
  m('server.cpu.mean', 'cpu', 'lower', "mean CPU of the service's process tree, % of one core"),
  m('server.cpu.peak', 'cpu', 'lower', "peak CPU of the service's process tree, % of one core", PEAK),
  m('server.cpu.per_request', 'duration', 'lower', 'server CPU time per completed request', {
    legs: 'none'
  }),
  m('server.rss.peak', 'size', 'lower', "peak resident memory of the service's process tree", PEAK),
  m('server.fds.peak', 'count', 'lower', "peak open file descriptors of the service's process tree", PEAK),
  m('generator.cpu', 'cpu', 'lower', "the load generator's own CPU, % of one core"),
  m('generator.lag', 'duration', 'lower', 'how far the load generator fell behind its schedule (p99)', {
    count: true
  }),
  m(
    'generator.rate.target',
    'rate',
    'none',
    'open model: requests per second the schedule asked for',
    COUNTED
  ),
  m(
    'generator.rate.achieved',
    'rate',
    'higher',
    'open model: requests per second the generator actually sent',
    COUNTED
  ),
  m('sweep.optimal_connections', 'count', 'higher', 'connections at the knee of throughput vs p99'),
  m('sweep.optimal_rate', 'rate', 'higher', 'open model: offered rate at the knee of throughput vs p99'),
  m('sweep.optimal_rps', 'rate', 'higher', 'successful responses per second at the knee of the sweep'),
  m('sweep.max_rps', 'rate', 'higher', "highest successful responses per second over the sweep's steps"),
  m(
    'stress.breaking_point.connections',
    'count',
    'higher',
    'highest sustainable connections before breaking'
  ),
  m('stress.breaking_point.rate', 'rate', 'higher', 'open model: highest sustainable offered rate'),
  m(
    'stress.breaking_point.rps',
    'rate',
    'higher',
    'successful responses per second at the last sustainable step before breaking'
  ),
  m('stress.broke_at.connections', 'count', 'higher', 'connections of the step that broke (none: unset)'),
  m(
    'stress.broke_at.rate',
    'rate',
    'higher',
    'open model: offered rate of the step that broke (none: unset)'
  ),
  m(
    'soak.drift',
    'ratio',
    'lower',
    'relative RSS growth over the soak: least-squares slope over the windows x span / fitted start'
  ),
  m('soak.p99_drift', 'ratio', 'lower', 'relative change of p99 over the soak, fitted like soak.drift')
]

const BY_NAME = new Map(METRICS.map(info => [info.name, info]))

export function metricInfo(name: string): MetricInfo | undefined {
  return BY_NAME.get(name)
}

export const METRIC_NAMES: readonly string[] = METRICS.map(info => info.name)

/** The metrics an invalid measurement keeps (MetricInfo.count), in the catalogue's order. */
export const COUNT_METRICS: readonly string[] = METRICS.filter(info => info.count).map(info => info.name)

/** Why the server.* metrics cannot be measured on this platform, or undefined on Linux. */
export function serverMetricsUnsupported(platform: NodeJS.Platform = process.platform): string | undefined {
  return platform === 'linux'
    ? undefined
    : `not measured: server.* metrics are sampled from /proc, which only Linux has (this runner is ${platform})`
}
