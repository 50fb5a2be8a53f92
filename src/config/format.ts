import { metricInfo, type MetricKind } from './metrics.js'

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })

function significant(value: number, digits = 3): string {
  if (value === 0) return '0'
  const abs = Math.abs(value)
  if (abs >= 1000) return grouped.format(value)
  return Number(value.toPrecision(digits)).toString()
}

export function formatDuration(us: number): string {
  const abs = Math.abs(us)
  if (abs < 1000) return `${significant(us)} µs`
  if (abs < 1_000_000) return `${significant(us / 1000)} ms`
  return `${significant(us / 1_000_000)} s`
}

export function formatBytes(bytes: number): string {
  const abs = Math.abs(bytes)
  if (abs < 1000) return `${significant(bytes)} B`
  if (abs < 1e6) return `${significant(bytes / 1e3)} KB`
  if (abs < 1e9) return `${significant(bytes / 1e6)} MB`
  return `${significant(bytes / 1e9)} GB`
}

export function formatPercent(fraction: number): string {
  const pct = fraction * 100
  if (pct !== 0 && Math.abs(pct) < 0.01) return `${pct.toExponential(1)}%`
  return `${significant(pct)}%`
}

const FORMATTERS: Record<MetricKind, (value: number) => string> = {
  duration: formatDuration,
  size: formatBytes,
  byterate: v => `${formatBytes(v)}/s`,
  ratio: formatPercent,
  cpu: v => `${significant(v)}% CPU`,
  count: v => significant(v, 4),
  rate: v => `${significant(v, 4)} req/s`
}

/** A metric value in its natural unit: "61.2 ms", "1,523 req/s", "0.1%". */
export function formatMetric(metric: string, value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return 'n/a'
  const info = metricInfo(metric)
  return info ? FORMATTERS[info.kind](value) : significant(value)
}

/** A relative change as a signed percentage: "+12.3%", "-4.0%". */
export function formatChange(fraction: number | null | undefined): string {
  if (fraction === null || fraction === undefined || Number.isNaN(fraction)) return 'n/a'
  const pct = fraction * 100
  const text = Math.abs(pct) >= 100 ? pct.toFixed(0) : pct.toFixed(1)
  return `${pct >= 0 ? '+' : ''}${text}%`
}

export function formatInterval(interval: [number, number] | null | undefined): string {
  if (!interval) return 'n/a'
  return `${formatChange(interval[0])} … ${formatChange(interval[1])}`
}

/** The smallest change a run could detect (half its interval's width): "±1.4%". */
export function formatDetectable(fraction: number): string {
  return `±${formatChange(fraction).slice(1)}`
}

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 120_000) return `${significant(ms / 1000)} s`
  const total = Math.round(ms / 1000)
  const minutes = Math.floor(total / 60)
  const seconds = total % 60
  return seconds ? `${minutes} min ${seconds} s` : `${minutes} min`
}

/** One step of a sweep or stress ramp in words: "10 connections", "1 connection", "800 req/s". */
export function stepText(axis: string, value: number): string {
  if (axis === 'rate') return `${value} req/s`
  return `${value} connection${value === 1 ? '' : 's'}`
}
