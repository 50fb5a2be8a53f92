import type { Adjustment, DecisionData } from '../model/check.js'
import { formatSignedPercent, formatTolerance } from '../stats/decide.js'

function movement(change: number): string {
  if (change === 0) return 'did not change'
  return `${change > 0 ? 'rose' : 'fell'} ${formatSignedPercent(Math.abs(change)).slice(1)}`
}

function formatNumber(value: number, signed = false): string {
  const text = Number(value.toPrecision(3)).toString()
  return signed && value > 0 ? `+${text}` : text
}

/** "4 paired rounds", "4 epochs (24 slice pairs)", or "3 vs 4 rounds" when the analysis was unpaired. */
function sizeNote(d: DecisionData): string {
  return d.pairs > 0 ? `${d.pairs} ${d.basis.unit ?? 'paired rounds'}` : `${d.n.base} vs ${d.n.head} rounds`
}

function droppedNote(d: DecisionData): string {
  const { droppedValues: values, droppedSlicePairs: slices } = d.basis
  return (
    (values ? `; ${values} missing value${values === 1 ? '' : 's'} dropped` : '') +
    (slices ? `; ${slices} slice pair${slices === 1 ? '' : 's'} without a usable value dropped` : '')
  )
}

/** The line of a decision from the interval of the relative change. */
function intervalLine(d: DecisionData, tol: string): string {
  const change = d.change!
  const interval = d.interval!
  const ci = `CI ${formatSignedPercent(interval[0])} .. ${formatSignedPercent(interval[1])}, ${sizeNote(d)}`
  const improvedClearly = d.basis.better === 'higher' ? interval[0] > 0 : interval[1] < 0
  const detectable = `±${formatSignedPercent(d.noiseFloor!).slice(1)}`
  // the bad end of the interval: how far the metric may have moved the bad way
  const worst = d.direction === 'fall' ? Math.max(0, -interval[0]) : Math.max(0, interval[1])
  const line =
    d.verdict === 'fail'
      ? `${d.metric} ${movement(change)} (${ci}), beyond the ${tol} tolerance`
      : d.verdict === 'pass'
        ? `${d.metric} ${movement(change)} (${ci}), within the ${tol} tolerance` +
          (improvedClearly
            ? ': an improvement'
            : `: no ${d.direction} beyond ${formatSignedPercent(worst).slice(1)} (the smallest change this run could detect: ${detectable})`)
        : `inconclusive: ${d.metric} ${formatSignedPercent(change)} ${detectable.replace('±', '± ')} (${ci}) ` +
          `straddles the ${tol} tolerance; this run could detect changes of ${detectable}, more rounds would decide`
  const scale = d.basis.linear
    ? '; some values are <= 0, so the change is the difference of means relative to the base mean'
    : ''
  return line + scale
}

/** The line of a decision whose base mean is 0: the difference's interval decides. */
function zeroBaseLine(d: DecisionData, tol: string): string {
  if (d.basis.allZero) return `${d.metric} is 0 on both sides`
  const [low, high] = d.basis.difference!
  const range = `difference CI ${formatNumber(low, true)} .. ${formatNumber(high, true)}, ${sizeNote(d)}`
  const moved = `${d.metric} went from 0 to ${formatNumber(d.basis.headMean!)} (${range})`
  return d.verdict === 'fail'
    ? `${moved}; from a zero base any ${d.direction} is beyond the ${tol} tolerance`
    : d.verdict === 'pass'
      ? `${moved}, no ${d.direction} from its zero base: within the ${tol} tolerance`
      : `inconclusive: ${moved}; from a zero base the relative change is undefined and the interval straddles 0; more rounds would decide`
}

/** The line of a comparison with a stored run: the interval widened by the cross-run allowance. */
function crossRunLine(d: DecisionData, tol: string): string {
  const change = formatSignedPercent(d.change!)
  const range = `${formatSignedPercent(d.interval![0])} .. ${formatSignedPercent(d.interval![1])}`
  const allowance = `±${(d.basis.margin! * 100).toFixed(1)}% cross-run allowance (${d.basis.marginSource})`
  const rounds = `${d.n.head} head vs ${d.n.base} stored rounds`
  const measured = `${d.metric} ${change} vs the stored run (${range} with the ${allowance}; ${rounds})`
  return d.verdict === 'fail'
    ? `${measured}, beyond the ${tol} tolerance`
    : d.verdict === 'pass'
      ? `${measured}, within the ${tol} tolerance`
      : `inconclusive: ${measured} straddles the ${tol} tolerance; a stored run cannot decide this, an interleaved comparison (compare.mode: interleaved) can`
}

/** The one line a regression decision says to humans, from its data: every decision of perfgate is worded here. */
export function decisionReason(d: DecisionData): string {
  const tol = formatTolerance(d.direction, d.tolerance)
  const { basis } = d
  let line: string
  switch (basis.kind) {
    case 'missing':
      return `inconclusive: ${d.metric} is missing in the ${basis.missingIn}`
    case 'cross-run':
      return crossRunLine(d, tol)
    case 'too-few':
      line = `inconclusive: ${d.metric} needs at least 2 ${basis.unit?.split(' ')[0] ?? 'rounds'} per side (base ${d.n.base}, head ${d.n.head})`
      break
    case 'interval':
      line = intervalLine(d, tol)
      break
    case 'zero-base':
      line = zeroBaseLine(d, tol)
      break
  }
  return line + droppedNote(d) + (basis.againstStored ? ' (against the stored run)' : '')
}

/** A check's control variate in words: what it adjusted for, and how much of the pairs' variance it removed. */
export function adjustmentText(a: Adjustment): string {
  const removed = Math.max(0, a.varianceReduction)
  return (
    `adjusted for other processes' load on the service's CPUs (a control variate, slope ${a.slope.toFixed(2)}): ` +
    `it removed ${(removed * 100).toFixed(0)} % of the slice pairs' variance within epochs`
  )
}
