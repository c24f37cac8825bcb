/**
 * The first two moments of a gradient estimator g ∈ Rⁿ — its mean E g and E‖g‖² — over an
 * enumerable set of states (PAPER.md E1, E4; claim C7). Everything the quality metrics need
 * (lib/exact/quality.ts) is a function of these two, so one accumulator serves the toy problems
 * (registryStats), the VAE (lib/models/vae-exact.ts) and the quantised net (lib/models/quantised-exact.ts).
 *
 * - Functions of the sample (ST, ST(t), DARN, ZGR, ST-ZGR, ReinMax): exact sums over the states
 *   weighted by their probability (`exactMoments`).
 * - Estimators with continuous noise given the state (ST-GS, GR-MCK): exact over the states,
 *   Monte Carlo over the noise (`conditionalMoments`). The draws are split into R independent
 *   replicates (batch means); the spread of the replicates' moments gives calibrated standard
 *   errors by the delta method (quality.ts). GR-MCK averages K iid conditional draws, so
 *       E[g_K | s] = μ_s,   Cov[g_K | s] = Σ_s / K,   E‖g_K‖² = Σ_s w_s (‖μ_s‖² + tr Σ_s / K),
 *   and one set of single-perturbation draws gives the moments of every K at once.
 * - RLOO(M): exact for every M by the U-statistic identity (`rlooMoments`).
 */
import { dot } from '../math/vector';

/** Mean and second moment of one estimate of the moments (a replicate). */
export interface MomentEstimate {
  /** E g */
  mean: Float64Array;
  /** E‖g‖² */
  secondMoment: number;
}

export interface Moments extends MomentEstimate {
  /** R independent replicate estimates whose average is `mean`/`secondMoment`; empty when exact */
  replicates: MomentEstimate[];
}

function checkWeight(where: string, w: number): void {
  if (!(Number.isFinite(w) && w >= 0)) throw new Error(`${where}: state weight must be finite and ≥ 0, got ${w}`);
}

function checkValue(where: string, g: ArrayLike<number>, n: number): void {
  if (g.length !== n) throw new Error(`${where}: estimate has length ${g.length}, expected ${n}`);
  for (let i = 0; i < n; i++) if (!Number.isFinite(g[i])) throw new Error(`${where}: estimate entry ${i} is ${g[i]}`);
}

/**
 * Exact moments of a function of the state: E g = Σ_s w_s g_s, E‖g‖² = Σ_s w_s ‖g_s‖².
 * `visit` calls `add(w, g)` once per state (the weights sum to one).
 */
export function exactMoments(n: number, visit: (add: (w: number, g: ArrayLike<number>) => void) => void): Moments {
  const mean = new Float64Array(n);
  let secondMoment = 0;
  visit((w, g) => {
    checkWeight('exactMoments', w);
    checkValue('exactMoments', g, n);
    if (w === 0) return;
    for (let i = 0; i < n; i++) mean[i] += w * g[i];
    secondMoment += w * dot(g, g);
  });
  return { mean, secondMoment, replicates: [] };
}

export interface ConditionalOptions {
  /** independent replicates (batch means) for the standard errors; ≥ 2 */
  replicates: number;
  /** draws of the noise per state and replicate; ≥ 2 */
  drawsPerReplicate: number;
  /** numbers of averaged conditional draws (GR-MCK's K; K = 1 is ST-GS; K = Infinity gives E[g | s] itself) */
  Ks: readonly number[];
}

/**
 * Moments of E[g | s] averaged over K conditional draws, for every K of `options.Ks`, from
 * single draws: `visit` calls `add(w, draw)` once per state, and `draw()` returns one estimate
 * given the state (fresh noise each call; the returned array may be reused by the caller).
 * Per replicate r and state s, with N draws, mean ḡ and unbiased trace variance t̂:
 *     m_r = Σ_s w_s ḡ,   S2_{K,r} = Σ_s w_s (‖ḡ‖² + (1/K − 1/N) t̂)       (E‖ḡ‖² = ‖μ‖² + tr Σ / N)
 */
export function conditionalMoments(
  n: number,
  options: ConditionalOptions,
  visit: (add: (w: number, draw: () => ArrayLike<number>) => void) => void,
): Moments[] {
  const { replicates: R, drawsPerReplicate: N, Ks } = options;
  if (!(Number.isInteger(R) && R >= 2))
    throw new Error(`conditionalMoments: replicates must be an integer ≥ 2, got ${R}`);
  if (!(Number.isInteger(N) && N >= 2))
    throw new Error(`conditionalMoments: drawsPerReplicate must be an integer ≥ 2, got ${N}`);
  if (Ks.length === 0 || Ks.some((K) => !((Number.isInteger(K) && K >= 1) || K === Infinity)))
    throw new Error(`conditionalMoments: Ks must be integers ≥ 1 or Infinity, got [${Ks}]`);
  const means = Array.from({ length: R }, () => new Float64Array(n));
  const second = Ks.map(() => new Float64Array(R));
  const sum = new Float64Array(n);
  visit((w, draw) => {
    checkWeight('conditionalMoments', w);
    if (w === 0) return;
    for (let r = 0; r < R; r++) {
      sum.fill(0);
      let sumSq = 0;
      for (let k = 0; k < N; k++) {
        const g = draw();
        checkValue('conditionalMoments', g, n);
        for (let i = 0; i < n; i++) sum[i] += g[i];
        sumSq += dot(g, g);
      }
      const meanSq = dot(sum, sum) / (N * N); // ‖ḡ‖²
      const traceVar = (sumSq - N * meanSq) / (N - 1); // t̂
      const m = means[r];
      for (let i = 0; i < n; i++) m[i] += (w * sum[i]) / N;
      Ks.forEach((K, j) => (second[j][r] += w * (meanSq + (1 / K - 1 / N) * traceVar)));
    }
  });
  return Ks.map((_, j) => fromReplicates(means.map((mean, r) => ({ mean, secondMoment: second[j][r] }))));
}

