// Statistics for repeated benchmark runs: a per-sample-set summary with a Student-t 95% CI,
// Welch's unequal-variance t-test, and a one-line verdict for reports.
//
// simple-statistics supplies mean/median/sample variance/gammaln but no Student t CDF or
// quantile. Maintained packages that have them do exist on the registry list
// (@stdlib/stats-base-dists-t-cdf and @stdlib/stats-base-dists-t-quantile, Apache-2.0; also
// jstat), but this task may not change package.json, so the two functions below are a small
// stand-in built on the textbook algorithm. Swapping them for the @stdlib pair is a local
// change: studentTCdf / studentTQuantile keep their signatures.
import { gammaln, mean, median, sampleStandardDeviation, sampleVariance } from 'simple-statistics';
import { AppError } from './result.js';

/** A run set whose coefficient of variation exceeds this is flagged noisy (5%). */
export const NOISY_CV = 0.05;

export interface Summary {
  n: number;
  mean: number;
  median: number;
  /** Sample standard deviation (n-1); null when n < 2. */
  stdev: number | null;
  /** 95% confidence interval of the mean (Student t, n-1 df); null when n < 2. */
  ci95: [number, number] | null;
  /** stdev / |mean|; null when n < 2 or the mean is 0. */
  cv: number | null;
  noisy: boolean;
}

function checkSample(values: readonly number[], what: string, min: number): void {
  if (values.length < min) {
    throw new AppError('INVALID_ARGUMENT', `${what} needs at least ${min} value${min === 1 ? '' : 's'}, got ${values.length}.`);
  }
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new AppError('INVALID_ARGUMENT', `${what}: value #${bad + 1} is ${String(values[bad])}, not a finite number.`);
}

export function summarize(values: readonly number[]): Summary {
  checkSample(values, 'summarize', 1);
  const n = values.length;
  const m = mean(values);
  const med = median(values);
  if (n < 2) return { n, mean: m, median: med, stdev: null, ci95: null, cv: null, noisy: false };
  const sd = sampleStandardDeviation(values);
  const half = (studentTQuantile(0.975, n - 1) * sd) / Math.sqrt(n);
  const cv = m === 0 ? null : sd / Math.abs(m);
  // A zero mean with any spread is as noisy as it gets (infinite CV).
  return { n, mean: m, median: med, stdev: sd, ci95: [m - half, m + half], cv, noisy: cv === null ? sd > 0 : cv > NOISY_CV };
}

/**
 * Continued fraction for the incomplete beta function, evaluated with the modified Lentz method:
 * W. H. Press et al., "Numerical Recipes in C", 2nd ed. (1992), §6.4, routine betacf.
 */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const TINY = 1e-300;
  const EPS = 1e-15;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 1000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) return h;
  }
  throw new AppError('INTERNAL', `incomplete beta did not converge for a=${a}, b=${b}, x=${x}`);
}

/** Regularized incomplete beta I_x(a, b) (Numerical Recipes in C, 2nd ed., §6.4, routine betai). */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (!(a > 0 && b > 0) || !(x >= 0 && x <= 1)) throw new AppError('INVALID_ARGUMENT', `incomplete beta needs a, b > 0 and 0 <= x <= 1 (got a=${a}, b=${b}, x=${x}).`);
  if (x === 0 || x === 1) return x;
  const front = Math.exp(gammaln(a + b) - gammaln(a) - gammaln(b) + a * Math.log(x) + b * Math.log(1 - x));
  // The continued fraction converges fast only for x < (a+1)/(a+b+2); use the symmetry I_x(a,b) = 1 - I_{1-x}(b,a) otherwise.
  return x < (a + 1) / (a + b + 2) ? (front * betaContinuedFraction(a, b, x)) / a : 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

function checkDf(df: number): void {
  if (!(df > 0) || !Number.isFinite(df)) throw new AppError('INVALID_ARGUMENT', `Student t needs degrees of freedom > 0, got ${df}.`);
}

