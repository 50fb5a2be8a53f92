/**
 * Statistical primitives for per-round values: mean, variance, Student's t distribution and t intervals for a
 * mean (one sample, used on paired differences) and for a difference of means (Welch). Pure functions, no I/O.
 */

// Local aliases: these run in tight loops, and a global `Math.x` lookup is ~40x slower inside jest's vm context.
const { abs, exp, log, log1p, max, min, sin, sqrt, tan, PI } = Math

export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return NaN
  let sum = 0
  for (const x of xs) sum += x
  return sum / xs.length
}

/** The least-squares line through (x, y) points, as its slope and the point of means it passes through. */
export function leastSquares(
  points: ReadonlyArray<readonly [number, number]>
): { slope: number; meanX: number; meanY: number } | undefined {
  const meanX = mean(points.map(p => p[0]))
  const meanY = mean(points.map(p => p[1]))
  let num = 0
  let den = 0
  for (const [x, y] of points) {
    num += (x - meanX) * (y - meanY)
    den += (x - meanX) ** 2
  }
  return den === 0 ? undefined : { slope: num / den, meanX, meanY }
}

/** Sample variance (divides by n - 1); NaN with fewer than two values. */
export function variance(xs: readonly number[]): number {
  if (xs.length < 2) return NaN
  const m = mean(xs)
  let sum = 0
  for (const x of xs) sum += (x - m) ** 2
  return sum / (xs.length - 1)
}

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7
]

/** ln Γ(x) for x > 0 (Lanczos, g = 7; relative error ~1e-15). */
export function logGamma(x: number): number {
  if (x < 0.5) return log(PI / sin(PI * x)) - logGamma(1 - x)
  const z = x - 1
  let sum = LANCZOS[0]
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i] / (z + i)
  const t = z + 7.5
  return 0.5 * log(2 * PI) + (z + 0.5) * log(t) - t + log(sum)
}

/** Continued fraction of the incomplete beta function (modified Lentz). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300
  let c = 1
  let d = 1 - ((a + b) * x) / (a + 1)
  if (abs(d) < tiny) d = tiny
  d = 1 / d
  let h = d
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2))
    d = 1 + aa * d
    if (abs(d) < tiny) d = tiny
    c = 1 + aa / c
    if (abs(c) < tiny) c = tiny
    d = 1 / d
    h *= d * c
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1))
    d = 1 + aa * d
    if (abs(d) < tiny) d = tiny
    c = 1 + aa / c
    if (abs(c) < tiny) c = tiny
    d = 1 / d
    const step = d * c
    h *= step
    if (abs(step - 1) < 1e-15) break
  }
  return h
}

/** The regularized incomplete beta function I_x(a, b). */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0
  if (x >= 1) return 1
  const front = exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * log(x) + b * log1p(-x))
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b
}

function checkDf(df: number): void {
  if (!(df > 0)) throw new RangeError(`Student's t needs degrees of freedom > 0, got ${df}`)
}

/** P(T > t) for t >= 0: half the regularized incomplete beta at df / (df + t²). */
function upperTail(t: number, df: number): number {
  return 0.5 * regularizedBeta(df / (df + t * t), df / 2, 0.5)
}

/** The cumulative distribution function of Student's t with `df` degrees of freedom (df may be fractional). */
export function tCdf(t: number, df: number): number {
  checkDf(df)
  if (Number.isNaN(t)) return NaN
  if (t === Infinity) return 1
  if (t === -Infinity) return 0
  const tail = upperTail(abs(t), df)
  return t >= 0 ? 1 - tail : tail
}

function tDensity(t: number, df: number): number {
  const logC = logGamma((df + 1) / 2) - logGamma(df / 2) - 0.5 * log(df * PI)
  return exp(logC - ((df + 1) / 2) * log1p((t * t) / df))
}

