/**
 * The ST-ZGR family as the continuous curve it is (PAPER.md C7): g(a) = (1 − a) ST + a ZGR, so
 *     E g(a)    = (1 − a) E ST + a E ZGR                                       linear in a
 *     E‖g(a)‖²  = (1 − a)² E‖ST‖² + 2a(1 − a) E⟨ST, ZGR⟩ + a² E‖ZGR‖²            quadratic in a
 * and, relative to ∇ (quality.ts), with P(a) = E g(a)·∇̂ / ‖∇‖ linear,
 *     ‖q(a)‖² = ‖E g(a)‖²/‖∇‖² − P(a)²         (q: the mean's part orthogonal to ∇)    quadratic
 *     V(a)    = tr Cov g(a) / ‖∇‖²                                                      quadratic
 *     β(a) = ‖q(a)‖ / P(a),   σ(a) = √V(a) / P(a),
 *     rescaled MSE of the mean of M samples = 1 − P(a)² / (‖E g(a)‖²/‖∇‖² + V(a)/M).
 * A quadratic is fixed by its values at three points: the curve is built from the exact members
 * a = 0, ½, 1 (the cross term E⟨ST, ZGR⟩ is the one unknown, and a = ½ gives it by polarisation
 * from the same exact sums). Every ST-ZGR member is a function of the sample, so its moments are
 * exact wherever C7 is measured; a Monte Carlo member is refused rather than mixed in.
 *
 * On this closed form the questions of C7 are answered exactly: "is there an a ∈ [0, 1] with
 * β(a) ≤ B and σ(a) ≤ S" is the intersection of the sets where two quadratics are ≤ 0 (their roots
 * are the only places the answer can change), and min over a of any of the ratios above is at an
 * end of [0, 1] or at the one stationary point of quadratic / linear² (a linear equation).
 */
import { CURVE_MEMBERS, type EstimatorPoint } from './family-quality';
import type { Quality } from './quality';

/** c0 + c1 a + c2 a² */
export type Quadratic = readonly [number, number, number];

export interface StZgrCurve {
  /** P(a) = projection[0] + projection[1] a */
  projection: readonly [number, number];
  /** ‖q(a)‖², the squared orthogonal part of the mean, relative to ‖∇‖² */
  perpendicular: Quadratic;
  /** V(a) = tr Cov g(a) / ‖∇‖² */
  variance: Quadratic;
  /** ‖E g(a)‖² / ‖∇‖² */
  meanSquared: Quadratic;
}

export const evaluate = (q: Quadratic, a: number): number => q[0] + a * (q[1] + a * q[2]);
const projectionAt = (c: StZgrCurve, a: number): number => c.projection[0] + a * c.projection[1];

/** The quadratic through (0, f0), (½, fh), (1, f1) (Lagrange). */
function throughThree(f0: number, fh: number, f1: number): Quadratic {
  return [f0, -3 * f0 + 4 * fh - f1, 2 * f0 - 4 * fh + 2 * f1];
}

/** The closed form from the measured ST-ZGR members at a = 0, ½ and 1 (exact moments). */
export function stZgrCurve(points: readonly EstimatorPoint[]): StZgrCurve {
  const member = (a: number): Quality => {
    const p = points.find((q) => q.family === 'ST-ZGR(a)' && q.param === a);
    if (p == null) {
      const needed = CURVE_MEMBERS.join(', ');
      throw new Error(`stZgrCurve: the ST-ZGR member a = ${a} was not measured (the closed form needs a = ${needed})`);
    }
    if (p.quality.method !== 'exact')
      throw new Error(
        `stZgrCurve: ST-ZGR(a = ${a}) has ${p.quality.method} moments; a function of the sample is measured exactly`,
      );
    return p.quality;
  };
  const qs = CURVE_MEMBERS.map(member);
  const P = qs.map((q) => q.projection.estimate);
  // P is linear: its value at ½ checks that the three points are one family (to 1e-6: weight-space
  // means pass through a float32 vector–Jacobian product)
  if (Math.abs(P[1] - (P[0] + P[2]) / 2) > 1e-6 * (Math.abs(P[0]) + Math.abs(P[2])))
    throw new Error(`stZgrCurve: projections ${P} at a = 0, ½, 1 are not linear in a`);
  // where β and σ are defined they give ‖q‖² and V without cancellation (ZGR's β = 0 on a quadratic stays 0)
  const perp = qs.map((q, k) => (q.scaleFreeBias ? (q.scaleFreeBias.estimate * P[k]) ** 2 : q.meanSquared - P[k] ** 2));
  const variance = qs.map((q, k) =>
    q.scaleFreeStd ? (q.scaleFreeStd.estimate * P[k]) ** 2 : q.secondMoment - q.meanSquared,
  );
  return {
    projection: [P[0], P[2] - P[0]],
    perpendicular: throughThree(perp[0], perp[1], perp[2]),
    variance: throughThree(variance[0], variance[1], variance[2]),
    meanSquared: throughThree(qs[0].meanSquared, qs[1].meanSquared, qs[2].meanSquared),
  };
}

