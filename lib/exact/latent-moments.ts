/**
 * Moments of any registry estimator over all joint states of independent categorical variables,
 * from their sufficient statistics (latent-sums.ts; PAPER.md E1, E4, claim C7).
 *
 * A pathwise estimator is linear in the upstream gradient: g_l = M_l(x, noise) v_l. Its matrix
 * comes from the registry's own float64 form applied to the basis vectors e_k (so the formula
 * stays written once, in lib/estimators):
 * - functions of the sample: M_lx is fixed, and exactly
 *       E g_l = Σ_x M_lx V_lx,   E‖g‖² = Σ_lx tr(M_lxᵀ M_lx W_lx);
 * - ST-GS / GR-MCK: M is J_τ at the conditional Gumbel perturbation given x (built directly from
 *   gr-mck.ts's conditionalGumbel and J_τ — far faster than C registry calls; a test holds it
 *   equal to the registry's ST-GS on the basis vectors with the same noise). Per replicate, N
 *   draws give A = mean M and Q = mean MᵀM, and for the average of K draws (GR-MCK)
 *       E g_l = Σ_x A_lx V_lx,   E‖g_K‖² = Σ_lx tr(((1/K) Q + (1 − 1/K) (AᵀA)^) W_lx),
 *   with (AᵀA)^ = (N AᵀA − Q)/(N − 1) unbiased. One set of single draws serves every K.
 */
import { conditionalGumbel } from '../estimators/gr-mck';
import type { EstimatorOptions } from '../estimators/registry';
import { resolvePathwise } from '../estimators/spec';
import { checkTemperature } from '../estimators/validate';
import type { Random } from '../random';
import { conditionalJacobianMoments, type QuadratureRule } from './conditional-jacobian';
import { fromReplicates, type MomentEstimate, type Moments } from './estimator-moments';
import type { LatentSums } from './latent-sums';

/** ST-GS's matrix given x: J_τ(s), s the conditional Gumbel perturbation from Exp(1) noise E (row-major). */
export function stGsMatrix(
  logits: readonly number[],
  x: number,
  tau: number,
  E: readonly number[],
  out: Float64Array = new Float64Array(logits.length ** 2),
): Float64Array {
  const C = logits.length;
  const s = conditionalGumbel(logits, x, E);
  // J_τ(s) = (diag(y) − y yᵀ)/τ, y = softmax(s/τ) (max-shifted), written out: this is the hot loop
  let max = -Infinity;
  for (let j = 0; j < C; j++) max = Math.max(max, s[j] / tau);
  const y = new Float64Array(C);
  let sum = 0;
  for (let j = 0; j < C; j++) sum += y[j] = Math.exp(s[j] / tau - max);
  for (let j = 0; j < C; j++) y[j] /= sum;
  for (let i = 0; i < C; i++) for (let j = 0; j < C; j++) out[i * C + j] = ((i === j ? y[i] : 0) - y[i] * y[j]) / tau;
  return out;
}

/**
 * Add J and JᵀJ (= J², J symmetric) of one ST-GS draw to A and Q, each scaled by w (the hot loop of
 * the GR family).
 */
function accumulateStGsDraw(
  A: Float64Array,
  Q: Float64Array,
  w: number,
  logits: readonly number[],
  x: number,
  tau: number,
  E: readonly number[],
  J: Float64Array,
): void {
  const C = logits.length;
  stGsMatrix(logits, x, tau, E, J);
  for (let j = 0; j < C; j++) {
    for (let k = j; k < C; k++) {
      let q = 0;
      for (let i = 0; i < C; i++) q += J[i * C + j] * J[i * C + k];
      Q[j * C + k] += w * q;
      if (k !== j) Q[k * C + j] += w * q;
    }
  }
  for (let i = 0; i < C * C; i++) A[i] += w * J[i];
}

/** The C × C matrix (row-major) of a function linear in v: column k = g(e_k). */
export function matrixOf(C: number, g: (v: number[]) => number[]): Float64Array {
  const M = new Float64Array(C * C);
  const e = new Array<number>(C).fill(0);
  for (let k = 0; k < C; k++) {
    e[k] = 1;
    const col = g(e);
    e[k] = 0;
    for (let j = 0; j < C; j++) M[j * C + k] = col[j];
  }
  return M;
}

/** out += M V (M: C × C, V: C at offset). */
function addMatVec(out: Float64Array, at: number, M: Float64Array, V: Float64Array, vAt: number, C: number): void {
  for (let j = 0; j < C; j++) {
    let s = 0;
    for (let k = 0; k < C; k++) s += M[j * C + k] * V[vAt + k];
    out[at + j] += s;
  }
}

/** MᵀM (C × C). */
function gram(M: Float64Array, C: number): Float64Array {
  const G = new Float64Array(C * C);
  for (let j = 0; j < C; j++)
    for (let k = 0; k < C; k++) {
      let s = 0;
      for (let i = 0; i < C; i++) s += M[i * C + j] * M[i * C + k];
      G[j * C + k] = s;
    }
  return G;
}

/** tr(S W) for symmetric S and W (W at offset). */
function traceProduct(S: Float64Array, W: Float64Array, wAt: number, C: number): number {
  let s = 0;
  for (let i = 0; i < C * C; i++) s += S[i] * W[wAt + i];
  return s;
}

function checkLogits(sums: LatentSums, logits: readonly (readonly number[])[]): void {
  if (logits.length !== sums.L || logits.some((l) => l.length !== sums.C)) {
    throw new Error(
      `latent moments: logits must be [${sums.L}][${sums.C}], got [${logits.length}][${logits[0]?.length}]`,
    );
  }
}