/** Moments whose estimate is the average of independent replicates. */
export function fromReplicates(replicates: MomentEstimate[]): Moments {
  const R = replicates.length;
  const n = replicates[0].mean.length;
  const mean = new Float64Array(n);
  let secondMoment = 0;
  for (const r of replicates) {
    for (let i = 0; i < n; i++) mean[i] += r.mean[i] / R;
    secondMoment += r.secondMoment / R;
  }
  return { mean, secondMoment, replicates };
}

/**
 * Exact moments of RLOO(M) (Kool et al. 2019; PAPER.md), from single-state sums. With the score
 * h = e_x − p (concatenated over variables) and f the loss of a sample, RLOO(M) is the
 * U-statistic of the kernel ψ(a, b) = ½ (f_a − f_b)(h_a − h_b), so (Hoeffding)
 *     E g = E[f h] = ∇L,   tr Cov g = 2/(M(M−1)) · (2(M−2) ζ₁ + ζ₂),
 *     ζ₁ = ¼ (E[(f − F)² ‖h‖²] − ‖∇L‖²),
 *     ζ₂ = ½ (E[f² ‖h‖²] + E[f²] E‖h‖² − 2 F E[f ‖h‖²]),     F = E f
 * (ψ₁(a) = E_b ψ(a, b) = ½((f_a − F) h_a + ∇L); ζ₁ = tr Cov ψ₁, ζ₂ = tr Cov ψ).
 * `visit` calls `add(w, f, h)` once per state.
 */
export function rlooMoments(
  M: number,
  n: number,
  visit: (add: (w: number, f: number, h: ArrayLike<number>) => void) => void,
): Moments {
  checkM('rlooMoments', M);
  const mean = new Float64Array(n); // E[f h]
  const sums: ScoreSums = { f: 0, f2: 0, h2: 0, fh2: 0, f2h2: 0 };
  visit((w, f, h) => {
    checkWeight('rlooMoments', w);
    checkValue('rlooMoments', h, n);
    if (!Number.isFinite(f)) throw new Error(`rlooMoments: loss is ${f}`);
    const hh = dot(h, h);
    for (let i = 0; i < n; i++) mean[i] += w * f * h[i];
    sums.f += w * f;
    sums.f2 += w * f * f;
    sums.h2 += w * hh;
    sums.fh2 += w * f * hh;
    sums.f2h2 += w * f * f * hh;
  });
  return rlooFromSums(M, mean, sums);
}

/** E over the states of f, f², ‖h‖², f‖h‖² and f²‖h‖², h = e_s − p (RLOO's moments). */
export interface ScoreSums {
  f: number;
  f2: number;
  h2: number;
  fh2: number;
  f2h2: number;
}

/** RLOO(M)'s moments from E[f h] (= ∇L) and the scalar sums (see rlooMoments). */
export function rlooFromSums(M: number, gradient: Float64Array, sums: ScoreSums): Moments {
  checkM('rlooFromSums', M);
  const grad2 = dot(gradient, gradient);
  const { f: F, f2, h2, fh2, f2h2 } = sums;
  const zeta1 = (f2h2 - 2 * F * fh2 + F * F * h2 - grad2) / 4;
  const zeta2 = (f2h2 + f2 * h2 - 2 * F * fh2) / 2;
  const variance = (2 / (M * (M - 1))) * (2 * (M - 2) * zeta1 + zeta2);
  return { mean: Float64Array.from(gradient), secondMoment: grad2 + variance, replicates: [] };
}

function checkM(where: string, M: number): void {
  if (!(Number.isInteger(M) && M >= 2)) throw new Error(`${where}: M must be an integer ≥ 2, got ${M}`);
}

/** The moments of the mean of M independent estimates (equal-cost comparisons, PAPER.md C7). */
export function averaged(m: Moments, M: number): Moments {
  if (!(Number.isInteger(M) && M >= 1)) throw new Error(`averaged: M must be an integer ≥ 1, got ${M}`);
  const avg = (e: MomentEstimate): MomentEstimate => {
    const mm = dot(e.mean, e.mean);
    return { mean: e.mean, secondMoment: mm + (e.secondMoment - mm) / M };
  };
  return m.replicates.length > 0 ? fromReplicates(m.replicates.map(avg)) : { ...avg(m), replicates: [] };
}

/**
 * Moments of the concatenation (s·g₁, …, s·g_B) of independent blocks scaled by s, e.g. the
 * gradient of a batch mean w.r.t. the logits of its B images (s = 1/B): E‖g‖² = s² Σ_b E‖g_b‖².
 */
export function concatenated(blocks: Moments[], scale = 1): Moments {
  const R = blocks[0].replicates.length;
  if (blocks.some((b) => b.replicates.length !== R))
    throw new Error('concatenated: every block needs the same number of replicates');
  const cat = (parts: MomentEstimate[]): MomentEstimate => {
    const n = parts.reduce((s, p) => s + p.mean.length, 0);
    const mean = new Float64Array(n);
    let k = 0;
    for (const p of parts) {
      for (let i = 0; i < p.mean.length; i++) mean[k++] = scale * p.mean[i];
    }
    return { mean, secondMoment: scale * scale * parts.reduce((s, p) => s + p.secondMoment, 0) };
  };
  if (R === 0) return { ...cat(blocks), replicates: [] };
  return fromReplicates(Array.from({ length: R }, (_, r) => cat(blocks.map((b) => b.replicates[r]))));
}
