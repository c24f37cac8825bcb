/**
 * GR's moments given the sample, by quadrature (PAPER.md C1, C7): E[J_τ | x] and E[J_τ J_τ | x],
 * J_τ(s) = (diag(y) − y yᵀ)/τ with y = softmax(s/τ) at the Gumbel perturbation s given argmax = x.
 * GR-MCK averages K draws of J_τ v, so these two matrices give its moments for every K exactly
 * (latent-moments.ts), with no Monte Carlo noise to decide C7 by.
 *
 * Given x, t_j = s_x − s_j ≥ 0 (j ≠ x) has the density
 *     f(t) = (C − 1)! Π_j p_j e^{t_j} / (p_x + Σ_j p_j e^{t_j})^C
 * (the Gumbel joint density integrated over s_x with u = e^{−s_x}: a Gamma integral, divided by
 * P(x) = p_x), and J_τ depends on s only through t: y_x = 1/(1 + Σ_j r_j), y_j = r_j y_x,
 * r_j = e^{−t_j/τ}. The integral over [0, ∞)^{C−1} is a tensor Gauss–Legendre rule on panels per
 * coordinate: [0, h], [h, 2h], [2h, 4h], … (τ's scale near 0, where J_τ varies) doubling up to
 * `maxWidth`, then of that width up to T_j, past which f's tail holds less than 1e-15 of the mass
 * (the tail of t_j falls like e^{−t}/p_j: T_j = 35 + log(1/p_j)). Cost (points per coordinate)^{C−1}:
 * meant for C ≤ 4 (the toys); accuracy is tested against the binary closed quadrature, C1's τ → 0
 * limit (ZGR's Jacobian), a finer rule and the Monte Carlo.
 */
import { softmax } from '../math/softmax';
import { checkTemperature } from '../estimators/validate';

export interface QuadratureRule {
  /** Gauss–Legendre points per panel */
  points: number;
  /** the first panel is [0, h] with h = firstWidth · min(τ, 1) */
  firstWidth: number;
  /** panels double up to this width, then keep it */
  maxWidth: number;
}

/** About 1e-10 on the toys (test/exact/conditional-jacobian.test.ts measures it against a finer rule). */
export const DEFAULT_RULE: QuadratureRule = { points: 8, firstWidth: 0.25, maxWidth: 2 };

/** Gauss–Legendre nodes and weights on [−1, 1] (Newton on the Legendre recurrence; n ≤ 64). */
export function gaussLegendre(n: number): { nodes: Float64Array; weights: Float64Array } {
  if (!(Number.isInteger(n) && n >= 1 && n <= 64))
    throw new Error(`gaussLegendre: n must be an integer in [1, 64], got ${n}`);
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let z = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 0;
    for (let it = 0; it < 100; it++) {
      let p0 = 1;
      let p1 = z;
      for (let k = 2; k <= n; k++) [p0, p1] = [p1, ((2 * k - 1) * z * p1 - (k - 1) * p0) / k];
      dp = (n * (z * p1 - p0)) / (z * z - 1); // P_n'(z) from P_n = p1, P_{n−1} = p0
      const dz = p1 / dp;
      z -= dz;
      if (Math.abs(dz) < 1e-16) break;
    }
    nodes[i] = z;
    weights[i] = 2 / ((1 - z * z) * dp * dp);
  }
  return { nodes, weights };
}

/**
 * Nodes and weights on [0, end] for one coordinate: panels doubling from h up to maxWidth while
 * t < bulk (where the density of t_j has its bulk and its scale-1 features), doubling freely after
 * (there only f's e^{−t} tail is left, smooth on any scale).
 */
function panelRule(end: number, h: number, bulk: number, rule: QuadratureRule): { t: number[]; w: number[] } {
  const { nodes, weights } = gaussLegendre(rule.points);
  const t: number[] = [];
  const w: number[] = [];
  let a = 0;
  let width = h;
  while (a < end) {
    const b = Math.min(end, a + width);
    for (let k = 0; k < nodes.length; k++) {
      t.push((a + b) / 2 + ((b - a) / 2) * nodes[k]);
      w.push(((b - a) / 2) * weights[k]);
    }
    a = b;
    width = b < bulk ? Math.min(rule.maxWidth, 2 * width) : 2 * width;
  }
  return { t, w };
}

