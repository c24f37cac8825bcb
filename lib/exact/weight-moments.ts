/**
 * Estimator moments w.r.t. the encoder weights θ over a batch (PAPER.md E4: "w.r.t. the encoder
 * weights over a real batch"; batch averaging shrinks the variance, not the bias).
 *
 * The batch estimator is G = (1/B) Σ_b J_bᵀ g_b with J_b = ∂η_b/∂θ; images are independent, so
 *     E G = (1/B) Σ_b J_bᵀ m_b,   E‖G‖² = ‖E G‖² + (1/B²) Σ_b tr(K_bb Cov g_b),
 * K_bb = J_b J_bᵀ (lib/models/encoder-gram.ts), m_b = E g_b, Cov g_b = S_b − m_b m_bᵀ with
 * S_b = E[g_b g_bᵀ]. The mean is a vector-Jacobian product formed by the caller; here, per image,
 * tr(K S) from sums over the joint states. With g_l = M_l(x_l, noise) v_l (latent-moments.ts)
 * and the pair sums (`latentPairSums`)
 *     W^{ll'}_{xx'} = Σ_{s: s_l = x, s_l' = x'} q(s) v_l(s) v_l'(s)ᵀ          (C × C; W^{ll}_{xx} = W_lx)
 * - a function of the sample: S^{ll'} = Σ_{xx'} M_lx W^{ll'}_{xx'} M_l'x'ᵀ, so
 *       tr(K S) = Σ_{l,l',x,x'} ⟨M_lxᵀ K^{ll'} M_l'x', W^{ll'}_{xx'}⟩_F;
 * - GR-MCK(τ, K) from single ST-GS draws J given x (noise independent across variables):
 *   l ≠ l' uses A_lx = E[J | x] on both sides; l = l' uses, for the mean J̄ of K draws,
 *       E[tr(K^{ll} J̄ W J̄ᵀ)] = (1/K) E[tr(K^{ll} J W Jᵀ)] + (1 − 1/K) tr(K^{ll} A W Aᵀ),
 *   the last term estimated without bias from N draws as (N tr(K Ā W Āᵀ) − mean tr(K J W Jᵀ))/(N − 1);
 * - RLOO(M), the U-statistic of ψ(a, b) = ½ (f_a − f_b)(h_a − h_b), h = e_s − p (Hoeffding):
 *       Cov g = 2/(M(M−1)) (2(M−2) Σ₁ + Σ₂),
 *       Σ₁ = ¼ (E[(f − F)² h hᵀ] − ∇∇ᵀ),   Σ₂ = ½ (E[f² h hᵀ] + E[f²] E[h hᵀ] − 2F E[f h hᵀ]),
 *   with E[w h hᵀ] = P_w − m_w pᵀ − p m_wᵀ + (E w) p pᵀ, P_w = E[w e_s e_sᵀ] (pair marginals of w),
 *   m_w = E[w e_s]; f enters shifted by a constant c (ψ is unchanged) so that float64 keeps the
 *   nats of variation of a loss of hundreds of nats.
 * Per replicate the variance is formed with the replicate's own means,
 *     V_r = (1/B²) Σ_b (tr(K_bb Ŝ_b) − m̂_bᵀ K_bb m̂_b),
 * so that ‖(1/B) Σ_b J_bᵀ m̂_b‖² + V_r is unbiased for E‖G‖² (the b = b' terms cancel).
 */
import type { EstimatorOptions } from '../estimators/registry';
import { resolvePathwise } from '../estimators/spec';
import { checkTemperature } from '../estimators/validate';
import type { Random } from '../random';
import { jointStates } from './enumerate';
import { fromReplicates, type MomentEstimate, type Moments } from './estimator-moments';
import type { LatentSums } from './latent-sums';
import { matrixOf, sampleFunctionMoments, stGsMatrix, type ConditionalMonteCarlo } from './latent-moments';
import type { Measured, MomentSource } from './family-quality';
import { estimatorQuality, type Quality } from './quality';