/** P(T > t) for t >= 0, computed directly so small tails keep their precision. */
function upperTail(t: number, df: number): number {
  if (t === Infinity) return 0;
  return 0.5 * regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/** Student t cumulative distribution P(T <= t) with df degrees of freedom (df may be fractional, as in Welch's test). */
export function studentTCdf(t: number, df: number): number {
  checkDf(df);
  if (Number.isNaN(t)) throw new AppError('INVALID_ARGUMENT', 'studentTCdf: t is NaN.');
  return t >= 0 ? 1 - upperTail(t, df) : upperTail(-t, df);
}

/** Inverse of studentTCdf, by bisection on the upper tail (monotone, so bisection cannot miss). */
export function studentTQuantile(p: number, df: number): number {
  checkDf(df);
  if (!(p > 0 && p < 1)) throw new AppError('INVALID_ARGUMENT', `studentTQuantile needs 0 < p < 1, got ${p}.`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  const tail = 1 - p;
  let lo = 0;
  let hi = 1;
  while (upperTail(hi, df) > tail) {
    lo = hi;
    hi *= 2;
  }
  for (let i = 0; i < 200 && hi - lo > 1e-13 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (upperTail(mid, df) > tail) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export interface WelchResult {
  /** (mean(b) - mean(a)) / standard error: positive when b is larger. */
  t: number;
  /** Welch-Satterthwaite degrees of freedom (fractional). */
  df: number;
  /** Two-sided p-value. */
  p: number;
  meanA: number;
  meanB: number;
  /** mean(b) - mean(a). */
  meanDiff: number;
  /** (mean(b) - mean(a)) / |mean(a)|; null when mean(a) is 0. */
  relDiff: number | null;
}

/** Welch's two-sample t-test (unequal variances), two-sided. */
export function welchTTest(a: readonly number[], b: readonly number[]): WelchResult {
  checkSample(a, "Welch's t-test, sample A,", 2);
  checkSample(b, "Welch's t-test, sample B,", 2);
  const meanA = mean(a);
  const meanB = mean(b);
  const meanDiff = meanB - meanA;
  const relDiff = meanA === 0 ? null : meanDiff / Math.abs(meanA);
  const sa = sampleVariance(a) / a.length;
  const sb = sampleVariance(b) / b.length;
  const se2 = sa + sb;
  if (se2 === 0) {
    // Both samples constant: equal means are indistinguishable, different means are certain.
    return { t: meanDiff === 0 ? 0 : Math.sign(meanDiff) * Infinity, df: a.length + b.length - 2, p: meanDiff === 0 ? 1 : 0, meanA, meanB, meanDiff, relDiff };
  }
  const t = meanDiff / Math.sqrt(se2);
  const df = (se2 * se2) / ((sa * sa) / (a.length - 1) + (sb * sb) / (b.length - 1));
  return { t, df, p: 2 * upperTail(Math.abs(t), df), meanA, meanB, meanDiff, relDiff };
}

export interface VerdictLabels {
  a: string;
  b: string;
  /** Bandwidth: higher is better (default). Latency: set false. */
  higherIsBetter?: boolean;
  /** Word for "better", default "faster". */
  comparative?: string;
}

const formatP = (p: number): string => (p < 0.001 ? 'p<0.001' : `p=${p.toFixed(3)}`);

/**
 * One plain sentence for a report: "no significant difference between A and B (p=0.412)" or
 * "B is faster by 12.3% (p=0.004)"; the percentage is relative to the slower sample's mean.
 */
export function verdict(a: readonly number[], b: readonly number[], alpha = 0.05, labels: VerdictLabels = { a: 'A', b: 'B' }): string {
  if (a.length < 2 || b.length < 2) {
    return `cannot compare ${labels.a} (${a.length} run${a.length === 1 ? '' : 's'}) with ${labels.b} (${b.length} run${b.length === 1 ? '' : 's'}): need at least 2 runs each`;
  }
  const r = welchTTest(a, b);
  if (!(r.p < alpha)) return `no significant difference between ${labels.a} and ${labels.b} (${formatP(r.p)})`;
  const bWins = (labels.higherIsBetter ?? true) ? r.meanB > r.meanA : r.meanB < r.meanA;
  const [winner, winMean, loseMean] = bWins ? [labels.b, r.meanB, r.meanA] : [labels.a, r.meanA, r.meanB];
  const word = labels.comparative ?? 'faster';
  if (loseMean === 0) return `${winner} is ${word} (${formatP(r.p)})`;
  const pct = (100 * Math.abs(winMean - loseMean)) / Math.abs(loseMean);
  return `${winner} is ${word} by ${pct.toFixed(1)}% (${formatP(r.p)})`;
}
