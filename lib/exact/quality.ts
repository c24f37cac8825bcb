/**
 * How good a gradient estimator g is, from its moments (estimator-moments.ts) and the exact
 * gradient ∇ (PAPER.md C7, E4): metrics that a scalar rescaling of g cannot game, each with a
 * confidence interval that is never clipped to a noise floor.
 *
 *     relative bias   ‖E g − ∇‖ / ‖∇‖
 *     relative std    √tr Cov g / ‖∇‖
 *     cosine          cos(E g, ∇) = 1/√(1 + β²) where the mean projects positively on ∇
 *     rescaled MSE    min_c E‖c g − ∇‖² / ‖∇‖² = 1 − (E g·∇)² / (E‖g‖² ‖∇‖²)        (c* = E g·∇ / E‖g‖²)
 *     scale-free bias tan∠(E g, ∇) = ‖E g − P ∇̂‖ / P,   P = E g·∇̂ (the mean's projection on ∇)
 *     scale-free std  √tr Cov g / P
 * The last two are bias and std of g rescaled so that its mean projects exactly onto ∇; the
 * rescaled MSE is (β² + σ²)/(1 + β² + σ²) in them. Adam undoes a scalar scale of the gradient,
 * so these are the numbers that say which estimator trains better, not raw MSE (which rewards
 * shrinking g, e.g. the 1/τ factor of hot GR).
 *
 * Uncertainty (Monte Carlo moments only; exact moments give point intervals): the R replicate
 * estimates of (E g, E‖g‖²) are independent, so Σ_m = Cov(mean estimate) = Σ_r d_r d_rᵀ/(R(R−1))
 * with d_r the replicates' deviations. Smooth metrics get delta-method standard errors along
 * the d_r (batch means) — the stds through their squares, so that no interval goes below 0;
 * norms that may be zero get an interval for their square:
 *     D = ‖b̂‖² − tr Σ_m  (unbiased for ‖b‖²),   Var D ≈ 4 bᵀ Σ_m b + 2 tr Σ_m²,
 * which stays honest where the bias is not resolved from zero (the interval then reaches 0).
 * Intervals use Student's t with R − 1 degrees of freedom.
 */
import { studentQuantile } from '../math/stats';
import { dot } from '../math/vector';
import type { MomentEstimate, Moments } from './estimator-moments';

/** A point estimate with its confidence interval (low = estimate = high when exact). */
export interface Interval {
  estimate: number;
  low: number;
  high: number;
  /** standard error (0 when exact); for a norm, of the norm by the delta method where it is resolved */
  se: number;
  /** for a norm: the unbiased estimate D of its square (may be < 0 when the norm is not resolved) and SE(D) */
  squared?: { estimate: number; se: number };
}

export interface Quality {
  method: 'exact' | 'monte-carlo';
  relativeBias: Interval;
  relativeStd: Interval;
  cosine: Interval;
  rescaledMse: Interval;
  /**
   * null where the mean does not point along ∇ (E g·∇ ≤ 0): no positive rescaling makes it a descent
   * direction
   */
  scaleFreeBias: Interval | null;
  scaleFreeStd: Interval | null;
  /**
   * E g·∇̂ / ‖∇‖: the mean's projection on ∇, relative (C7 calls a member opposed when its upper bound
   * is < 0)
   */
  projection: Interval;
  /**
   * ‖E g‖² / ‖∇‖² and E‖g‖² / ‖∇‖² (Monte Carlo: ‖E g‖² debiased): with `projection`, what the ST-ZGR
   * family's closed form is built from (lib/exact/st-zgr-curve.ts)
   */
  meanSquared: number;
  secondMoment: number;
  /** c* = E g·∇ / E‖g‖², the scale that minimises E‖c g − ∇‖² */
  bestScale: number;
  /** ‖∇‖ */
  gradientNorm: number;
  /** confidence level of the intervals */
  confidence: number;
}

