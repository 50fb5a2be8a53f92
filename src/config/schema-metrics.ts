/**
 * The `thresholds` and `regression` parts of schema/perfgate.schema.json, built from the metric registry: every
 * metric is a property with its description and the pattern of its limit, so editors complete the names and flag
 * a wrong unit as you type. `npm run schema` writes them into the schema; a test keeps the two identical.
 */
import { METRICS, type MetricInfo, type MetricKind } from './metrics.js'

const NUMBER = '([0-9]+(\\.[0-9]+)?|\\.[0-9]+)'
const OP = '(<=|>=|<|>)'
const SIZE = '([bB]|[kKmMgG][iI]?[bB])'

/** The unit part of a threshold for each kind (what units.ts accepts). */
const UNIT: Record<MetricKind, { pattern: string; example: string; units: string }> = {
  duration: { pattern: '(us|µs|ms|s|m|min)', example: '< 50ms', units: 'us, ms, s' },
  size: {
    pattern: SIZE,
    example: '< 256MB',
    units: 'B, KB, MB, GB (1000-based), KiB, MiB, GiB (1024-based)'
  },
  byterate: { pattern: `${SIZE}(/s)?`, example: '> 100MB', units: 'bytes per second: B, KB, MB, GB' },
  ratio: { pattern: '%', example: '< 0.1%', units: '%' },
  cpu: { pattern: '%', example: '< 150%', units: '% of one core' },
  count: { pattern: '', example: '< 10', units: 'a plain number' },
  rate: { pattern: '(/s|rps)?', example: '> 1500', units: 'requests per second' }
}

const severity = {
  enum: ['fail', 'warn'],
  description: 'fail (default) fails the job; warn only warns'
}

/** A limit: the expression as a string, or { limit, severity }. */
function limitSchema(pattern: string, description: string): object {
  return {
    oneOf: [
      { type: 'string', pattern, description },
      {
        type: 'object',
        additionalProperties: false,
        properties: { limit: { type: 'string', pattern, description }, severity },
        required: ['limit']
      }
    ]
  }
}

/** A share of the requests: 0% to 100% (what units.ts accepts for errors.rate). */
const SHARE = '0*(100(\\.0+)?|[0-9]{1,2}(\\.[0-9]+)?|\\.[0-9]+)'
const thresholdPattern = (kind: MetricKind, share = false) =>
  `^\\s*${OP}\\s*${share ? SHARE : NUMBER}\\s*${UNIT[kind].pattern}\\s*$`
/** The definition a metric's threshold refers to: its kind's, or for a share of the requests, the share's. */
const thresholdDefinition = (info: MetricInfo) => (info.share ? 'threshold-share' : `threshold-${info.kind}`)
const regressionPattern = (info: MetricInfo) =>
  `^\\s*${info.better === 'higher' ? '-' : '\\+'}\\s*${NUMBER}\\s*%\\s*$`

export function metricSchemas(): {
  thresholds: object
  regression: object
  definitions: Record<string, object>
} {
  const kinds = [...new Set(METRICS.map(m => m.kind))]
  const definitions: Record<string, object> = {}
  for (const kind of kinds)
    definitions[`threshold-${kind}`] = limitSchema(
      thresholdPattern(kind),
      `an operator (< <= > >=) and a value in ${UNIT[kind].units}, like "${UNIT[kind].example}"`
    )
  definitions['threshold-share'] = limitSchema(
    thresholdPattern('ratio', true),
    'an operator (< <= > >=) and a share of the requests from 0% to 100%, like "< 1%"'
  )
  definitions['regression-lower'] = limitSchema(
    regressionPattern({ better: 'lower' } as MetricInfo),
    'how far it may rise, like "+20%"'
  )
  definitions['regression-higher'] = limitSchema(
    regressionPattern({ better: 'higher' } as MetricInfo),
    'how far it may fall, like "-5%"'
  )
  const thresholds: Record<string, object> = {}
  const regression: Record<string, object> = {}
  for (const info of METRICS) {
    thresholds[info.name] = {
      description: `${info.description}. Limit like "${UNIT[info.kind].example}" (${UNIT[info.kind].units})`,
      $ref: `#/definitions/${thresholdDefinition(info)}`
    }
    if (info.better !== 'none')
      regression[info.name] = {
        description: `${info.description}. Better ${info.better}: ${info.better === 'lower' ? '"+20%" (may rise at most 20%)' : '"-5%" (may fall at most 5%)'}`,
        $ref: `#/definitions/regression-${info.better}`
      }
  }
  return {
    thresholds: {
      type: 'object',
      description: 'absolute limits: metric -> "< 50ms" or { limit, severity }',
      additionalProperties: false,
      properties: thresholds
    },
    regression: {
      type: 'object',
      description: 'limits relative to the base: metric -> "+20%" / "-5%" or { limit, severity }',
      additionalProperties: false,
      properties: regression
    },
    definitions
  }
}