/** Per-image sums over pairs of variables, beside `LatentSums`. */
export interface LatentPairSums {
  L: number;
  C: number;
  /** W^{ll'}_{xx'}, [L·L·C·C·C·C] at ((((l·L + l')·C + x)·C + x')·C + j)·C + k (zero for l = l', x ≠ x') */
  W: Float64Array;
  /** the constant c subtracted from f in `pairWeights` (f of the first state) */
  shift: number;
  /** P_w = Σ_s q(s) w(s) e_s e_sᵀ for w = 1, f − c, (f − c)²: [(L·C)²] at (l·C + x)·L·C + l'·C + x' */
  pairWeights: [Float64Array, Float64Array, Float64Array];
}

/** Index of W^{ll'}_{xx'}[0, 0] in `LatentPairSums.W`. */
export const pairIndex = (L: number, C: number, l: number, l2: number, x: number, x2: number) =>
  (((l * L + l2) * C + x) * C + x2) * C * C;

/**
 * The pair sums over all joint states of variables with probabilities `p` ([L][C]), from the same
 * per-state callback as `latentSums` (f(s) and v(s) = ∇f at the one-hot state, [L·C]).
 */
export function latentPairSums(
  p: readonly (readonly number[])[],
  state: (s: number, digits: readonly number[]) => { f: number; v: ArrayLike<number> },
): LatentPairSums {
  const L = p.length;
  const C = p[0].length;
  if (p.some((pl) => pl.length !== C))
    throw new Error('latentPairSums: every variable needs the same number of categories');
  const n = L * C;
  const pf = Float64Array.from(p.flat());
  const W = new Float64Array(L * L * C ** 4);
  const P = [new Float64Array(n * n), new Float64Array(n * n), new Float64Array(n * n)] as [
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  const [P0, P1, P2] = P;
  const vv = new Float64Array(n); //  v(s)
  const qv = new Float64Array(n); //  q(s) v(s)
  const rowOf = new Int32Array(L); // (l·C + s_l)·n: the row of P for variable l
  let shift = NaN;
  let s = 0;
  // the hot loop: C^L states (in latentSums' order) × L(L+1)/2 blocks of C² products
  for (const digits of jointStates(new Array<number>(L).fill(C))) {
    let q = 1;
    for (let l = 0; l < L; l++) q *= pf[l * C + digits[l]];
    const { f, v } = state(s++, digits);
    if (!Number.isFinite(f)) throw new Error(`latentPairSums: the loss of state [${digits}] is ${f}`);
    if (v.length !== n) throw new Error(`latentPairSums: v has length ${v.length}, expected ${n}`);
    if (Number.isNaN(shift)) shift = f;
    if (q === 0) continue;
    const w1 = q * (f - shift);
    const w2 = w1 * (f - shift);
    for (let i = 0; i < n; i++) qv[i] = q * (vv[i] = v[i]);
    for (let l = 0; l < L; l++) rowOf[l] = (l * C + digits[l]) * n;
    // l ≤ l' here; the rest by symmetry below: W^{l'l}_{x'x} = (W^{ll'}_{xx'})ᵀ
    for (let l = 0; l < L; l++) {
      const x = digits[l];
      for (let l2 = l; l2 < L; l2++) {
        const x2 = digits[l2];
        const at = rowOf[l] + l2 * C + x2;
        P0[at] += q;
        P1[at] += w1;
        P2[at] += w2;
        // W^{ll'}_{xx'} += q v_l v_l'ᵀ
        const r = (((l * L + l2) * C + x) * C + x2) * C * C; // pairIndex
        const a = l * C;
        const b = l2 * C;
        if (C === 4) {
          // written out for E4's C = 4: three times faster in V8 than the loops below
          const a0 = qv[a],
            a1 = qv[a + 1],
            a2 = qv[a + 2],
            a3 = qv[a + 3];
          const b0 = vv[b],
            b1 = vv[b + 1],
            b2 = vv[b + 2],
            b3 = vv[b + 3];
          W[r] += a0 * b0;
          W[r + 1] += a0 * b1;
          W[r + 2] += a0 * b2;
          W[r + 3] += a0 * b3;
          W[r + 4] += a1 * b0;
          W[r + 5] += a1 * b1;
          W[r + 6] += a1 * b2;
          W[r + 7] += a1 * b3;
          W[r + 8] += a2 * b0;
          W[r + 9] += a2 * b1;
          W[r + 10] += a2 * b2;
          W[r + 11] += a2 * b3;
          W[r + 12] += a3 * b0;
          W[r + 13] += a3 * b1;
          W[r + 14] += a3 * b2;
          W[r + 15] += a3 * b3;
        } else {
          for (let j = 0; j < C; j++) for (let k = 0; k < C; k++) W[r + j * C + k] += qv[a + j] * vv[b + k];
        }
      }
    }
  }
  for (let l = 0; l < L; l++) {
    for (let l2 = l + 1; l2 < L; l2++) {
      for (let x = 0; x < C; x++) {
        for (let x2 = 0; x2 < C; x2++) {
          const from = pairIndex(L, C, l, l2, x, x2);
          const to = pairIndex(L, C, l2, l, x2, x);
          for (let j = 0; j < C; j++) for (let k = 0; k < C; k++) W[to + k * C + j] = W[from + j * C + k];
          for (const Pk of P) Pk[(l2 * C + x2) * n + l * C + x] = Pk[(l * C + x) * n + l2 * C + x2];
        }
      }
    }
  }
  return { L, C, W, shift, pairWeights: P };
}

/** One image of the batch: its sums, pair sums, logits [L][C] and Gram block K_bb [(L·C)²]. */
export interface WeightImage {
  sums: LatentSums;
  pairs: LatentPairSums;
  logits: number[][];
  gram: ArrayLike<number>;
}

/** Moments of the batch estimator w.r.t. θ, before the vector-Jacobian product of the mean. */
export interface WeightMomentEstimate {
  /** E g_b of every image, concatenated: [B·L·C] */
  means: Float64Array;
  /** (1/B²) Σ_b tr(K_bb Cov g_b) = tr Cov G */
  variance: number;
}

export interface WeightMoments extends WeightMomentEstimate {
  /** R independent replicate estimates whose average is `means`/`variance`; empty when exact */
  replicates: WeightMomentEstimate[];
}

/** K^{ll'} (rows of variable l, columns of l'), C × C row-major. */
function gramBlock(
  K: ArrayLike<number>,
  L: number,
  C: number,
  l: number,
  l2: number,
  out = new Float64Array(C * C),
): Float64Array {
  const n = L * C;
  for (let i = 0; i < C; i++) for (let j = 0; j < C; j++) out[i * C + j] = K[(l * C + i) * n + l2 * C + j];
  return out;
}

/** out = op(A) B for C × C row-major matrices, op(A) = Aᵀ when `transposeA`. */
function mul(A: Float64Array, B: Float64Array, C: number, transposeA: boolean, out: Float64Array): Float64Array {
  for (let i = 0; i < C; i++) {
    for (let j = 0; j < C; j++) {
      let s = 0;
      for (let k = 0; k < C; k++) s += (transposeA ? A[k * C + i] : A[i * C + k]) * B[k * C + j];
      out[i * C + j] = s;
    }
  }
  return out;
}

/** ⟨A, W⟩_F with W at offset. */
function frobenius(A: Float64Array, W: Float64Array, at: number): number {
  let s = 0;
  for (let i = 0; i < A.length; i++) s += A[i] * W[at + i];
  return s;
}

/** mᵀ K m. */
function quadratic(K: ArrayLike<number>, m: ArrayLike<number>, a: ArrayLike<number> = m): number {
  const n = m.length;
  let s = 0;
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let j = 0; j < n; j++) r += K[i * n + j] * a[j];
    s += m[i] * r;
  }
  return s;
}