/** The spread of the replicates around their average: deviations d_r, e_r and the scale 1/(R(R−1)). */
interface Spread {
  d: Float64Array[];
  e: number[];
  /** 1/(R(R−1)): Σ_m = w Σ_r d_r d_rᵀ */
  w: number;
}

function spreadOf(m: Moments): Spread | null {
  const R = m.replicates.length;
  if (R === 0) return null;
  if (R < 2) throw new Error(`estimator quality: need at least 2 replicates for standard errors, got ${R}`);
  const d = m.replicates.map((r) => r.mean.map((x, i) => x - m.mean[i]));
  const e = m.replicates.map((r) => r.secondMoment - m.secondMoment);
  return { d, e, w: 1 / (R * (R - 1)) };
}

/**
 * A norm ‖b‖ estimated by ‖b̂‖ where b̂ has covariance w Σ_r d_r d_rᵀ: interval from the unbiased
 * square D = ‖b̂‖² − tr Σ and Var D ≈ 4 b̂ᵀΣb̂ + 2 tr Σ².
 */
function noisyNorm(b: Float64Array, d: readonly Float64Array[] | null, w: number, t: number): Interval {
  const raw = dot(b, b);
  if (d == null) {
    const n = Math.sqrt(raw);
    return { estimate: n, low: n, high: n, se: 0, squared: { estimate: raw, se: 0 } };
  }
  const R = d.length;
  let trace = 0;
  let traceSq = 0;
  let quad = 0;
  for (let r = 0; r < R; r++) {
    quad += dot(b, d[r]) ** 2;
    for (let s = 0; s < R; s++) {
      const g = dot(d[r], d[s]);
      if (r === s) trace += g;
      traceSq += g * g;
    }
  }
  trace *= w;
  traceSq *= w * w;
  quad *= w;
  const D = raw - trace;
  const seD = Math.sqrt(Math.max(0, 4 * quad + 2 * traceSq));
  const estimate = Math.sqrt(Math.max(0, D));
  const low = Math.sqrt(Math.max(0, D - t * seD));
  const high = Math.sqrt(Math.max(0, D + t * seD));
  const se = D > t * seD ? seD / (2 * estimate) : (high - low) / (2 * t);
  return { estimate, low, high, se, squared: { estimate: D, se: seD } };
}

/**
 * A smooth metric φ(E g, E‖g‖²) with its delta-method standard error along the replicates'
 * deviations (central differences: no hand-written derivatives to drift from φ).
 */
function smoothMetric(phi: (e: MomentEstimate) => number, m: Moments, spread: Spread | null, t: number): Interval {
  const estimate = phi(m);
  if (spread == null) return { estimate, low: estimate, high: estimate, se: 0 };
  const h = 1e-3;
  let v = 0;
  spread.d.forEach((d, r) => {
    const at = (s: number) =>
      phi({ mean: m.mean.map((x, i) => x + s * d[i]), secondMoment: m.secondMoment + s * spread.e[r] });
    v += ((at(h) - at(-h)) / (2 * h)) ** 2;
  });
  const se = Math.sqrt(v * spread.w);
  return { estimate, low: estimate - t * se, high: estimate + t * se, se };
}

