/**
 * C4, linear functions (PAPER.md): for f(z) = bᵀz, ST, DARN and ZGR are unbiased (exact, see
 * c3Moments with a degree-1 problem); ST-GS and GR-MCK are biased at tau > 0, the bias → 0 as
 * tau → 0, while the Monte Carlo variance that GR-MCK must average out, E_x Var[J_tau v | x],
 * grows about like 1/tau.
 * ST-GS and GR-MCK share their mean, E[J_tau(logits + G)]ᵀ v; the exact gradient is J(p)ᵀ v.
 */
import { conditionalGumbel } from '../estimators/gr-mck';
import { temperedJacobianProduct } from '../estimators/gs';
import { softmax, softmaxJacobianProduct64 } from '../estimators/softmax';
import { checkLogitsArray, checkTemperature, checkVector } from '../estimators/validate';
import { expectedJacobianBinary, expectedJacobianMC } from '../exact/tempered-jacobian';
import type { Random } from '../random';
import { logLogSlope } from './c1-zero-temperature-limit';

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
const norm = (a: readonly number[]) => Math.sqrt(a.reduce((s, x) => s + x * x, 0));

/** E_x Var[J_tau(s)ᵀ v | x] by Monte Carlo: x ~ p, s from the conditional Gumbel draw. */
export function grConditionalVariance(logits: readonly number[], v: readonly number[], tau: number, samples: number, rng: Random): number {
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
    return { tau, biasNorm, biasSE, conditionalVariance: grConditionalVariance(logits, v, tau, Math.ceil(samples / logits.length), rng) };
  });
  return {
    method: binary ? 'quadrature' : 'monte-carlo',
    gradient,
    rows,
    biasSlope: logLogSlope(taus, rows.map((r) => r.biasNorm)),
    varianceSlope: logLogSlope(taus, rows.map((r) => r.conditionalVariance)),
  };
}