function checkImage(where: string, im: WeightImage): void {
  const { L, C } = im.sums;
  if (im.pairs.L !== L || im.pairs.C !== C)
    throw new Error(`${where}: pair sums are for ${im.pairs.L}×${im.pairs.C}, the sums for ${L}×${C}`);
  if (im.gram.length !== (L * C) ** 2)
    throw new Error(`${where}: the Gram block has ${im.gram.length} entries, expected (L·C)² = ${(L * C) ** 2}`);
}

/**
 * tr(K S) of one image, S = E[g gᵀ], for a registry estimator that is a function of the sample,
 * with its exact mean E g [L·C] (sampleFunctionMoments).
 */
export function sampleFunctionGramTrace(
  im: WeightImage,
  name: string,
  options: EstimatorOptions = {},
): { mean: Float64Array; trace: number } {
  checkImage('sampleFunctionGramTrace', im);
  const { mean } = sampleFunctionMoments(im.sums, im.logits, name, options);
  const { row: e, options: o } = resolvePathwise({ name, options }, 'sampleFunctionGramTrace');
  const { L, C } = im.sums;
  const M = im.logits.map((logits) =>
    Array.from({ length: C }, (_, x) => matrixOf(C, (v) => e.gradient(logits, v, o, { x, gumbel: [] }))),
  );
  const Kb = new Float64Array(C * C);
  const T = new Float64Array(C * C);
  const Z = new Float64Array(C * C);
  let trace = 0;
  for (let l = 0; l < L; l++) {
    for (let l2 = 0; l2 < L; l2++) {
      gramBlock(im.gram, L, C, l, l2, Kb);
      for (let x2 = 0; x2 < C; x2++) {
        mul(Kb, M[l2][x2], C, false, T); // K^{ll'} M_l'x'
        for (let x = 0; x < C; x++) {
          if (l === l2 && x !== x2) continue; // one variable takes one value
          // ⟨M_lxᵀ K^{ll'} M_l'x', W^{ll'}_{xx'}⟩
          trace += frobenius(mul(M[l][x], T, C, true, Z), im.pairs.W, pairIndex(L, C, l, l2, x, x2));
        }
      }
    }
  }
  return { mean, trace };
}

