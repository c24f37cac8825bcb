/**
 * Sample statistics, one copy for the whole project: mean and sample standard deviation, normal
 * and Student t quantiles (stdlib's, accurate to double precision), and Welch's difference of two
 * means — what the confidence intervals of C7's quality metrics (lib/exact/quality.ts) and of the
 * training verdicts and figures (lib/checks/c7-training.ts, lib/plots/) are built from.
 */
import stdNormalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';

/** The arithmetic mean of xs. */
export const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** The sample standard deviation of xs (n − 1 in the denominator; 0 for fewer than two values). */
export const sampleSd = (xs: readonly number[]): number =>
  xs.length < 2 ? 0 : Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1));

/** Quantile of the standard normal (stdlib's, accurate to double precision). */
export function normalQuantile(q: number): number {
  if (!(q > 0 && q < 1)) throw new Error(`normalQuantile: q must be in (0, 1), got ${q}`);
  return stdNormalQuantile(q, 0, 1);
}

/** Quantile of Student's t with ν degrees of freedom (stdlib's, exact also for the few seeds of a training run). */
export function studentQuantile(q: number, nu: number): number {
  if (!(q > 0 && q < 1)) throw new Error(`studentQuantile: q must be in (0, 1), got ${q}`);
  if (!(nu >= 1)) throw new Error(`studentQuantile: degrees of freedom must be ≥ 1, got ${nu}`);
  return tQuantile(q, nu);
}

/** A sample summarised: its mean, sample standard deviation and size. */
export interface SampleSummary {
  mean: number;
  sd: number;
  n: number;
}

/**
 * Welch: a − b with its standard error and degrees of freedom (Welch–Satterthwaite),
 *     se² = s_a²/n_a + s_b²/n_b,   df = se⁴ / ((s_a²/n_a)²/(n_a − 1) + (s_b²/n_b)²/(n_b − 1))
 */
export function welch(a: SampleSummary, b: SampleSummary): { d: number; se: number; df: number } {
  const va = (a.sd * a.sd) / a.n;
  const vb = (b.sd * b.sd) / b.n;
  const se = Math.sqrt(va + vb);
  const df =
    se === 0 ? Infinity : (va + vb) ** 2 / ((va * va) / Math.max(1, a.n - 1) + (vb * vb) / Math.max(1, b.n - 1));
  return { d: a.mean - b.mean, se, df };
}