/** β(a) and σ(a), null where the mean does not point along ∇ (P(a) ≤ 0). */
export function curveAt(
  c: StZgrCurve,
  a: number,
): { a: number; projection: number; beta: number | null; sigma: number | null } {
  const P = projectionAt(c, a);
  if (!(P > 0)) return { a, projection: P, beta: null, sigma: null };
  return {
    a,
    projection: P,
    beta: Math.sqrt(Math.max(0, evaluate(c.perpendicular, a))) / P,
    sigma: Math.sqrt(Math.max(0, evaluate(c.variance, a))) / P,
  };
}

/** Real roots of c0 + c1 a + c2 a² (numerically stable form), any order. */
function roots(q: Quadratic): number[] {
  const [c0, c1, c2] = q;
  const scale = Math.abs(c0) + Math.abs(c1) + Math.abs(c2);
  if (scale === 0) return [];
  if (Math.abs(c2) <= 1e-14 * scale) return Math.abs(c1) <= 1e-14 * scale ? [] : [-c0 / c1];
  const disc = c1 * c1 - 4 * c2 * c0;
  if (disc < 0) return [];
  const s = -(c1 + Math.sign(c1 || 1) * Math.sqrt(disc)) / 2;
  return s === 0 ? [0] : [s / c2, c0 / s];
}

/**
 * Some a ∈ [0, 1] with P(a) > 0, β(a) ≤ maxBeta and σ(a) ≤ maxSigma — the one nearest the middle
 * of the first piece of the set where they hold — or null when there is none. Exact up to
 * rounding: the set is a union of intervals whose ends are roots of P, ‖q‖² − B² P² or
 * V − S² P², so testing every root and every midpoint between consecutive ones decides it.
 */
export function feasibleA(c: StZgrCurve, maxBeta: number, maxSigma: number): number | null {
  if (!(maxBeta >= 0) || !(maxSigma >= 0)) return null;
  const P2: Quadratic = [c.projection[0] ** 2, 2 * c.projection[0] * c.projection[1], c.projection[1] ** 2];
  const constraint = (q: Quadratic, bound: number): Quadratic | null =>
    Number.isFinite(bound) ? [q[0] - bound ** 2 * P2[0], q[1] - bound ** 2 * P2[1], q[2] - bound ** 2 * P2[2]] : null;
  const constraints = [constraint(c.perpendicular, maxBeta), constraint(c.variance, maxSigma)].filter(
    (q): q is Quadratic => q != null,
  );
  // rounding at a root: a constraint counts as met within 1e-12 of its coefficients' size
  const met = (a: number) =>
    projectionAt(c, a) > 0 &&
    constraints.every((q) => evaluate(q, a) <= 1e-12 * (Math.abs(q[0]) + Math.abs(q[1]) + Math.abs(q[2])));
  const breaks = [0, 1, ...constraints.flatMap(roots), ...roots([c.projection[0], c.projection[1], 0])]
    .filter((a) => a >= 0 && a <= 1)
    .sort((x, y) => x - y);
  const candidates: number[] = [];
  breaks.forEach((a, k) => {
    if (k > 0 && a > breaks[k - 1]) candidates.push((a + breaks[k - 1]) / 2);
    candidates.push(a);
  });
  return candidates.find(met) ?? null;
}

/**
 * min over a ∈ [0, 1] with P(a) > 0 of q(a) / P(a)², and where: the ends and the one stationary
 * point, a = (2 p1 q0 − q1 p0) / (2 q2 p0 − q1 p1) (the derivative's numerator q'P − 2qP' is linear).
 * null when P ≤ 0 on all of [0, 1].
 */
export function minimiseOverA(c: StZgrCurve, q: Quadratic): { a: number; value: number } | null {
  const [p0, p1] = c.projection;
  const denominator = 2 * q[2] * p0 - q[1] * p1;
  const stationary = denominator === 0 ? [] : [(2 * p1 * q[0] - q[1] * p0) / denominator];
  let best: { a: number; value: number } | null = null;
  for (const a of [0, 1, ...stationary]) {
    const P = projectionAt(c, a);
    if (!(a >= 0 && a <= 1 && P > 0)) continue;
    const value = evaluate(q, a) / P ** 2;
    if (best == null || value < best.value) best = { a, value };
  }
  return best;
}

/** The smallest β over the family (its cosine with ∇ is the largest), and at which a. */
export const minimalBeta = (c: StZgrCurve) => {
  const m = minimiseOverA(c, c.perpendicular);
  return m && { a: m.a, beta: Math.sqrt(Math.max(0, m.value)) };
};

/**
 * The smallest rescaled MSE of the mean of M samples of ST-ZGR(a), and at which a
 * (1 − P²/(‖E g‖² + V/M) is smallest where (‖E g‖² + V/M)/P² is).
 */
export function bestMeanOfM(c: StZgrCurve, M: number): { a: number; rescaledMse: number } {
  if (!(Number.isInteger(M) && M >= 1)) throw new Error(`bestMeanOfM: M must be an integer ≥ 1, got ${M}`);
  const D: Quadratic = [0, 1, 2].map((k) => c.meanSquared[k] + c.variance[k] / M) as unknown as Quadratic;
  const m = minimiseOverA(c, D);
  if (m == null) throw new Error('bestMeanOfM: no ST-ZGR member has a mean along ∇');
  return { a: m.a, rescaledMse: 1 - 1 / m.value };
}
