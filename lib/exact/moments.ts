/**
 * Exact gradient and exact moments of sample-function estimators, by enumerating joint states
 * (PAPER.md E1). In a field (rational for the equality claims) for means; float64 for variance,
 * MSE and cosine.
 */
import type { Field } from '../math/field';
import { dot } from '../math/vector';
import { jointStates, numJointStates, oneHotConcat, splitByVariable, stateProbability } from './enumerate';
import type { Loss } from './polynomial';

/** One joint sample as an estimator sees it: the state, z, f(z) and v = ∇f(z) per variable. */
export interface Draw<T> {
  state: number[];
  z: T[];
  f: T;
  v: T[][];
}

/** An estimator as a function of M iid joint samples: an estimate of dL/dlogits per variable. */
export interface SampleEstimator<T> {
  /** the number of samples it consumes (1 for single-sample estimators) */
  M: number;
  estimate(draws: readonly Draw<T>[]): T[][];
}

/** A single-sample estimator that acts per variable: g_i = est(i, x_i, v_i, f). */
export function perVariable<T>(est: (i: number, x: number, v: readonly T[], f: T) => T[]): SampleEstimator<T> {
  return { M: 1, estimate: ([d]) => d.state.map((x, i) => est(i, x, d.v[i], d.f)) };
}

/** A problem of exact analysis: probabilities of independent variables and a loss of z. */
export interface Problem<T> {
  F: Field<T>;
  /** p[i] = probabilities of variable i (each sums to one) */
  p: T[][];
  loss: Loss<T>;
}

/** All joint states with their probability, z, f and ∇f. */
export function draws<T>({ F, p, loss }: Problem<T>): { prob: T; draw: Draw<T> }[] {
  const Cs = p.map((pi) => pi.length);
  const out: { prob: T; draw: Draw<T> }[] = [];
  for (const state of jointStates(Cs)) {
    const z = oneHotConcat(F, Cs, state);
    out.push({
      prob: stateProbability(F, p, state),
      draw: { state, z, f: loss.value(z), v: splitByVariable(Cs, loss.gradient(z)) },
    });
  }
  return out;
}

/**
 * L = E f and its exact gradient w.r.t. the logits:
 *     dL/dlogits_ij = p_ij (E[f | x_i = j] − L) = E[f (e_{x_i} − p_i)]_j
 */
export function exactGradient<T>(problem: Problem<T>): { objective: T; gradient: T[][] } {
  const { F, p } = problem;
  let L = F.zero;
  const grad = p.map((pi) => pi.map(() => F.zero));
  for (const { prob, draw } of draws(problem)) {
    const pf = F.mul(prob, draw.f);
    L = F.add(L, pf);
    draw.state.forEach((x, i) => {
      p[i].forEach((pij, j) => (grad[i][j] = F.add(grad[i][j], F.mul(pf, j === x ? F.sub(F.one, pij) : F.neg(pij)))));
    });
  }
  return { objective: L, gradient: grad };
}

/** Visit every M-tuple of joint states with its probability. */
function forEachTuple<T>(problem: Problem<T>, M: number, visit: (prob: T, tuple: Draw<T>[]) => void): void {
  const { F } = problem;
  const all = draws(problem);
  if (M === 1) {
    for (const { prob, draw } of all) visit(prob, [draw]);
    return;
  }
  const S = all.length;
  if (S ** M > 5e6) throw new Error(`exact moments: ${S}^${M} sample tuples are too many to enumerate`);
  for (const idx of jointStates(new Array<number>(M).fill(S))) {
    visit(
      idx.reduce((acc, k) => F.mul(acc, all[k].prob), F.one),
      idx.map((k) => all[k].draw),
    );
  }
}

/** E[g] exactly, in the problem's field. */
export function estimatorMean<T>(problem: Problem<T>, est: SampleEstimator<T>): T[][] {
  const { F, p } = problem;
  const mean = p.map((pi) => pi.map(() => F.zero));
  forEachTuple(problem, est.M, (prob, tuple) => {
    est.estimate(tuple).forEach((gi, i) => gi.forEach((gij, j) => (mean[i][j] = F.add(mean[i][j], F.mul(prob, gij)))));
  });
  return mean;
}

/** Bias, variance and agreement of an estimator with the exact gradient (all exact up to float64). */
export interface EstimatorStats {
  mean: number[][];
  /** E[g] − ∇L */
  bias: number[][];
  /** ‖E[g] − ∇L‖ */
  biasNorm: number;
  /** E‖g − E[g]‖², the trace of the covariance */
  variance: number;
  /** E‖g − ∇L‖² = ‖bias‖² + variance */
  mse: number;
  /** E[cos(g, ∇L)], with cos = 0 where g = 0 */
  cosine: number;
}

const flat = (g: number[][]) => g.flat();

/** Exact float64 moments of an estimator by enumeration of all (tuples of) joint states. */
export function estimatorStats(problem: Problem<number>, est: SampleEstimator<number>): EstimatorStats {
  const exact = exactGradient(problem).gradient;
  const grad = flat(exact);
  const mean = estimatorMean(problem, est);
  const m = flat(mean);
  let variance = 0;
  let cosine = 0;
  const gradNorm = Math.sqrt(dot(grad, grad));
  forEachTuple(problem, est.M, (prob, tuple) => {
    const g = flat(est.estimate(tuple));
    const d = g.map((gj, j) => gj - m[j]);
    variance += prob * dot(d, d);
    const gNorm = Math.sqrt(dot(g, g));
    if (gNorm > 0 && gradNorm > 0) cosine += (prob * dot(g, grad)) / (gNorm * gradNorm);
  });
  const bias = mean.map((mi, i) => mi.map((mij, j) => mij - exact[i][j]));
  const biasNorm = Math.sqrt(dot(flat(bias), flat(bias)));
  return { mean, bias, biasNorm, variance, mse: biasNorm ** 2 + variance, cosine };
}
