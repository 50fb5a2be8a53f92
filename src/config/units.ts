import { metricInfo, type MetricKind } from './metrics.js'
import type { Comparator } from './types.js'

/** A problem found while parsing one value; the loader adds the file position. */
export class ValueError extends Error {}

const DURATION_US: Record<string, number> = {
  us: 1,
  µs: 1,
  ms: 1000,
  s: 1_000_000,
  m: 60_000_000,
  min: 60_000_000
}
const SIZE_BYTES: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3
}

const NUMBER = '([0-9]+(?:\\.[0-9]+)?|\\.[0-9]+)'
const DURATION_RE = new RegExp(`^${NUMBER}\\s*(us|µs|ms|s|m|min)$`)

/** "5s", "250ms", "100us", "2m" -> milliseconds. */
export function parseDuration(text: string): number {
  const match = DURATION_RE.exec(text.trim())
  if (!match && DURATION_RE.test(text.trim().replace(/^-\s*/, '')))
    throw new ValueError(`"${text}" must be positive: a duration like "500ms", "10s" or "2m"`)
  if (!match)
    throw new ValueError(
      `"${text}" is not a duration: write a number with a unit, like "500ms", "10s" or "2m"`
    )
  return (Number(match[1]) * DURATION_US[match[2]!]!) / 1000
}

/** "5%" -> 0.05 */
export function parsePercent(text: string): number {
  const match = new RegExp(`^${NUMBER}\\s*%$`).exec(text.trim())
  if (!match && new RegExp(`^-\\s*${NUMBER}\\s*%$`).test(text.trim()))
    throw new ValueError(`"${text}" must be positive: a percentage like "5%"`)
  if (!match) throw new ValueError(`"${text}" is not a percentage: write it like "5%"`)
  return Number(match[1]) / 100
}

const EXAMPLES: Record<MetricKind, string> = {
  duration: '"< 50ms"',
  size: '"< 256MB"',
  byterate: '"> 100MB" (per second)',
  ratio: '"< 0.1%"',
  cpu: '"< 150%" (of one core)',
  count: '"< 10"',
  rate: '"> 1500" (requests per second)'
}

/** The value of a threshold in the metric's base unit (see metrics.ts). */
function valueIn(kind: MetricKind, number: number, unit: string, metric: string, share = false): number {
  const u = unit.toLowerCase()
  const wrong = () =>
    new ValueError(
      `${metric} takes ${kind === 'duration' ? 'a duration' : `a ${kind}`} like ${EXAMPLES[kind]}; got the unit "${unit}"`
    )
  switch (kind) {
    case 'duration':
      if (!unit) throw new ValueError(`${metric} needs a unit: write ${EXAMPLES.duration}, not a bare number`)
      if (!(u in DURATION_US)) throw wrong()
      return number * DURATION_US[u]!
    case 'size':
    case 'byterate': {
      const stem = kind === 'byterate' ? u.replace(/\/s$/, '') : u
      if (!unit) throw new ValueError(`${metric} needs a unit: write ${EXAMPLES[kind]}, not a bare number`)
      if (!(stem in SIZE_BYTES)) throw wrong()
      return number * SIZE_BYTES[stem]!
    }
    case 'ratio':
    case 'cpu':
      // a bare number is ambiguous (0.5: half a percent or half of all?): the unit is required
      if (!unit) throw new ValueError(`${metric} needs a unit: write ${EXAMPLES[kind]}, not a bare number`)
      if (unit !== '%') throw wrong()
      if (share && number > 100)
        throw new ValueError(`${metric} is a share of the requests: at most 100%; got ${number}%`)
      return kind === 'ratio' ? number / 100 : number
    case 'count':
    case 'rate':
      if (!unit || (kind === 'rate' && (u === '/s' || u === 'rps'))) return number
      throw wrong()
  }
}

const THRESHOLD_RE = new RegExp(`^(<=|>=|<|>)\\s*${NUMBER}\\s*([a-zA-Zµ%/]*)$`)

/** A k6-style threshold: "< 50ms", ">= 1500", "< 0.1%". */
export function parseThreshold(metric: string, expression: string): { op: Comparator; value: number } {
  const info = metricInfo(metric)
  if (!info) throw new ValueError(`unknown metric "${metric}"`)
  const match = THRESHOLD_RE.exec(expression.trim())
  if (!match) {
    throw new ValueError(
      `"${expression}" is not a threshold: write an operator (< <= > >=) and a value, like ${EXAMPLES[info.kind]}`
    )
  }
  return {
    op: match[1] as Comparator,
    value: valueIn(info.kind, Number(match[2]), match[3] ?? '', metric, info.share)
  }
}

/** "+20%" (may rise at most 20%) or "-5%" (may fall at most 5%); the sign must point the bad way. */
export function parseRegression(
  metric: string,
  expression: string
): { direction: 'rise' | 'fall'; tolerance: number } {
  const info = metricInfo(metric)
  if (!info) throw new ValueError(`unknown metric "${metric}"`)
  const match = new RegExp(`^([+-])\\s*${NUMBER}\\s*%$`).exec(expression.trim())
  if (!match)
    throw new ValueError(
      `"${expression}" is not a regression limit: write "+20%" (may rise at most 20%) or "-5%" (may fall at most 5%)`
    )
  const direction = match[1] === '+' ? 'rise' : 'fall'
  if (info.better === 'none')
    throw new ValueError(`${metric} has no better direction, so it cannot have a regression limit`)
  const bad = info.better === 'lower' ? 'rise' : 'fall'
  if (direction !== bad) {
    const sign = bad === 'rise' ? '+' : '-'
    throw new ValueError(
      `${metric} is better when ${info.better}, so its regression limit says how far it may ${bad}: write "${sign}${match[2]}%", not "${expression}"`
    )
  }
  return { direction, tolerance: Number(match[2]) / 100 }
}
