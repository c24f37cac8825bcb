/**
 * Polynomial losses of the concatenated one-hot vector z (PAPER.md claims C3, C4): a sum of
 * monomials coef · Π_m z[vars_m], with value and gradient in any field. Quadratics with cross
 * terms (C3), linear functions (C4) and the cubic counterexample are all of this form.
 */
import type { Field } from './field';

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

/** The loss Σ_t coef_t Π_m z[vars_t,m] of z ∈ T^n. */
export function polynomialLoss<T>(F: Field<T>, n: number, terms: readonly Monomial<T>[]): Loss<T> {
  for (const t of terms) {
    for (const k of t.vars) {
      if (!Number.isInteger(k) || k < 0 || k >= n) throw new Error(`polynomialLoss: variable index must be in [0, ${n - 1}], got ${k}`);
    }
  }
  const product = (z: readonly T[], vars: readonly number[], skip: number) =>
    vars.reduce((acc, k, m) => (m === skip ? acc : F.mul(acc, z[k])), F.one);
  return {
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
export function quadraticLoss<T>(F: Field<T>, A: readonly (readonly T[])[], b: readonly T[], c: T = F.zero): Loss<T> {
  const n = b.length;
  if (A.length !== n || A.some((row) => row.length !== n)) {
    throw new Error(`quadraticLoss: A must be ${n}×${n} (as b has length ${n}), got ${A.length}×${A[0]?.length}`);
  }
  const terms: Monomial<T>[] = [{ coef: c, vars: [] }];
  b.forEach((bk, k) => terms.push({ coef: bk, vars: [k] }));
  A.forEach((row, k) => row.forEach((akl, l) => terms.push({ coef: akl, vars: [k, l] })));
  return polynomialLoss(F, n, terms);
}
