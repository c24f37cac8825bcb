/**
 * Expectations of the tempered softmax Jacobian J_tau(s) = (diag(y) − y yᵀ) / tau,
 * y = softmax(s / tau), under the Gumbel perturbation s = logits + G (PAPER.md claims C1, C4):
 * - conditional on the sample, E[J_tau | argmax = x], which GR-MCK averages and whose
 *   tau → 0 limit is ZGR's Jacobian (C1);
 * - unconditional, E[J_tau], the mean Jacobian of ST-GS (C4: biased for tau > 0).
 * For C = 2 both are one-dimensional integrals (quadrature, error far below the checked effects);
 * for any C, Monte Carlo with the project's Random and a standard error per entry.
 */
import { conditionalGumbel } from '../estimators/gr-mck';
import { softmax } from '../math/softmax';
import type { Random } from '../random';

export type Matrix = number[][];

/** J_tau(s) = (diag(y) − y yᵀ) / tau with y = softmax(s / tau). */
export function temperedJacobian(s: readonly number[], tau: number): Matrix {
  const y = softmax(s, tau);
  return y.map((yi, i) => y.map((yj, j) => ((i === j ? yi : 0) - yi * yj) / tau));
}

/** ZGR's Jacobian, the claimed limit (C1): (diag(p) − p pᵀ + (e_x − p)(e_x − p)ᵀ) / 2. */
export function zgrJacobian(p: readonly number[], x: number): Matrix {
  const d = p.map((pj, j) => (j === x ? 1 : 0) - pj); // e_x − p
  return p.map((pi, i) => p.map((pj, j) => ((i === j ? pi : 0) - pi * pj + d[i] * d[j]) / 2));
}

/** The softmax Jacobian J(p) = diag(p) − p pᵀ (ST's, and the exact Jacobian of E[e_x] = p). */
export function softmaxJacobian(p: readonly number[]): Matrix {
  return p.map((pi, i) => p.map((pj, j) => (i === j ? pi : 0) - pi * pj));
}

export interface MonteCarloMatrix {
  mean: Matrix;
  /** standard error of each entry of the mean */
  se: Matrix;
  samples: number;
}

function monteCarloMatrix(C: number, samples: number, draw: () => Matrix): MonteCarloMatrix {
  if (!Number.isInteger(samples) || samples < 2)
    throw new Error(`Monte Carlo: samples must be an integer ≥ 2, got ${samples}`);
  const sum = Array.from({ length: C }, () => new Array<number>(C).fill(0));
  const sumSq = Array.from({ length: C }, () => new Array<number>(C).fill(0));
  for (let n = 0; n < samples; n++) {
    const J = draw();
    for (let i = 0; i < C; i++)
      for (let j = 0; j < C; j++) {
        sum[i][j] += J[i][j];
        sumSq[i][j] += J[i][j] * J[i][j];
      }
  }
  const mean = sum.map((row) => row.map((s) => s / samples));
  const se = sumSq.map((row, i) =>
    row.map((sq, j) => Math.sqrt(Math.max(0, sq / samples - mean[i][j] ** 2) / (samples - 1))),
  );
  return { mean, se, samples };
}

/** E[J_tau(logits + G) | argmax = x] by Monte Carlo over the conditional Gumbel draw of GR. */
export function conditionalJacobianMC(
  logits: readonly number[],
  x: number,
  tau: number,
  samples: number,
  rng: Random,
): MonteCarloMatrix {
  const C = logits.length;
  return monteCarloMatrix(C, samples, () =>
    temperedJacobian(conditionalGumbel(logits, x, Array.from(rng.exponential(C))), tau),
  );
}

/** E[J_tau(logits + G)] (unconditional: the mean Jacobian of ST-GS) by Monte Carlo. */
export function expectedJacobianMC(
  logits: readonly number[],
  tau: number,
  samples: number,
  rng: Random,
): MonteCarloMatrix {
  const C = logits.length;
  return monteCarloMatrix(C, samples, () => {
    const g = rng.gumbel(C);
    return temperedJacobian(
      logits.map((l, j) => l + g[j]),
      tau,
    );
  });
}

/** The logistic density σ'(t) = σ(t)(1 − σ(t)), computed without overflow. */
function logisticDensity(t: number): number {
  const e = Math.exp(-Math.abs(t));
  return e / ((1 + e) * (1 + e));
}

/** Composite Simpson rule of h on [a, b] with n (even) intervals. */
function simpson(h: (u: number) => number, a: number, b: number, n: number): number {
  const step = (b - a) / n;
  let s = h(a) + h(b);
  for (let k = 1; k < n; k++) s += (k % 2 === 1 ? 4 : 2) * h(a + k * step);
  return (s * step) / 3;
}

/**
 * For C = 2, the scalar κ(τ) with E[J_tau · 1{event}] = κ [[1, −1], [−1, 1]]: with
 * D = s_1 − s_0 ~ Logistic(μ = logits_1 − logits_0) and u = D / τ,
 *     κ = ∫ σ'(u) σ'(τ u − μ) du   over u > 0 (event argmax = 1), u < 0 (argmax = 0) or all u.
 */
function binaryJacobianIntegral(logits: readonly number[], tau: number, range: 'x=0' | 'x=1' | 'all'): number {
  const mu = logits[1] - logits[0];
  const h = (u: number) => logisticDensity(u) * logisticDensity(tau * u - mu);
  const U = 60; // σ'(u) < 1e-26 beyond
  const n = 24000;
  if (range === 'x=1') return simpson(h, 0, U, n);
  if (range === 'x=0') return simpson(h, -U, 0, n);
  return simpson(h, -U, 0, n) + simpson(h, 0, U, n);
}

const binaryMatrix = (k: number): Matrix => [
  [k, -k],
  [-k, k],
];

/** E[J_tau | argmax = x] for C = 2 by quadrature. */
export function conditionalJacobianBinary(logits: readonly number[], x: number, tau: number): Matrix {
  if (logits.length !== 2) throw new Error(`conditionalJacobianBinary: needs C = 2 logits, got ${logits.length}`);
  const px = softmax(logits)[x];
  return binaryMatrix(binaryJacobianIntegral(logits, tau, x === 1 ? 'x=1' : 'x=0') / px);
}

/** E[J_tau(logits + G)] for C = 2 by quadrature. */
export function expectedJacobianBinary(logits: readonly number[], tau: number): Matrix {
  if (logits.length !== 2) throw new Error(`expectedJacobianBinary: needs C = 2 logits, got ${logits.length}`);
  return binaryMatrix(binaryJacobianIntegral(logits, tau, 'all'));
}

/** max_ij |A_ij − B_ij| */
export function maxAbsDifference(A: Matrix, B: Matrix): number {
  return Math.max(...A.flatMap((row, i) => row.map((a, j) => Math.abs(a - B[i][j]))));
}
