/**
 * Sufficient statistics of a loss over all joint states of L independent categorical variables
 * with C categories each (PAPER.md E1, E4), from which the exact gradient and the exact moments
 * of every estimator follow (latent-moments.ts).
 *
 * Every pathwise estimator acts per variable and is linear in the upstream gradient v:
 * g_l = M_l(x_l) v_l with a C × C matrix that depends on the logits, the sample x_l and, for
 * ST-GS/GR-MCK, the noise. So its moments need, per variable l and category x, only
 *     V_lx = Σ_{s: s_l = x} q(s) v_l(s)              (C)
 *     W_lx = Σ_{s: s_l = x} q(s) v_l(s) v_l(s)ᵀ      (C × C)
 * E g_l = Σ_x M_lx V_lx and E‖g‖² = Σ_lx tr(M_lxᵀ M_lx W_lx). The score-function estimators
 * (RLOO) need scalar sums of f and h = e_s − p (rlooMoments). One pass over the C^L states.
 */
import { rlooFromSums, type Moments, type ScoreSums } from './estimator-moments';
import { jointStates } from './enumerate';

export interface LatentSums {
  L: number;
  C: number;
  /** probabilities, [L·C] */
  p: Float64Array;
  /** E f */
  objective: number;
  /** ∇_logits E f = E[f (e_s − p)], [L·C] */
  gradient: Float64Array;
  /** V_lx, [L·C·C] at ((l·C + x)·C + j) */
  V: Float64Array;
  /** W_lx, [L·C·C·C] at (((l·C + x)·C + j)·C + k) */
  W: Float64Array;
  /** Σ_s q(s) of f, f², ‖h‖², f‖h‖², f²‖h‖² (RLOO) */
  score: ScoreSums;
}

/**
 * The sums over all joint states of variables with probabilities `p` ([L][C]); `state(s, digits)`
 * returns f(s) and v(s) = ∇f at the one-hot state ([L·C]) for state number s (digits s_l in base C,
 * l = 0 most significant, the order of `jointStates`).
 */
export function latentSums(
  p: readonly (readonly number[])[],
  state: (s: number, digits: readonly number[]) => { f: number; v: ArrayLike<number> },
): LatentSums {
  const L = p.length;
  const C = p[0].length;
  if (p.some((pl) => pl.length !== C))
    throw new Error('latentSums: every variable needs the same number of categories');
  const pf = Float64Array.from(p.flat());
  const gradient = new Float64Array(L * C);
  const V = new Float64Array(L * C * C);
  const W = new Float64Array(L * C * C * C);
  const score: ScoreSums = { f: 0, f2: 0, h2: 0, fh2: 0, f2h2: 0 };
  const pSq = p.map((pl) => pl.reduce((s, x) => s + x * x, 0));
  let s = 0;
  for (const digits of jointStates(new Array<number>(L).fill(C))) {
    let q = 1;
    for (let l = 0; l < L; l++) q *= pf[l * C + digits[l]];
    const { f, v } = state(s++, digits);
    if (!Number.isFinite(f)) throw new Error(`latentSums: the loss of state [${digits}] is ${f}`);
    if (v.length !== L * C) throw new Error(`latentSums: v has length ${v.length}, expected ${L * C}`);
    if (q === 0) continue;
    let h2 = 0; // ‖e_s − p‖² = Σ_l (1 − 2 p_l,s_l + ‖p_l‖²)
    for (let l = 0; l < L; l++) {
      const x = digits[l];
      h2 += 1 - 2 * pf[l * C + x] + pSq[l];
      // E[f (e_s − p)]
      for (let j = 0; j < C; j++) gradient[l * C + j] += q * f * ((j === x ? 1 : 0) - pf[l * C + j]);
      const base = (l * C + x) * C;
      for (let j = 0; j < C; j++) {
        const vj = v[l * C + j];
        V[base + j] += q * vj;
        const row = (base + j) * C;
        for (let k = 0; k < C; k++) W[row + k] += q * vj * v[l * C + k];
      }
    }
    score.f += q * f;
    score.f2 += q * f * f;
    score.h2 += q * h2;
    score.fh2 += q * f * h2;
    score.f2h2 += q * f * f * h2;
  }
  return { L, C, p: pf, objective: score.f, gradient, V, W, score };
}

/** Exact moments of RLOO(M) from the sums (the U-statistic identity of rlooMoments). */
export function rlooLatentMoments(sums: LatentSums, M: number): Moments {
  return rlooFromSums(M, sums.gradient, sums.score);
}
