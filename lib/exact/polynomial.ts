/**
 * Polynomial losses of the concatenated one-hot vector z (PAPER.md claims C3, C4): a sum of
 * monomials coef · Π_m z[vars_m], with value and gradient in any field. Quadratics with cross
 * terms (C3), linear functions (C4) and the cubic counterexample are all of this form.
 */
import type { Field } from '../math/field';

/** A differentiable loss of z = the concatenated one-hot vectors, in a field. */
export interface Loss<T> {
  value(z: readonly T[]): T;
  gradient(z: readonly T[]): T[];
}

export interface Monomial<T> {
  coef: T;
  /** indices into z, with repetition for powers; [] is the constant term */
  vars: number[];
}

/** A polynomial loss, which keeps its monomials (e.g. to build the same loss on tensors). */
export interface PolynomialLoss<T> extends Loss<T> {
  n: number;
  terms: readonly Monomial<T>[];
}

/** The loss Σ_t coef_t Π_m z[vars_t,m] of z ∈ T^n. */
export function polynomialLoss<T>(F: Field<T>, n: number, terms: readonly Monomial<T>[]): PolynomialLoss<T> {
  for (const t of terms) {
    for (const k of t.vars) {
      if (!Number.isInteger(k) || k < 0 || k >= n)
        throw new Error(`polynomialLoss: variable index must be in [0, ${n - 1}], got ${k}`);
    }
  }
  const product = (z: readonly T[], vars: readonly number[], skip: number) =>
    vars.reduce((acc, k, m) => (m === skip ? acc : F.mul(acc, z[k])), F.one);
  return {
    n,
    terms,
    value: (z) => terms.reduce((s, t) => F.add(s, F.mul(t.coef, product(z, t.vars, -1))), F.zero),
    gradient: (z) => {
      const g = new Array<T>(n).fill(F.zero);
      // ∂/∂z_k Π_m z[v_m] = Σ_{m: v_m = k} Π_{m' ≠ m} z[v_m']
      for (const t of terms) t.vars.forEach((k, m) => (g[k] = F.add(g[k], F.mul(t.coef, product(z, t.vars, m)))));
      return g;
    },
  };
}

/** f(z) = zᵀ A z + bᵀ z (+ c): a quadratic with cross terms. */
export function quadraticLoss<T>(
  F: Field<T>,
  A: readonly (readonly T[])[],
  b: readonly T[],
  c: T = F.zero,
): PolynomialLoss<T> {
  const n = b.length;
  if (A.length !== n || A.some((row) => row.length !== n)) {
    throw new Error(`quadraticLoss: A must be ${n}×${n} (as b has length ${n}), got ${A.length}×${A[0]?.length}`);
  }
  const terms: Monomial<T>[] = [{ coef: c, vars: [] }];
  b.forEach((bk, k) => terms.push({ coef: bk, vars: [k] }));
  A.forEach((row, k) => row.forEach((akl, l) => terms.push({ coef: akl, vars: [k, l] })));
  return polynomialLoss(F, n, terms);
}

/** Coefficients (c, b, A) of a polynomial of degree ≤ 2: f(z) = c + bᵀz + zᵀAz. */
export function quadraticCoefficients(loss: PolynomialLoss<number>): { c: number; b: number[]; A: number[][] } {
  const { n } = loss;
  const b = new Array<number>(n).fill(0);
  const A = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  let c = 0;
  for (const { coef, vars } of loss.terms) {
    if (vars.length === 0) c += coef;
    else if (vars.length === 1) b[vars[0]] += coef;
    else if (vars.length === 2) A[vars[0]][vars[1]] += coef;
    else throw new Error(`quadraticCoefficients: the loss has a monomial of degree ${vars.length} > 2`);
  }
  return { c, b, A };
}
