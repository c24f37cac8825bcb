/**
 * C3, quadratic unbiasedness (PAPER.md): for any quadratic polynomial in the concatenated one-hot
 * vectors of independent categorical variables, E[ZGR] = ∇L exactly; ST and DARN are biased there,
 * with equal and opposite biases; for a cubic ZGR is biased. Exact, in rational arithmetic.
 */
import type { Fraction } from 'mathjs';
import { darnGradientOf } from '../estimators/darn';
import { stGradientOf } from '../estimators/st';
import { zgrGradientOf } from '../estimators/zgr';
import { rational, type Field } from '../exact/field';
import { estimatorMean, exactGradient, perVariable, type Problem } from '../exact/moments';
import { polynomialLoss, type Monomial, type PolynomialLoss } from '../exact/polynomial';
import type { Random } from '../random';

/** Probabilities n_j / Σ n with random integers n_j ∈ [1, maxWeight]: rational (in `rational`) and > 0. */
export function randomProbabilities<T>(F: Field<T>, rng: Random, C: number, maxWeight = 9): T[] {
  const n = Array.from({ length: C }, () => rng.integer(1, maxWeight));
  const total = n.reduce((a, b) => a + b, 0);
  return n.map((nj) => F.div(F.fromNumber(nj), F.fromNumber(total)));
}

/** Random rational probabilities (see randomProbabilities). */
export const randomRationalProbabilities = (rng: Random, C: number, maxWeight = 9): Fraction[] =>
  randomProbabilities(rational, rng, C, maxWeight);

/** A random coefficient k / d with k ∈ [−9, 9], d ∈ [1, 6] (exact in `rational`). */
function randomCoefficient<T>(F: Field<T>, rng: Random): T {
  return F.div(F.fromNumber(rng.integer(-9, 9)), F.fromNumber(rng.integer(1, 6)));
}

/**
 * A random polynomial problem over variables with Cs categories, in a field: every monomial of
 * the given degree and below, over all of z (cross terms between and within variables), random
 * coefficients k/d, random probabilities n_j/Σn. The same seed gives the same problem in every
 * field (float64 values are the rationals rounded).
 */
export function randomPolynomialProblem<T>(F: Field<T>, rng: Random, Cs: readonly number[], degree: 1 | 2 | 3): Problem<T> & { loss: PolynomialLoss<T> } {
  const n = Cs.reduce((a, b) => a + b, 0);
  const terms: Monomial<T>[] = [{ coef: randomCoefficient(F, rng), vars: [] }];
  const add = (vars: number[]) => terms.push({ coef: randomCoefficient(F, rng), vars });
  for (let k = 0; k < n; k++) {
    add([k]);
    for (let l = k; l < n && degree >= 2; l++) {
      add([k, l]);
      for (let m = l; m < n && degree >= 3; m++) add([k, l, m]);
    }
  }
  return { F, p: Cs.map((C) => randomProbabilities(F, rng, C)), loss: polynomialLoss(F, n, terms) };
}

/** A random rational polynomial problem (see randomPolynomialProblem). */
export const randomRationalProblem = (rng: Random, Cs: readonly number[], degree: 1 | 2 | 3) =>
  randomPolynomialProblem(rational, rng, Cs, degree);

export interface C3Result<T> {
  objective: T;
  gradient: T[][];
  mean: { st: T[][]; darn: T[][]; zgr: T[][] };
  bias: { st: T[][]; darn: T[][]; zgr: T[][] };
}

/** Exact gradient and exact means and biases of ST, DARN and ZGR on a problem. */
export function c3Moments<T>(problem: Problem<T>): C3Result<T> {
  const { F, p } = problem;
  const { objective, gradient } = exactGradient(problem);
  const mean = {
    st: estimatorMean(problem, perVariable((i, _x, v) => stGradientOf(F, p[i], v))),
    darn: estimatorMean(problem, perVariable((i, x, v) => darnGradientOf(F, p[i], x, v))),
    zgr: estimatorMean(problem, perVariable((i, x, v) => zgrGradientOf(F, p[i], x, v))),
  };
  const minus = (a: T[][]) => a.map((ai, i) => ai.map((aij, j) => F.sub(aij, gradient[i][j])));
  return { objective, gradient, mean, bias: { st: minus(mean.st), darn: minus(mean.darn), zgr: minus(mean.zgr) } };
}

/** True when every entry is exactly zero. */
export function isZero<T>(F: Field<T>, a: readonly (readonly T[])[]): boolean {
  return a.every((ai) => ai.every((aij) => F.equals(aij, F.zero)));
}