/** The quality metrics of an estimator with moments `m` of the exact gradient `gradient`. */
export function estimatorQuality(gradient: ArrayLike<number>, m: Moments, confidence = 0.95): Quality {
  const n = gradient.length;
  if (m.mean.length !== n) throw new Error(`estimatorQuality: moments have length ${m.mean.length}, the gradient ${n}`);
  if (!(confidence > 0 && confidence < 1))
    throw new Error(`estimatorQuality: confidence must be in (0, 1), got ${confidence}`);
  const gradientNorm = Math.sqrt(dot(gradient, gradient));
  if (!(gradientNorm > 0 && Number.isFinite(gradientNorm)))
    throw new Error(
      `estimatorQuality: the exact gradient has norm ${gradientNorm}; relative metrics need a non-zero finite gradient`,
    );
  const spread = spreadOf(m);
  const t = spread ? studentQuantile((1 + confidence) / 2, spread.d.length - 1) : 0;
  const unit = Float64Array.from(gradient, (g) => g / gradientNorm); // ∇̂
  // tr Σ_m and ∇̂ᵀ Σ_m ∇̂: debias ‖E g‖² and (E g·∇̂)² of their Monte Carlo part (constants below)
  const traceM = spread ? spread.w * spread.d.reduce((s, d) => s + dot(d, d), 0) : 0;
  const alongM = spread ? spread.w * spread.d.reduce((s, d) => s + dot(d, unit) ** 2, 0) : 0;
  const variance = (e: MomentEstimate) => e.secondMoment - dot(e.mean, e.mean) + traceM; // tr Cov g
  const projection = (e: MomentEstimate) => dot(e.mean, unit); // P

  const bias = m.mean.map((x, i) => x - gradient[i]);
  const relativeBias = scaleInterval(noisyNorm(bias, spread?.d ?? null, spread?.w ?? 0, t), 1 / gradientNorm);
  const P = projection(m);
  let scaleFreeBias: Interval | null = null;
  if (P > 0) {
    const perp = (x: Float64Array) => {
      const along = dot(x, unit);
      return x.map((xi, i) => xi - along * unit[i]);
    };
    scaleFreeBias = scaleInterval(
      noisyNorm(perp(m.mean), spread ? spread.d.map(perp) : null, spread?.w ?? 0, t),
      1 / P,
    );
  }
  return {
    method: spread ? 'monte-carlo' : 'exact',
    relativeBias,
    relativeStd: sqrtOf(smoothMetric((e) => variance(e) / gradientNorm ** 2, m, spread, t)),
    // from the scale-free bias β = tan∠ where P > 0: near cos = 1 the angle is the part to resolve
    cosine: scaleFreeBias
      ? cosineOf(scaleFreeBias)
      : smoothMetric((e) => projection(e) / Math.sqrt(dot(e.mean, e.mean)), m, spread, t),
    rescaledMse: smoothMetric((e) => 1 - (projection(e) ** 2 - alongM) / e.secondMoment, m, spread, t),
    scaleFreeBias,
    scaleFreeStd: P > 0 ? sqrtOf(smoothMetric((e) => variance(e) / projection(e) ** 2, m, spread, t)) : null,
    projection: smoothMetric((e) => projection(e) / gradientNorm, m, spread, t),
    meanSquared: (dot(m.mean, m.mean) - traceM) / gradientNorm ** 2,
    secondMoment: m.secondMoment / gradientNorm ** 2,
    bestScale: (P * gradientNorm) / m.secondMoment,
    gradientNorm,
    confidence,
  };
}

/** √ of an interval of a square (a variance): the ends map through √ and stay ≥ 0; SE by the delta method. */
function sqrtOf(squared: Interval): Interval {
  const r = (x: number) => Math.sqrt(Math.max(0, x));
  const estimate = r(squared.estimate);
  return { estimate, low: r(squared.low), high: r(squared.high), se: estimate > 0 ? squared.se / (2 * estimate) : 0 };
}

/** cos = 1/√(1 + β²), decreasing in β. */
function cosineOf(beta: Interval): Interval {
  const cos = (b: number) => 1 / Math.sqrt(1 + b * b);
  const [estimate, low, high] = [cos(beta.estimate), cos(beta.high), cos(beta.low)];
  return { estimate, low, high, se: (beta.estimate * beta.se) / (1 + beta.estimate ** 2) ** 1.5 };
}

function scaleInterval(i: Interval, s: number): Interval {
  const squared = i.squared && { estimate: i.squared.estimate * s * s, se: i.squared.se * s * s };
  return { estimate: i.estimate * s, low: i.low * s, high: i.high * s, se: i.se * s, squared };
}
