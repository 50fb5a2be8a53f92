import { H2_ERROR_CODES } from '../config/metrics.js'
import type { MetricValues } from '../model/metrics.js'
import type { ResourceSummary } from '../service/types.js'
import type { LoadResult, StreamErrors } from './types.js'
import { failedCount, okResponses } from './timeline.js'

/** The metrics of src/config/metrics.ts that a load run (and the service's resources) can tell. */
export function toMetrics(result: LoadResult, resources?: ResourceSummary): MetricValues {
  const c = result.counts
  const seconds = result.durationMs / 1000
  const failed = failedCount(c)
  const attempted = c.responses + c.connect + c.timeout + c.reset + c.other
  const l = result.latency
  const metrics: MetricValues = {
    'latency.min': l?.min ?? null,
    'latency.mean': l?.mean ?? null,
    'latency.stddev': l?.stddev ?? null,
    'latency.p50': l?.p50 ?? null,
    'latency.p75': l?.p75 ?? null,
    'latency.p90': l?.p90 ?? null,
    'latency.p95': l?.p95 ?? null,
    'latency.p99': l?.p99 ?? null,
    'latency.p99.9': l?.['p99.9'] ?? null,
    'latency.max': l?.max ?? null,
    'throughput.rps': c.responses / seconds,
    'throughput.ok_rps': okResponses(c) / seconds,
    'throughput.bytes': result.bytes / seconds,
    'requests.total': c.responses,
    'errors.rate': attempted === 0 ? 0 : failed / attempted,
    'errors.total': failed,
    'errors.connect': c.connect,
    'errors.timeout': c.timeout,
    'errors.reset': c.reset,
    'status.4xx': c.status4xx,
    'status.5xx': c.status5xx,
    'status.unexpected': c.unexpected,
    'generator.cpu': result.generatorCpu,
    'generator.lag': result.generatorLagUs
  }
  if (result.targetRate !== undefined) metrics['generator.rate.target'] = result.targetRate
  if (result.achievedRate !== undefined) metrics['generator.rate.achieved'] = result.achievedRate
  if (result.streamErrors) Object.assign(metrics, h2Metrics(result.streamErrors))
  if (resources && resources.measured !== false) {
    metrics['server.cpu.mean'] = resources.cpuMean
    metrics['server.cpu.peak'] = resources.cpuPeak
    metrics['server.rss.peak'] = resources.rssPeakBytes
    metrics['server.fds.peak'] = resources.fdsPeak
    metrics['server.cpu.per_request'] = c.responses > 0 ? resources.cpuTimeUs / c.responses : null
  }
  return metrics
}

const KNOWN_CODES = new Set<string>(H2_ERROR_CODES)

/** HTTP/2's errors by kind as counted metrics: RST_STREAM in all and by code, GOAWAY, refused, flow-control stalls. */
export function h2Metrics(errors: StreamErrors): MetricValues {
  const metrics: MetricValues = {
    'h2.rst_stream': Object.values(errors.rstStream).reduce((a, b) => a + b, 0),
    'h2.goaway': errors.goaway,
    'h2.refused': errors.refused,
    'h2.flow_control_stalls': errors.flowControlStalls
  }
  for (const code of H2_ERROR_CODES) metrics[`h2.rst_stream.${code}`] = 0
  // a code outside RFC 9113's list ("code 42") counts in the total only
  for (const [name, n] of Object.entries(errors.rstStream)) {
    const code = name.toLowerCase()
    if (KNOWN_CODES.has(code)) metrics[`h2.rst_stream.${code}`] = n
  }
  return metrics
}