/** The batch's moments (exact) for a registry estimator that is a function of the sample. */
export function sampleFunctionWeightMoments(
  images: readonly WeightImage[],
  name: string,
  options: EstimatorOptions = {},
): WeightMoments {
  return batch(
    images.map((im) => {
      const { mean, trace } = sampleFunctionGramTrace(im, name, options);
      return { mean, trace: trace - quadratic(im.gram, mean) };
    }),
  );
}

/** Per image and replicate: E g estimate and, per K, tr(K S) estimate. */
export interface ConditionalGramTrace {
  mean: Float64Array;
  /** tr(K S_K) for each K of the call */
  traces: number[];
}

/**
 * GR-MCK(τ, K) for every K of `Ks` on one image, R replicates of N single ST-GS draws per
 * variable and category (the draws of `conditionalFamilyMoments`, in the same order from `rng`).
 */
export function conditionalGramTraces(
  im: WeightImage,
  tau: number,
  Ks: readonly number[],
  mc: ConditionalMonteCarlo,
): ConditionalGramTrace[] {
  checkImage('conditionalGramTraces', im);
  checkTemperature('conditionalGramTraces', 'tau', tau);
  const { replicates: R, drawsPerReplicate: N, rng } = mc;
  if (!(Number.isInteger(R) && R >= 2))
    throw new Error(`conditionalGramTraces: replicates must be an integer ≥ 2, got ${R}`);
  if (!(Number.isInteger(N) && N >= 2))
    throw new Error(`conditionalGramTraces: drawsPerReplicate must be an integer ≥ 2, got ${N}`);
  if (Ks.length === 0 || Ks.some((K) => !((Number.isInteger(K) && K >= 1) || K === Infinity)))
    throw new Error(`conditionalGramTraces: Ks must be integers ≥ 1 or Infinity, got [${Ks}]`);
  const { L, C, V, W } = im.sums;
  const Kb = new Float64Array(C * C);
  const J = new Float64Array(C * C);
  const T = new Float64Array(C * C);
  const Z = new Float64Array(C * C);
  const out: ConditionalGramTrace[] = [];
  for (let r = 0; r < R; r++) {
    const mean = new Float64Array(L * C);
    const A = Array.from({ length: L }, () => Array.from({ length: C }, () => new Float64Array(C * C)));
    const traces = Ks.map(() => 0);
    for (let l = 0; l < L; l++) {
      gramBlock(im.gram, L, C, l, l, Kb);
      for (let x = 0; x < C; x++) {
        const Alx = A[l][x];
        const at = (l * C + x) * C * C; // W_lx
        let q = 0; // mean over draws of tr(K^{ll} J W_lx Jᵀ) = ⟨Jᵀ K^{ll} J, W_lx⟩
        for (let k = 0; k < N; k++) {
          stGsMatrix(im.logits[l], x, tau, Array.from(rng.exponential(C)), J);
          q += frobenius(mul(J, mul(Kb, J, C, false, T), C, true, Z), W, at) / N;
          for (let i = 0; i < C * C; i++) Alx[i] += J[i] / N;
        }
        // mean: Ā_lx V_lx
        for (let j = 0; j < C; j++) for (let k = 0; k < C; k++) mean[l * C + j] += Alx[j * C + k] * V[at / C + k];
        const ta = frobenius(mul(Alx, mul(Kb, Alx, C, false, T), C, true, Z), W, at);
        const unbiased = (N * ta - q) / (N - 1); // tr(K A W Aᵀ)^
        Ks.forEach((K, j) => (traces[j] += q / K + (1 - 1 / K) * unbiased));
      }
    }
    // l ≠ l': independent noise given the state; the (l', l) term equals the (l, l') term
    let cross = 0;
    for (let l = 0; l < L; l++) {
      for (let l2 = l + 1; l2 < L; l2++) {
        gramBlock(im.gram, L, C, l, l2, Kb);
        for (let x2 = 0; x2 < C; x2++) {
          mul(Kb, A[l2][x2], C, false, T);
          for (let x = 0; x < C; x++)
            cross += 2 * frobenius(mul(A[l][x], T, C, true, Z), im.pairs.W, pairIndex(L, C, l, l2, x, x2));
        }
      }
    }
    out.push({ mean, traces: traces.map((t) => t + cross) });
  }
  return out;
}

