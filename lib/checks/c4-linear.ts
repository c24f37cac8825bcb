/**
 * C4, linear functions (PAPER.md): for f(z) = bᵀz, ST, DARN and ZGR are unbiased (exact, see
 * c3Moments with a degree-1 problem); ST-GS and GR-MCK are biased at tau > 0, the bias → 0 as
 * tau → 0, while the Monte Carlo variance that GR-MCK must average out, E_x Var[J_tau v | x],
 * grows about like 1/tau.
 * ST-GS and GR-MCK share their mean, E[J_tau(logits + G)]ᵀ v; the exact gradient is J(p)ᵀ v.
 * c3Moments (degree 1) and c4LinearRelaxedBias measure; c4Verdict judges against C4_THRESHOLDS.
 */
import { conditionalGumbel } from '../estimators/gr-mck';
import { temperedJacobianProduct } from '../estimators/gs';
import { checkLogitsArray, checkTemperature, checkVector } from '../estimators/validate';
import { expectedJacobianBinary, expectedJacobianMC } from '../exact/tempered-jacobian';
import type { Field } from '../math/field';
import { logLogSlope } from '../math/slope';
import { softmax, softmaxJacobianProduct64 } from '../math/softmax';
import { norm } from '../math/vector';
import type { Random } from '../random';
import { isZero, type C3Result } from './c3-quadratic-unbiasedness';
import { atLeast, atMost, claimReport, inRange, type ClaimReport } from './report';

export interface C4Row {
  tau: number;
  /** ‖E[ST-GS] − ∇L‖ (= GR-MCK's bias, for every K) */
  biasNorm: number;
  /** its standard error (0 by quadrature) */
  biasSE: number;
  /** E_x Var[J_tau(s)ᵀ v | x], the per-perturbation variance GR-MCK averages over K */
  conditionalVariance: number;
}

export interface C4Result {
  method: 'quadrature' | 'monte-carlo';
  gradient: number[];
  rows: C4Row[];
  /** log-log slope of the bias against tau (> 0: shrinks as tau → 0) */
  biasSlope: number;
  /** log-log slope of the conditional variance against tau (about −1) */
  varianceSlope: number;
}

const matVec = (A: number[][], v: readonly number[]) => A.map((row) => row.reduce((s, a, j) => s + a * v[j], 0));

/** E_x Var[J_tau(s)ᵀ v | x] by Monte Carlo: x ~ p, s from the conditional Gumbel draw. */
export function grConditionalVariance(
  logits: readonly number[],
  v: readonly number[],
  tau: number,
  samples: number,
  rng: Random,
): number {
  const C = logits.length;
  const p = softmax(logits);
  let total = 0;
  for (let x = 0; x < C; x++) {
    const sum = new Array<number>(C).fill(0);
    let sumSq = 0;
    for (let n = 0; n < samples; n++) {
      const g = temperedJacobianProduct(conditionalGumbel(logits, x, Array.from(rng.exponential(C))), v, tau);
      g.forEach((gj, j) => (sum[j] += gj));
      sumSq += g.reduce((s, gj) => s + gj * gj, 0);
    }
    const mean = sum.map((s) => s / samples);
    total += p[x] * (sumSq / samples - mean.reduce((s, m) => s + m * m, 0));
  }
  return total;
}

export function c4LinearRelaxedBias(args: {
  logits: number[];
  /** the constant gradient of the linear loss */
  v: number[];
  taus: number[];
  samples?: number;
  rng: Random;
}): C4Result {
  const { logits, v, taus, rng } = args;
  checkLogitsArray('c4LinearRelaxedBias', logits);
  checkVector('c4LinearRelaxedBias', 'v', v, logits.length);
  taus.forEach((tau) => checkTemperature('c4LinearRelaxedBias', 'tau', tau));
  const samples = args.samples ?? 100000;
  const gradient = softmaxJacobianProduct64(softmax(logits), v); // J(p)ᵀ v
  const binary = logits.length === 2;
  const rows = taus.map((tau) => {
    let biasNorm: number;
    let biasSE = 0;
    if (binary) {
      biasNorm = norm(matVec(expectedJacobianBinary(logits, tau), v).map((m, j) => m - gradient[j]));
    } else {
      const mc = expectedJacobianMC(logits, tau, samples, rng);
      biasNorm = norm(matVec(mc.mean, v).map((m, j) => m - gradient[j]));
      // J's entries' errors propagate through v: a bound on the SE of each component, then its norm
      biasSE = norm(mc.se.map((row) => row.reduce((s, se, j) => s + se * Math.abs(v[j]), 0)));
    }
    return {
      tau,
      biasNorm,
      biasSE,
      conditionalVariance: grConditionalVariance(logits, v, tau, Math.ceil(samples / logits.length), rng),
    };
  });
  return {
    method: binary ? 'quadrature' : 'monte-carlo',
    gradient,
    rows,
    biasSlope: logLogSlope(
      taus,
      rows.map((r) => r.biasNorm),
    ),
    varianceSlope: logLogSlope(
      taus,
      rows.map((r) => r.conditionalVariance),
    ),
  };
}

