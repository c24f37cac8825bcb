/**
 * C3, quadratic unbiasedness (PAPER.md): for any quadratic polynomial in the concatenated one-hot
 * vectors of independent categorical variables, E[ZGR] = ∇L exactly; ST and DARN are biased there,
 * with equal and opposite biases; for a cubic ZGR is biased. Exact, in rational arithmetic.
 * c3Moments measures one problem (random ones: exact/toy-problems.ts); c3Verdict judges many
 * against C3_THRESHOLDS.
 */
import { darnGradientOf } from '../estimators/darn';
import { stGradientOf } from '../estimators/st';
import { zgrGradientOf } from '../estimators/zgr';
import { estimatorMean, exactGradient, perVariable, type Problem } from '../exact/moments';
import type { Field } from '../math/field';
import { atLeast, atMost, claimReport, type ClaimReport } from './report';

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
    st: estimatorMean(
      problem,
      perVariable((i, _x, v) => stGradientOf(F, p[i], v)),
    ),
    darn: estimatorMean(
      problem,
      perVariable((i, x, v) => darnGradientOf(F, p[i], x, v)),
    ),
    zgr: estimatorMean(
      problem,
      perVariable((i, x, v) => zgrGradientOf(F, p[i], x, v)),
    ),
  };
  const minus = (a: T[][]) => a.map((ai, i) => ai.map((aij, j) => F.sub(aij, gradient[i][j])));
  return { objective, gradient, mean, bias: { st: minus(mean.st), darn: minus(mean.darn), zgr: minus(mean.zgr) } };
}

/** True when every entry is exactly zero. */
export function isZero<T>(F: Field<T>, a: readonly (readonly T[])[]): boolean {
  return a.every((ai) => ai.every((aij) => F.equals(aij, F.zero)));
}

/** The rules of C3, for notebook 02 and test/claims/c3-quadratic-unbiasedness.test.ts alike. */
export const C3_THRESHOLDS = {
  /** random quadratics on which E[ZGR] ≠ ∇L, exactly */
  maxZgrBiasedQuadratics: 0,
  /** random quadratics on which bias(ST) + bias(DARN) ≠ 0, exactly */
  maxUnopposedQuadratics: 0,
  /**
   * ST is biased on at least this fraction of them (not all: a random quadratic can be degenerate, its
   * cross terms cancelling)
   */
  minStBiasedFraction: 0.95,
  /** ZGR is biased on at least this fraction of random cubics (all monomials of degree ≤ 3: not multilinear) */
  minZgrBiasedCubicFraction: 0.9,
} as const;

/**
 * The C3 verdict on the c3Moments of random quadratics and of random cubics (the cubics show that the
 * check can fail).
 */
export function c3Verdict<T>(
  F: Field<T>,
  results: { quadratics: readonly C3Result<T>[]; cubics: readonly C3Result<T>[] },
): ClaimReport<typeof C3_THRESHOLDS> {
  const { quadratics, cubics } = results;
  const t = C3_THRESHOLDS;
  const count = (rs: readonly C3Result<T>[], test: (r: C3Result<T>) => boolean) => rs.filter(test).length;
  const opposite = (r: C3Result<T>) =>
    isZero(
      F,
      r.bias.st.map((row, i) => row.map((b, j) => F.add(b, r.bias.darn[i][j]))),
    );
  const n = quadratics.length;
  return claimReport(
    'C3',
    'E[ZGR] = ∇L exactly for quadratics of one-hot variables; ST and ' +
      'DARN biased there, equally and oppositely; ZGR biased for cubics',
    t,
    [
      atMost(
        'zgrBiasedQuadratics',
        `quadratics (of ${n}) with E[ZGR] ≠ ∇L`,
        count(quadratics, (r) => !isZero(F, r.bias.zgr)),
        t.maxZgrBiasedQuadratics,
      ),
      atMost(
        'unopposedQuadratics',
        `quadratics (of ${n}) with bias(ST) + bias(DARN) ≠ 0`,
        count(quadratics, (r) => !opposite(r)),
        t.maxUnopposedQuadratics,
      ),
      atLeast(
        'stBiasedFraction',
        `fraction of the quadratics on which ST is biased`,
        count(quadratics, (r) => !isZero(F, r.bias.st)) / n,
        t.minStBiasedFraction,
      ),
      atLeast(
        'zgrBiasedCubicFraction',
        `fraction of ${cubics.length} cubics on which ZGR is biased`,
        count(cubics, (r) => !isZero(F, r.bias.zgr)) / cubics.length,
        t.minZgrBiasedCubicFraction,
      ),
    ],
  );
}