/** The batch's moments of GR-MCK(τ, K) for every K of `Ks` (K = 1: ST-GS), R replicates. */
export function conditionalFamilyWeightMoments(
  images: readonly WeightImage[],
  tau: number,
  Ks: readonly number[],
  mc: ConditionalMonteCarlo,
): WeightMoments[] {
  const perImage = images.map((im) => conditionalGramTraces(im, tau, Ks, mc)); // [B][R]
  const R = mc.replicates;
  return Ks.map((_, j) => {
    const replicates = Array.from({ length: R }, (_, r) =>
      batch(
        images.map((im, b) => {
          const { mean, traces } = perImage[b][r];
          return { mean, trace: traces[j] - quadratic(im.gram, mean) };
        }),
      ),
    );
    return averageReplicates(replicates);
  });
}

/** tr(K Cov g) of RLOO(M) on one image (its mean is the exact gradient, sums.gradient). */
export function rlooGramTrace(im: WeightImage, M: number): number {
  checkImage('rlooGramTrace', im);
  if (!(Number.isInteger(M) && M >= 2)) throw new Error(`rlooGramTrace: M must be an integer ≥ 2, got ${M}`);
  const { L, C, p, gradient } = im.sums;
  const n = L * C;
  const K = im.gram;
  const Kp = new Float64Array(n); // K p
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Kp[i] += K[i * n + j] * p[j];
  const pKp = p.reduce((s, pi, i) => s + pi * Kp[i], 0);
  // tr(K E[w h hᵀ]) = ⟨K, P_w⟩ − 2 m_wᵀ K p + (E w) pᵀ K p,   m_w = diag P_w
  const T = im.pairs.pairWeights.map((P) => {
    let t = 0;
    for (let i = 0; i < n * n; i++) t += K[i] * P[i];
    let mKp = 0;
    let total = 0;
    for (let i = 0; i < n; i++) mKp += P[i * n + i] * Kp[i];
    for (let x = 0; x < C; x++) total += P[x * n + x]; // E w (variable 0's marginals)
    return { t: t - 2 * mKp + total * pKp, total };
  });
  const F = T[1].total; // E(f − c)
  const F2 = T[2].total; // E(f − c)²
  const [T0, T1, T2] = T.map((x) => x.t);
  const gKg = quadratic(K, gradient);
  const sigma1 = (T2 - 2 * F * T1 + F * F * T0 - gKg) / 4; // tr K Σ₁
  const sigma2 = (T2 + F2 * T0 - 2 * F * T1) / 2; // tr K Σ₂
  return (2 / (M * (M - 1))) * (2 * (M - 2) * sigma1 + sigma2);
}