/**
 * E[J_τ | x] (A) and E[J_τ J_τ | x] (Q), C × C row-major, by quadrature of the conditional Gumbel
 * density. C ≤ 4 (the cost grows like (points per coordinate)^{C−1}).
 */
export function conditionalJacobianMoments(
  logits: readonly number[],
  x: number,
  tau: number,
  rule: QuadratureRule = DEFAULT_RULE,
): { A: Float64Array; Q: Float64Array } {
  const C = logits.length;
  if (!(C >= 2 && C <= 4))
    throw new Error(`conditionalJacobianMoments: C must be 2, 3 or 4 (tensor quadrature), got ${C}`);
  if (!(Number.isInteger(x) && x >= 0 && x < C))
    throw new Error(`conditionalJacobianMoments: x must be an index in [0, ${C}), got ${x}`);
  checkTemperature('conditionalJacobianMoments', 'tau', tau);
  const p = softmax(logits);
  const others = [...Array(C).keys()].filter((j) => j !== x);
  const h = rule.firstWidth * Math.min(tau, 1);
  // per coordinate: nodes, then the factors of f and of y at each node
  // Past c_j = 40τ, r_j < 1e-17: t_j no longer moves y, and its integral to ∞ is closed-form,
  //     ∫_c^∞ p_j e^{t} / (D + p_j e^{t})^m dt = 1 / ((m − 1)(D + p_j e^{c})^{m − 1}),
  // so the tail of each coordinate is one extra node ("tail": r_j = 0, p_j e^{c} in the
  // denominator, whose power and factorial drop by one per tail node).
  const axes = others.map((j) => {
    const T = 35 + Math.max(0, -Math.log(p[j])); // f's tail past T: below 1e-15
    const c = Math.min(T, 40 * tau);
    const { t, w } = panelRule(c, h, Math.log(p[x] / p[j]) + 6, rule);
    const tail = c < T;
    return {
      j,
      // quadrature weight × p_j e^{t_j}
      weight: [...t.map((tk, k) => w[k] * p[j] * Math.exp(tk)), ...(tail ? [1] : [])],
      z: [...t.map((tk) => p[j] * Math.exp(tk)), ...(tail ? [p[j] * Math.exp(c)] : [])], // a term of the denominator
      r: [...t.map((tk) => Math.exp(-tk / tau)), ...(tail ? [0] : [])], // e^{−t_j/τ}
      tailAt: tail ? t.length : -1,
    };
  });
  const factorials = [1, 1, 2, 6]; // (C − 1 − tails)!
  const A = new Float64Array(C * C);
  const Q = new Float64Array(C * C);
  const y = new Float64Array(C);
  const J = new Float64Array(C * C);
  const idx = new Array<number>(axes.length).fill(0);
  const sizes = axes.map((ax) => ax.weight.length);
  for (;;) {
    // one tensor point: f(t) × weights, and y at t
    let weight = 1;
    let Z = p[x];
    let R = 1;
    let tails = 0;
    for (let d = 0; d < axes.length; d++) {
      const k = idx[d];
      weight *= axes[d].weight[k];
      Z += axes[d].z[k];
      R += axes[d].r[k];
      if (k === axes[d].tailAt) tails++;
    }
    weight *= factorials[C - 1 - tails] / Z ** (C - tails);
    y[x] = 1 / R;
    for (let d = 0; d < axes.length; d++) y[axes[d].j] = axes[d].r[idx[d]] / R;
    for (let i = 0; i < C; i++) for (let k = 0; k < C; k++) J[i * C + k] = ((i === k ? y[i] : 0) - y[i] * y[k]) / tau;
    for (let i = 0; i < C; i++) {
      for (let k = i; k < C; k++) {
        let q = 0;
        for (let m = 0; m < C; m++) q += J[i * C + m] * J[m * C + k];
        A[i * C + k] += weight * J[i * C + k];
        Q[i * C + k] += weight * q;
      }
    }
    // next index (odometer)
    let d = 0;
    while (d < axes.length && ++idx[d] === sizes[d]) idx[d++] = 0;
    if (d === axes.length) break;
  }
  for (let i = 0; i < C; i++)
    for (let k = 0; k < i; k++) {
      A[i * C + k] = A[k * C + i];
      Q[i * C + k] = Q[k * C + i];
    }
  return { A, Q };
}