/** The rules of C4, for notebook 02 and test/claims/c4-linear.test.ts alike. */
export const C4_THRESHOLDS = {
  /** random linear losses on which ST, DARN or ZGR is biased, exactly */
  maxBiasedLinear: 0,
  /** C = 2: the bias of ST-GS / GR-MCK by quadrature, the conditional variance by Monte Carlo */
  quadrature: {
    /** steps of the sweep, warm to cold, where the bias is not positive or does not shrink */
    maxNotShrinking: 0,
    /** bias at the coldest tau ÷ bias at the warmest */
    maxColdToWarm: 0.01,
    /** the slopes are read over tau ≤ maxTau */
    maxTau: 0.1,
    /** bias → 0 at least like tau^0.8 (on the examples here it goes like tau²) */
    minBiasSlope: 0.8,
    /** the conditional variance GR-MCK averages out grows like 1/tau (measured −1.04 … −1.11 over seeds) */
    varianceSlope: [-1.2, -0.8],
  },
  /** C > 2: the bias by Monte Carlo, with standard errors */
  monteCarlo: {
    /** the bias at the warmest tau, in standard errors */
    minWarmBiasInSE: 5,
    /** bias at the coldest tau ÷ bias at the warmest */
    maxColdToWarm: 1 / 3,
  },
} as const;

const STATEMENT =
  'for linear f, ST, DARN and ZGR are unbiased; ST-GS and GR-MCK are biased at τ > 0, ' +
  'the bias → 0 as τ → 0, while the variance GR-MCK must average out grows like 1/τ';

/**
 * The C4 verdict on the c3Moments of random linear losses (degree 1), a quadrature sweep
 * (C = 2) and a Monte Carlo sweep (C > 2) of c4LinearRelaxedBias.
 */
export function c4Verdict<T>(
  F: Field<T>,
  results: { linear: readonly C3Result<T>[]; quadrature: C4Result; monteCarlo: C4Result },
): ClaimReport<typeof C4_THRESHOLDS> {
  const { linear, quadrature, monteCarlo } = results;
  if (quadrature.method !== 'quadrature' || monteCarlo.method !== 'monte-carlo') {
    throw new Error(
      `c4Verdict: expected a quadrature (C = 2) and a Monte Carlo (C > 2) sweep, ` +
        `got ${quadrature.method} and ${monteCarlo.method}`,
    );
  }
  const warmFirst = (r: C4Result) => [...r.rows].sort((a, b) => b.tau - a.tau);
  const q = C4_THRESHOLDS.quadrature;
  const two = warmFirst(quadrature);
  const cold = two.filter((r) => r.tau <= q.maxTau);
  const notShrinking = two.filter((r, k) => !(r.biasNorm > 0) || (k > 0 && !(r.biasNorm < two[k - 1].biasNorm))).length;
  const m = C4_THRESHOLDS.monteCarlo;
  const three = warmFirst(monteCarlo);
  const [warm3, cold3] = [three[0], three[three.length - 1]];
  const range = (rows: readonly C4Row[]) => `τ = ${rows[0]?.tau} → ${rows[rows.length - 1]?.tau}`;
  return claimReport('C4', STATEMENT, C4_THRESHOLDS, [
    atMost(
      'biasedLinear',
      `linear losses (of ${linear.length}) on which ST, DARN or ZGR is biased`,
      linear.filter((r) => !(isZero(F, r.bias.st) && isZero(F, r.bias.darn) && isZero(F, r.bias.zgr))).length,
      C4_THRESHOLDS.maxBiasedLinear,
    ),
    atMost(
      'notShrinking',
      `C = 2: steps of ${range(two)} where the bias of ST-GS is not positive or does not shrink`,
      notShrinking,
      q.maxNotShrinking,
    ),
    atMost(
      'coldToWarm',
      `C = 2: bias at the coldest ÷ at the warmest τ (${range(two)})`,
      two[two.length - 1]?.biasNorm / two[0]?.biasNorm,
      q.maxColdToWarm,
    ),
    atLeast(
      'biasSlope',
      `C = 2: log–log slope of the bias over τ ≤ ${q.maxTau}`,
      logLogSlope(
        cold.map((r) => r.tau),
        cold.map((r) => r.biasNorm),
      ),
      q.minBiasSlope,
    ),
    inRange(
      'varianceSlope',
      `C = 2: log–log slope of the conditional variance E_x Var[g | x] over τ ≤ ${q.maxTau}`,
      logLogSlope(
        cold.map((r) => r.tau),
        cold.map((r) => r.conditionalVariance),
      ),
      q.varianceSlope,
    ),
    atLeast(
      'warmBiasInSE',
      `C = ${monteCarlo.gradient.length} (Monte Carlo): bias at τ = ${warm3?.tau} in standard errors`,
      warm3?.biasNorm / warm3?.biasSE,
      m.minWarmBiasInSE,
    ),
    atMost(
      'coldToWarmMC',
      `C = ${monteCarlo.gradient.length} (Monte Carlo): bias at the coldest ÷ at the warmest τ (${range(three)})`,
      cold3?.biasNorm / warm3?.biasNorm,
      m.maxColdToWarm,
    ),
  ]);
}