/** The batch's moments (exact) of RLOO(M). */
export function rlooWeightMoments(images: readonly WeightImage[], M: number): WeightMoments {
  return batch(images.map((im) => ({ mean: im.sums.gradient, trace: rlooGramTrace(im, M) })));
}

/** Concatenate per-image means; variance (1/B²) Σ_b tr(K_bb Cov_b). */
function batch(perImage: { mean: Float64Array; trace: number }[]): WeightMoments {
  const B = perImage.length;
  if (B === 0) throw new Error('weight moments: no images');
  const n = perImage[0].mean.length;
  const means = new Float64Array(B * n);
  let variance = 0;
  perImage.forEach(({ mean, trace }, b) => {
    means.set(mean, b * n);
    variance += trace / (B * B);
  });
  return { means, variance, replicates: [] };
}

function averageReplicates(replicates: WeightMomentEstimate[]): WeightMoments {
  const R = replicates.length;
  const means = new Float64Array(replicates[0].means.length);
  let variance = 0;
  for (const r of replicates) {
    r.means.forEach((m, i) => (means[i] += m / R));
    variance += r.variance / R;
  }
  return { means, variance, replicates: replicates.map(({ means, variance }) => ({ means, variance })) };
}

/**
 * The moments in θ-space (`Moments` of quality.ts and estimator-moments.ts): mean E G =
 * vjp(means)/B (P numbers), secondMoment ‖E G‖² + variance, replicates likewise. `vjp(u)` is
 * Σ_b J_bᵀ u_b (encoder-gram.ts weightVjp on the same batch).
 */
export function weightSpaceMoments(
  m: WeightMoments,
  B: number,
  vjp: (upstream: Float64Array) => Float64Array,
): Moments {
  const one = (e: WeightMomentEstimate): MomentEstimate => {
    const mean = vjp(e.means).map((g) => g / B);
    let mm = 0;
    for (let i = 0; i < mean.length; i++) mm += mean[i] * mean[i];
    return { mean, secondMoment: mm + e.variance };
  };
  return m.replicates.length === 0 ? { ...one(m), replicates: [] } : fromReplicates(m.replicates.map(one));
}

/**
 * The estimator w.r.t. the encoder weights, ready for quality.ts: the exact target is
 * ∇_θ = (1/B) Σ_b J_bᵀ ∇_b with ∇_b = sums.gradient of image b (`gradient`, [B·L·C]).
 * estimatorQuality uses only inner products and linear combinations of the target and the
 * replicates' means, so target and moments are given as coordinates in an orthonormal basis of
 * their span (R + 1 numbers instead of P ≈ 540k: the same metrics, seconds faster per estimator;
 * `averaged` works on them too).
 */
