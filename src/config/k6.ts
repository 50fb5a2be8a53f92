import { LATENCY_PERCENTILES } from './metrics.js'

/**
 * k6's threshold form in perfgate's words: `p(95)<200` -> `latency.p95: "< 200ms"` (k6 durations are in ms).
 * Returns undefined when the text holds no k6 expression perfgate has a metric for.
 */
export function k6Hint(text: string): string | undefined {
  const hints: string[] = []
  const form = /\b(p\(\s*([0-9.]+)\s*\)|avg|med|min|max|rate)\s*(<=|>=|<|>)\s*([0-9]+(?:\.[0-9]+)?)/g
  for (const match of text.matchAll(form)) {
    const [whole, stat, percentile, op, value] = match as unknown as [
      string,
      string,
      string | undefined,
      string,
      string
    ]
    let metric: string | undefined
    let limit = `${op} ${value}ms`
    if (percentile !== undefined) {
      const p = `p${Number(percentile)}`
      metric = (LATENCY_PERCENTILES as readonly string[]).includes(p) ? `latency.${p}` : undefined
    } else if (stat === 'rate') {
      metric = 'errors.rate'
      limit = `${op} ${Number((Number(value) * 100).toPrecision(6))}%`
    } else metric = { avg: 'latency.mean', med: 'latency.p50', min: 'latency.min', max: 'latency.max' }[stat]
    if (metric) hints.push(`${whole.replace(/\s+/g, '')} -> ${metric}: "${limit}"`)
  }
  return hints.length ? `k6's form in perfgate: ${[...new Set(hints)].join(', ')}` : undefined
}
