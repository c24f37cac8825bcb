/**
 * GR-MCK, Gumbel-Rao with K Monte Carlo samples (Paulus et al. 2021; PAPER.md "Estimators";
 * claims C1, C4, C6, C7): ST-GS's backward averaged over K perturbations drawn from the Gumbel
 * distribution conditioned on the sample, held constant. With K = 1 this is ST-GS.
 *     g = (1/K) Σ_k J_tau(s^k)ᵀ v,   s^k = logits + G^k,   G^k ~ Gumbel | argmax(logits + G) = x
 * Conditional draw from E ~ Exp(1)^C, Z = Σ_j exp(logits_j), in log space:
 *     s_x = log Z − log E_x,   s_j = −log(E_j exp(−logits_j) + E_x / Z)   (j ≠ x)
 * @example grMckGradient([0, 0], 0, [1, 0], { tau: 1, K: 1 }, [[1, 1]])   // s = [0.6931, −0.4055] → [0.1875, −0.1875]
 */
import * as tf from '@tensorflow/tfjs';
import { logSumExp } from '../math/softmax';
import type { Random } from '../random';
import { checkNoiseShape, temperedJacobianProduct, temperedJacobianProductTensor } from './gs';
import { drawOneHot, exponentialTensor, heldConstant, requireRng, straightThrough, type SampleOptions } from './sample';
import {
  checkExponentialRows,
  checkIndex,
  checkK,
  checkLogitsArray,
  checkLogitsTensor,
  checkOptionNames,
  checkTemperature,
  checkVector,
} from './validate';

export interface GrMckOptions extends SampleOptions {
  /** temperature of the relaxation, > 0 */
  tau: number;
  /** number of conditional perturbations averaged, integer ≥ 1 */
  K: number;
  /** given Exp(1) noise [K, ..., C] for the conditional draw (else drawn from rng) */
  exponentials?: tf.Tensor;
}

/** log(e^a + e^b) without overflow. */
function logAddExp(a: number, b: number): number {
  const m = Math.max(a, b);
  return m + Math.log1p(Math.exp(-Math.abs(a - b)));
}

/** Perturbed logits s = logits + G given argmax(s) = x, from E ~ Exp(1)^C, float64 (log space). */
export function conditionalGumbel(logits: readonly number[], x: number, E: readonly number[]): number[] {
  const logZ = logSumExp(logits);
  const logEx = Math.log(E[x]);
  // log space: e^{-logits_j} overflows for logits below about −709, and Z for logits above 709
  return logits.map((l, j) => (j === x ? logZ - logEx : -logAddExp(Math.log(E[j]) - l, logEx - logZ)));
}

/** The same conditional draw on tensors: logits [..., C], onehot [..., C], E [K, ..., C] → [K, ..., C]. */
export function conditionalGumbelTensor(logits: tf.Tensor, onehot: tf.Tensor, E: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const logZ = tf.logSumExp(logits, -1, true); //       [..., 1]
    const logE = tf.log(E); //                            [K, ..., C]
    const logEx = logE.mul(onehot).sum(-1, true); //      [K, ..., 1]
    const sx = logZ.sub(logEx); //                        [K, ..., 1]
    const a = logE.sub(logits); //                        [K, ..., C]
    // broadcast explicitly: tfjs's maximum gradient mishandles broadcasting
    const b = tf.broadcastTo(logEx.sub(logZ), a.shape); //  [K, ..., C]
    const m = tf.maximum(a, b);
    const sOther = m.add(tf.log1p(tf.exp(a.sub(b).abs().neg()))).neg(); // −logaddexp(a, b)  [K, ..., C]
    return onehot.mul(sx).add(tf.scalar(1).sub(onehot).mul(sOther)); // [K, ..., C]
  });
}

/** GR-MCK gradient w.r.t. the logits, float64, given K rows of Exp(1) noise of length C. */
export function grMckGradient(
  logits: readonly number[],
  x: number,
  v: readonly number[],
  options: { tau: number; K: number },
  exponentials: readonly (readonly number[])[],
): number[] {
  checkLogitsArray('grMckGradient', logits);
  checkIndex('grMckGradient', x, logits.length);
  checkVector('grMckGradient', 'v', v, logits.length);
  const tau = checkTemperature('grMckGradient', 'tau', options?.tau);
  const K = checkK('grMckGradient', options?.K);
  checkExponentialRows('grMckGradient', K, exponentials, logits.length);
  const g = new Array<number>(logits.length).fill(0);
  for (const E of exponentials) {
    checkVector('grMckGradient', 'exponentials row', E, logits.length);
    temperedJacobianProduct(conditionalGumbel(logits, x, E), v, tau).forEach((gj, j) => (g[j] += gj / K));
  }
  return g;
}

/** GR-MCK categorical sampler: one-hot sample [..., C]; its gradient is GR-MCK's. */
export function grMck(logits: tf.Tensor, options: GrMckOptions): tf.Tensor {
  options = checkOptionNames('grMck', options, ['rng', 'x', 'tau', 'K', 'exponentials']);
  const C = checkLogitsTensor('grMck', logits);
  const tau = checkTemperature('grMck', 'tau', options.tau);
  const K = checkK('grMck', options.K);
  return tf.tidy(() => {
    const onehot = drawOneHot('grMck', logits, C, options); // [..., C]
    const shape = [K, ...logits.shape];
    const E = options.exponentials ?? exponentialTensor(requireRng('grMck', options.rng, 'exponentials'), shape);
    checkNoiseShape('grMck', 'exponentials', E, shape);
    // the perturbations are held constant: built off the tape, they enter as inputs whose gradient is dropped
    const s = heldConstant(() => conditionalGumbelTensor(logits, onehot, E)); // [K, ..., C]
    return straightThrough([logits, s], onehot, (dy, [, sk]) => temperedJacobianProductTensor(sk, dy, tau).mean(0));
  });
}