export function weightMeasured(
  gradient: Float64Array,
  m: WeightMoments,
  B: number,
  vjp: (upstream: Float64Array) => Float64Array,
): Measured {
  const estimates = m.replicates.length > 0 ? m.replicates : [m];
  const [target, ...means] = spanCoordinates(
    [gradient, ...estimates.map((e) => e.means)].map((u) => vjp(u).map((g) => g / B)),
  );
  // E‖G‖² = ‖E G‖² + tr Cov G, per replicate
  const reduced = estimates.map((e, r) => ({
    mean: means[r],
    secondMoment: means[r].reduce((s, x) => s + x * x, 0) + e.variance,
  }));
  return {
    gradient: target,
    moments: m.replicates.length > 0 ? fromReplicates(reduced) : { ...reduced[0], replicates: [] },
  };
}

/** Quality metrics (quality.ts) w.r.t. the encoder weights (see weightMeasured). */
export function weightQuality(
  gradient: Float64Array,
  m: WeightMoments,
  B: number,
  vjp: (upstream: Float64Array) => Float64Array,
  confidence = 0.95,
): Quality {
  const r = weightMeasured(gradient, m, B, vjp);
  return estimatorQuality(r.gradient, r.moments, confidence);
}

/**
 * Every estimator's moments w.r.t. the encoder weights of a batch (family-quality.ts's
 * MomentSource): `vjp(u)` = Σ_b J_bᵀ u_b on the same batch (encoder-gram.ts weightVjp).
 */
export function weightMoments(
  images: readonly WeightImage[],
  vjp: (upstream: Float64Array) => Float64Array,
  mc: ConditionalMonteCarlo,
): MomentSource {
  if (images.length === 0) throw new Error('weightMoments: no images');
  const B = images.length;
  const n = images[0].sums.L * images[0].sums.C;
  const gradient = new Float64Array(B * n);
  images.forEach((im, b) => gradient.set(im.sums.gradient, b * n));
  const measured = (m: WeightMoments) => weightMeasured(gradient, m, B, vjp);
  return {
    sampleFunction: (name, options) => measured(sampleFunctionWeightMoments(images, name, options)),
    conditionalFamily: (tau, Ks) => conditionalFamilyWeightMoments(images, tau, Ks, mc).map(measured),
    rloo: (M) => measured(rlooWeightMoments(images, M)),
  };
}

/**
 * Coordinates of `vectors` in an orthonormal basis of their span: Gram–Schmidt written on their
 * Gram matrix G (a Cholesky factorisation G = RᵀR, column i of R the coordinates of vector i), so
 * the long vectors are read only for the k(k+1)/2 inner products. A vector whose residual is
 * below 1e-10 of its norm lies in the span of the earlier ones and adds no dimension.
 */
export function spanCoordinates(vectors: readonly ArrayLike<number>[]): Float64Array[] {
  const k = vectors.length;
  const G = Array.from({ length: k }, () => new Float64Array(k));
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let d = 0;
      const [a, b] = [vectors[i], vectors[j]];
      for (let t = 0; t < a.length; t++) d += a[t] * b[t];
      G[i][j] = G[j][i] = d;
    }
  }
  const R: number[][] = [];
  const pivots: number[] = []; // the vector that opened each dimension
  for (let i = 0; i < k; i++) {
    const c: number[] = [];
    pivots.forEach((p, j) => {
      // ⟨v_i, e_j⟩ with e_j = (v_p − Σ_{m<j} R_pm e_m) / R_pj
      let s = G[i][p];
      for (let m = 0; m < j; m++) s -= c[m] * R[p][m];
      c.push(s / R[p][j]);
    });
    const residual = G[i][i] - c.reduce((s, x) => s + x * x, 0);
    if (residual > 1e-20 * G[i][i]) {
      c.push(Math.sqrt(residual));
      pivots.push(i);
    }
    R.push(c);
  }
  return R.map((c) => Float64Array.from({ length: pivots.length }, (_, j) => c[j] ?? 0));
}