/** Exact moments of a registry estimator that is a function of the sample (ST, DARN, ZGR, ST-ZGR, ReinMax). */
export function sampleFunctionMoments(
  sums: LatentSums,
  logits: readonly (readonly number[])[],
  name: string,
  options: EstimatorOptions = {},
): Moments {
  const { row: e, options: o } = resolvePathwise({ name, options }, 'sampleFunctionMoments');
  if (!e.sampleFunction)
    throw new Error(`sampleFunctionMoments: ${name} is not a function of the sample (use conditionalFamilyMoments)`);
  checkLogits(sums, logits);
  const { L, C, V, W } = sums;
  const mean = new Float64Array(L * C);
  let secondMoment = 0;
  for (let l = 0; l < L; l++) {
    for (let x = 0; x < C; x++) {
      const M = matrixOf(C, (v) => e.gradient(logits[l], v, o, { x, gumbel: [] }));
      const at = (l * C + x) * C;
      addMatVec(mean, l * C, M, V, at, C);
      secondMoment += traceProduct(gram(M, C), W, at * C, C);
    }
  }
  return { mean, secondMoment, replicates: [] };
}

export interface ConditionalMonteCarlo {
  /** independent replicates for the standard errors (≥ 2) */
  replicates: number;
  /** conditional draws per variable, category and replicate (≥ 2) */
  drawsPerReplicate: number;
  rng: Random;
}

/**
 * Moments of GR-MCK for every K of `Ks` (K = 1: ST-GS; K = Infinity: E[g | x] itself) at
 * temperature `tau`, from single conditional draws of the registry's ST-GS given the sample.
 */
export function conditionalFamilyMoments(
  sums: LatentSums,
  logits: readonly (readonly number[])[],
  tau: number,
  Ks: readonly number[],
  mc: ConditionalMonteCarlo,
): Moments[] {
  checkLogits(sums, logits);
  checkTemperature('conditionalFamilyMoments', 'tau', tau);
  const { replicates: R, drawsPerReplicate: N, rng } = mc;
  if (!(Number.isInteger(R) && R >= 2))
    throw new Error(`conditionalFamilyMoments: replicates must be an integer ≥ 2, got ${R}`);
  if (!(Number.isInteger(N) && N >= 2))
    throw new Error(`conditionalFamilyMoments: drawsPerReplicate must be an integer ≥ 2, got ${N}`);
  if (Ks.length === 0 || Ks.some((K) => !((Number.isInteger(K) && K >= 1) || K === Infinity)))
    throw new Error(`conditionalFamilyMoments: Ks must be integers ≥ 1 or Infinity, got [${Ks}]`);
  const { L, C, V, W } = sums;
  const perK: MomentEstimate[][] = Ks.map(() => []);
  const J = new Float64Array(C * C);
  for (let r = 0; r < R; r++) {
    const mean = new Float64Array(L * C);
    const second = Ks.map(() => 0);
    for (let l = 0; l < L; l++) {
      for (let x = 0; x < C; x++) {
        const A = new Float64Array(C * C);
        const Q = new Float64Array(C * C);
        for (let k = 0; k < N; k++)
          accumulateStGsDraw(A, Q, 1 / N, logits[l], x, tau, Array.from(rng.exponential(C)), J);
        const at = (l * C + x) * C;
        addMatVec(mean, l * C, A, V, at, C);
        const AA = gram(A, C);
        const unbiased = AA.map((a, i) => (N * a - Q[i]) / (N - 1)); // (AᵀA)^
        const tq = traceProduct(Q, W, at * C, C);
        const ta = traceProduct(unbiased, W, at * C, C);
        Ks.forEach((K, j) => (second[j] += tq / K + (1 - 1 / K) * ta));
      }
    }
    Ks.forEach((_, j) => perK[j].push({ mean, secondMoment: second[j] }));
  }
  return perK.map(fromReplicates);
}

/**
 * Exact moments of GR-MCK for every K of `Ks` at temperature `tau`: the same formulas as
 * conditionalFamilyMoments with A = E[J_τ | x] and Q = E[J_τ J_τ | x] by quadrature
 * (conditional-jacobian.ts) instead of draws, so E‖g_K‖² = Σ_lx tr(((1/K) Q + (1 − 1/K) AᵀA) W_lx).
 * C ≤ 4 (the toys).
 */
export function conditionalFamilyMomentsExact(
  sums: LatentSums,
  logits: readonly (readonly number[])[],
  tau: number,
  Ks: readonly number[],
  rule?: QuadratureRule,
): Moments[] {
  checkLogits(sums, logits);
  checkTemperature('conditionalFamilyMomentsExact', 'tau', tau);
  if (Ks.length === 0 || Ks.some((K) => !((Number.isInteger(K) && K >= 1) || K === Infinity)))
    throw new Error(`conditionalFamilyMomentsExact: Ks must be integers ≥ 1 or Infinity, got [${Ks}]`);
  const { L, C, V, W } = sums;
  const mean = new Float64Array(L * C);
  const second = Ks.map(() => 0);
  for (let l = 0; l < L; l++) {
    for (let x = 0; x < C; x++) {
      const { A, Q } = conditionalJacobianMoments(logits[l], x, tau, rule);
      const at = (l * C + x) * C;
      addMatVec(mean, l * C, A, V, at, C);
      const tq = traceProduct(Q, W, at * C, C);
      const ta = traceProduct(gram(A, C), W, at * C, C);
      Ks.forEach((K, j) => (second[j] += tq / K + (1 - 1 / K) * ta));
    }
  }
  return Ks.map((_, j) => ({ mean: Float64Array.from(mean), secondMoment: second[j], replicates: [] }));
}
