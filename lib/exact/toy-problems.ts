/**
 * Random toy problems of exact analysis (PAPER.md E1): rational probabilities, random polynomial
 * losses of the concatenated one-hot vector z, and single-variable cases (p, x, v). Every value is
 * built from small integers, so it is exact in `rational`; the same seed gives the same problem in
 * every field (float64 values are the rationals rounded). Used by the claims C2–C4, E2 and cold GR.
 */
import type { Fraction } from 'mathjs';
import { rational, type Field } from '../math/field';
import type { Random } from '../random';
import type { Problem } from './moments';
import { polynomialLoss, type Monomial, type PolynomialLoss } from './polynomial';

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

/** One variable with C categories as a single-sample estimator sees it: p, a sample x and an upstream gradient v. */
export interface SampleCase<T> {
  p: T[];
  x: number;
  v: T[];
}

/**
 * A random SampleCase: p as in randomProbabilities, v_j = k/d as the coefficients above, x uniform
 * (not drawn from p).
 */
export function randomSampleCase<T>(F: Field<T>, rng: Random, C: number): SampleCase<T> {
  const p = randomProbabilities(F, rng, C);
  const v = Array.from({ length: C }, () => randomCoefficient(F, rng));
  return { p, x: rng.integer(0, C - 1), v };
}

/**
 * A random polynomial problem over variables with Cs categories, in a field: every monomial of
 * the given degree and below, over all of z (cross terms between and within variables), random
 * coefficients k/d, random probabilities n_j/Σn.
 */
export function randomPolynomialProblem<T>(
  F: Field<T>,
  rng: Random,
  Cs: readonly number[],
  degree: 1 | 2 | 3,
): Problem<T> & { loss: PolynomialLoss<T> } {
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
