import { test } from 'node:test';
import assert from 'node:assert/strict';
import { regularizedIncompleteBeta, studentTCdf, studentTQuantile, summarize, verdict, welchTTest } from '../../shared/stats.js';

const close = (actual: number, expected: number, tol: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: got ${actual}, expected ${expected} ± ${tol}`);

// Student (1908), "The probable error of a mean", Biometrika 6(1):1-25: Cushny & Peebles' extra hours of
// sleep under two drugs, shipped with R as `sleep`. R's `t.test(extra ~ group, data = sleep)` prints
// "Welch Two Sample t-test ... t = -1.8608, df = 17.776, p-value = 0.07939, 95 percent confidence
// interval: -3.3654832 0.2054832"; with var.equal = TRUE it prints "t = -1.8608, df = 18, p-value = 0.07919".
const SLEEP_DRUG_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
const SLEEP_DRUG_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];

test('t quantiles match the printed tables / R qt() (two-sided 95% critical values)', () => {
  const reference: [number, number][] = [[1, 12.7062047], [2, 4.3026527], [4, 2.7764451], [9, 2.2621572], [30, 2.0422725]];
  for (const [df, q] of reference) close(studentTQuantile(0.975, df), q, 1e-6, `qt(0.975, ${df})`);
  close(studentTQuantile(0.025, 4), -2.7764451, 1e-6, 'qt(0.025, 4) is the mirror image');
  close(studentTQuantile(0.5, 7), 0, 0, 'median');
  close(studentTQuantile(0.9995, 1), 636.6192, 1e-3, 'far tail, df=1');
});

test('t CDF matches closed forms for df=1 (Cauchy) and df=2, and is the inverse of the quantile', () => {
  for (const t of [-30, -2.5, -0.3, 0, 0.7, 4, 100]) {
    close(studentTCdf(t, 1), 0.5 + Math.atan(t) / Math.PI, 1e-12, `Cauchy cdf(${t})`);
    close(studentTCdf(t, 2), 0.5 + t / (2 * Math.sqrt(2 + t * t)), 1e-12, `df=2 cdf(${t})`);
  }
  for (const df of [1.5, 3, 17.776, 250]) {
    for (const p of [0.01, 0.3, 0.9, 0.999]) close(studentTCdf(studentTQuantile(p, df), df), p, 1e-10, `cdf(q(${p}, ${df}))`);
  }
  close(2 * (1 - studentTCdf(1.8608, 18)), 0.07919, 5e-5, "R's pooled sleep p (df=18)");
});

test('regularized incomplete beta matches its closed forms', () => {
  for (const x of [0, 0.05, 0.3, 0.5, 0.77, 1]) {
    close(regularizedIncompleteBeta(x, 1, 1), x, 1e-13, `I_${x}(1,1)`);
    close(regularizedIncompleteBeta(x, 3.5, 1), x ** 3.5, 1e-13, `I_${x}(3.5,1)`);
    close(regularizedIncompleteBeta(x, 1, 2.5), 1 - (1 - x) ** 2.5, 1e-13, `I_${x}(1,2.5)`);
  }
  close(regularizedIncompleteBeta(0.5, 40, 40), 0.5, 1e-12, 'symmetric I_0.5(a,a)');
  assert.throws(() => regularizedIncompleteBeta(1.2, 1, 1), { code: 'INVALID_ARGUMENT' });
});

test("Welch's t-test reproduces R's sleep-data example (t, df, p and the 95% CI of the difference)", () => {
  const r = welchTTest(SLEEP_DRUG_1, SLEEP_DRUG_2);
  close(r.t, 1.8608, 5e-5, 't (sign: positive because B is larger; R prints A-B)');
  close(r.df, 17.776, 5e-4, 'df');
  close(r.p, 0.07939, 5e-6, 'p');
  close(r.meanA, 0.75, 1e-12, 'mean A');
  close(r.meanB, 2.33, 1e-12, 'mean B');
  close(r.meanDiff, 1.58, 1e-12, 'meanDiff');
  close(r.relDiff!, 1.58 / 0.75, 1e-12, 'relDiff');
  const half = studentTQuantile(0.975, r.df) * (r.meanDiff / r.t);
  close(-r.meanDiff - half, -3.3654832, 1e-6, 'CI low');
  close(-r.meanDiff + half, 0.2054832, 1e-6, 'CI high');
});

test('Welch edge cases: constant samples, too few values, non-numbers', () => {
  assert.deepEqual(welchTTest([5, 5, 5], [5, 5]), { t: 0, df: 3, p: 1, meanA: 5, meanB: 5, meanDiff: 0, relDiff: 0 });
  const apart = welchTTest([5, 5], [6, 6]);
  assert.equal(apart.t, Infinity);
  assert.equal(apart.p, 0);
  assert.equal(welchTTest([0, 0], [1, 2]).relDiff, null);
  assert.throws(() => welchTTest([1], [1, 2]), { code: 'INVALID_ARGUMENT', message: /sample A.*at least 2/ });
  assert.throws(() => welchTTest([1, 2], [1, NaN]), { code: 'INVALID_ARGUMENT', message: /value #2 is NaN/ });
});

test('summarize: sleep drug 1 against R (mean, median, sd, t.test CI)', () => {
  const s = summarize(SLEEP_DRUG_1);
  assert.equal(s.n, 10);
  close(s.mean, 0.75, 1e-12, 'mean');
  close(s.median, 0.35, 1e-12, 'median');
  close(s.stdev!, 1.78901, 1e-5, 'sd');
  close(s.ci95![0], -0.5297804, 1e-6, 'CI low');
  close(s.ci95![1], 2.0297804, 1e-6, 'CI high');
  close(s.cv!, 1.78901 / 0.75, 1e-4, 'cv');
  assert.equal(s.noisy, true);
});

test('summarize: steady runs are not noisy, n=1 has no spread, bad input is rejected', () => {
  const steady = summarize([100, 101, 99, 100, 100.5]);
  assert.ok(steady.cv! < 0.05);
  assert.equal(steady.noisy, false);
  assert.equal(summarize([110, 110, 110]).cv, 0);
  assert.deepEqual(summarize([42]), { n: 1, mean: 42, median: 42, stdev: null, ci95: null, cv: null, noisy: false });
  assert.equal(summarize([0, 0]).cv, null);
  assert.equal(summarize([-1, 1]).noisy, true);
  assert.throws(() => summarize([]), { code: 'INVALID_ARGUMENT' });
  assert.throws(() => summarize([1, Infinity]), { code: 'INVALID_ARGUMENT' });
});

test('verdict: plain sentences for "no difference", "B faster", "A faster" and latency', () => {
  assert.equal(verdict(SLEEP_DRUG_1, SLEEP_DRUG_2, 0.05, { a: 'drug 1', b: 'drug 2' }), 'no significant difference between drug 1 and drug 2 (p=0.079)');
  assert.equal(verdict(SLEEP_DRUG_1, SLEEP_DRUG_2, 0.1, { a: 'drug 1', b: 'drug 2', comparative: 'better' }), 'drug 2 is better by 210.7% (p=0.079)');
  const scsi = [70.1, 71.5, 69.8, 72.0, 71.1];
  const virtio = [109.2, 110.4, 111.0, 110.1, 109.8];
  assert.equal(verdict(scsi, virtio), 'B is faster by 55.3% (p<0.001)');
  assert.equal(verdict(virtio, scsi, 0.05, { a: 'virtio', b: 'lsi-scsi' }), 'virtio is faster by 55.3% (p<0.001)');
  assert.equal(verdict([2.0, 2.2, 2.1], [1.0, 1.1, 1.05], 0.05, { a: 'A', b: 'B', higherIsBetter: false }), 'B is faster by 50.0% (p<0.001)');
  assert.equal(verdict([1], [1, 2]), 'cannot compare A (1 run) with B (2 runs): need at least 2 runs each');
});