/** The standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1))
    throw new RangeError(`a quantile needs a probability strictly between 0 and 1, got ${p}`)
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239
  ]
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572]
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783
  ]
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416]
  const low = 0.02425
  if (p < low) {
    const q = sqrt(-2 * log(p))
    return (
      (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    )
  }
  if (p > 1 - low) return -normalQuantile(1 - p)
  const q = p - 0.5
  const r = q * q
  return (
    ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
  )
}

/**
 * The quantile (inverse CDF) of Student's t with `df` degrees of freedom (df may be fractional, as Welch's is).
 * Closed forms for df = 1 and 2; otherwise Newton's method on the exact CDF from a Cornish-Fisher start, kept
 * inside a bracket. Accurate to ~1e-10 relative.
 */
export function tQuantile(p: number, df: number): number {
  checkDf(df)
  if (!(p > 0 && p < 1))
    throw new RangeError(`a quantile needs a probability strictly between 0 and 1, got ${p}`)
  if (p === 0.5) return 0
  if (p < 0.5) return -tQuantile(1 - p, df)
  if (df === 1) return tan(PI * (p - 0.5))
  if (df === 2) return (2 * p - 1) / sqrt(2 * p * (1 - p))
  const z = normalQuantile(p)
  const cornishFisher =
    z +
    (z ** 3 + z) / (4 * df) +
    (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2) +
    (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / (384 * df ** 3)
  if (df > 1e5) return cornishFisher
  const q = 1 - p
  // S(t) = P(T > t) falls with t; keep a bracket [lo, hi] with S(lo) > q > S(hi).
  let lo = 0
  let hi = max(cornishFisher, 1)
  while (upperTail(hi, df) > q) {
    lo = hi
    hi *= 2
  }
  let t = min(max(cornishFisher, lo), hi)
  for (let i = 0; i < 100; i++) {
    const excess = upperTail(t, df) - q
    if (excess > 0) lo = t
    else hi = t
    let next = t + excess / tDensity(t, df)
    if (!(next > lo && next < hi)) next = (lo + hi) / 2
    if (abs(next - t) <= 1e-12 * max(1, abs(t))) return next
    t = next
  }
  return t
}

/** A two-sided t interval for a mean or a difference of means. */
export interface MeanInterval {
  estimate: number
  low: number
  high: number
  halfWidth: number
  /** degrees of freedom of the t quantile used */
  df: number
}

function checkConfidence(confidence: number): void {
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(`confidence must be a fraction between 0 and 1 (e.g. 0.95), got ${confidence}`)
  }
}

function interval(estimate: number, standardError: number, df: number, confidence: number): MeanInterval {
  const halfWidth = standardError === 0 ? 0 : tQuantile(1 - (1 - confidence) / 2, df) * standardError
  return { estimate, low: estimate - halfWidth, high: estimate + halfWidth, halfWidth, df }
}

/** Student's t interval for the mean of one sample (on paired differences this is the paired t interval). */
export function oneSampleInterval(xs: readonly number[], confidence: number): MeanInterval {
  checkConfidence(confidence)
  if (xs.length < 2) throw new RangeError(`a t interval needs at least 2 values, got ${xs.length}`)
  return interval(mean(xs), sqrt(variance(xs) / xs.length), xs.length - 1, confidence)
}

/**
 * Welch's t interval for mean(head) - mean(base): unequal variances, Welch-Satterthwaite degrees of freedom.
 * When both samples have zero variance the interval is the point (df = n_base + n_head - 2).
 */
export function welchInterval(
  base: readonly number[],
  head: readonly number[],
  confidence: number
): MeanInterval {
  checkConfidence(confidence)
  if (base.length < 2 || head.length < 2) {
    throw new RangeError(
      `Welch's interval needs at least 2 values per side, got ${base.length} and ${head.length}`
    )
  }
  const vb = variance(base) / base.length
  const vh = variance(head) / head.length
  const se2 = vb + vh
  const df =
    se2 === 0
      ? base.length + head.length - 2
      : se2 ** 2 / (vb ** 2 / (base.length - 1) + vh ** 2 / (head.length - 1))
  return interval(mean(head) - mean(base), sqrt(se2), df, confidence)
}
