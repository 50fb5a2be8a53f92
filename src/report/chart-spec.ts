/** The charts of report.html as data (the page draws them with uPlot), and the helpers that align their series. */

/** What a value on an axis is, so the page formats it: µs latencies, bytes, % CPU, plain numbers. */
export type AxisUnit =
  | 'us'
  | 'bytes'
  | 'rps'
  | 'rate'
  | 'cpu'
  | 'ratio'
  | 'count'
  | 's'
  | 'connections'
  | 'percentile'
  | 'epoch'
  | 'pair'

export interface ChartSeries {
  label: string
  /** colour family: base purple, head blue, other neutral */
  side: 'base' | 'head' | 'other'
  dash?: boolean
  /** values aligned with the chart's x; null where the series has no point */
  values: Array<number | null>
  /** which y axis: 0 left, 1 right */
  axis?: 0 | 1
  /** draw points only (per-round values) */
  points?: boolean
  /** a thin line: the edge of a band */
  thin?: boolean
  /** plotted on a scale of its own with no axis (its values show in the legend, in this unit) */
  ownScale?: AxisUnit
}

/** One chart of report.html, as data: the page draws it with uPlot. */
export interface ChartSpec {
  id: string
  scenario: string
  title: string
  x: number[]
  xUnit: AxisUnit
  xLog?: boolean
  yUnits: [AxisUnit] | [AxisUnit, AxisUnit]
  series: ChartSeries[]
  /** a vertical marker: the knee, the breaking point */
  marker?: { x: number; label: string }
  /** thin vertical lines between groups of x (the epochs of a slice pair chart), drawn before these x values */
  dividers?: number[]
  /** x below this is warmup (shaded) */
  shadeUntil?: number
  /** areas filled between two series (indexes into `series`), e.g. an interval */
  bands?: Array<{ upper: number; lower: number }>
  /** the only x values labelled (a log axis labels its decades, not every step) */
  xTicks?: number[]
  /** many runs: one legend entry per side (toggling all its runs) instead of one per series, thinner lines */
  legendBySide?: boolean
  caption: string
}

export function unionX(lists: number[][]): number[] {
  return [...new Set(lists.flat())].sort((a, b) => a - b)
}

export function align(x: number[], points: Array<[number, number | null]>): Array<number | null> {
  const byX = new Map(points)
  return x.map(v => byX.get(v) ?? null)
}
