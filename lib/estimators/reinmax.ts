/**
 * ReinMax (Liu et al. 2023; PAPER.md "Estimators"), a second-order-accurate straight-through
 * estimator and a newer peer of ZGR.
 *     g = 2 J(π)ᵀ v − J(p)ᵀ v / 2,   π = (softmax(logits / tau) + e_x) / 2,   J(q) = diag(q) − q qᵀ
 * @example reinmaxGradient([1, 0], 0, [1, 0], { tau: 2 })   // (τ = 1: ZGR's [0.1345, −0.1345]) → [0.208, −0.208]
 */
import * as tf from '@tensorflow/tfjs';
import { softmax, softmaxJacobianProduct64, softmaxJacobianProductTensor } from '../math/softmax';
import { drawOneHot, straightThrough, type SampleOptions } from './sample';
import {
  checkIndex,
  checkLogitsArray,
  checkLogitsTensor,
  checkOptionNames,
  checkTemperature,
  checkVector,
} from './validate';

export interface ReinmaxOptions extends SampleOptions {
  /** temperature of the softmax inside π, > 0 */
  tau: number;
}

/** ReinMax gradient w.r.t. the logits, float64. */
export function reinmaxGradient(
  logits: readonly number[],
  x: number,
  v: readonly number[],
  options: { tau: number },
): number[] {
  checkLogitsArray('reinmaxGradient', logits);
  checkIndex('reinmaxGradient', x, logits.length);
  checkVector('reinmaxGradient', 'v', v, logits.length);
  const tau = checkTemperature('reinmaxGradient', 'tau', options?.tau);
  const pi = softmax(logits, tau).map((qj, j) => (qj + (j === x ? 1 : 0)) / 2); // π
  const jPi = softmaxJacobianProduct64(pi, v); //              J(π)ᵀ v
  const jP = softmaxJacobianProduct64(softmax(logits), v); //  J(p)ᵀ v
  return jPi.map((a, j) => 2 * a - jP[j] / 2);
}

/** ReinMax backward on tensors: 2 J(π)ᵀ v − J(p)ᵀ v / 2 over the last axis (also ReinMax-CV's first term). */
export function reinmaxBackward(logits: tf.Tensor, onehot: tf.Tensor, v: tf.Tensor, tau: number): tf.Tensor {
  return tf.tidy(() => {
    const pi = tf.softmax(logits.div(tau)).add(onehot).mul(0.5); // π   [..., C]
    const jPi = softmaxJacobianProductTensor(pi, v);
    const jP = softmaxJacobianProductTensor(tf.softmax(logits), v);
    return jPi.mul(2).sub(jP.mul(0.5)); // [..., C]
  });
}

/** ReinMax categorical sampler: one-hot sample [..., C]; its gradient is ReinMax's. */
export function reinmax(logits: tf.Tensor, options: ReinmaxOptions): tf.Tensor {
  options = checkOptionNames('reinmax', options, ['rng', 'x', 'tau']);
  const C = checkLogitsTensor('reinmax', logits);
  const tau = checkTemperature('reinmax', 'tau', options.tau);
  return tf.tidy(() => {
    const onehot = drawOneHot('reinmax', logits, C, options); // [..., C]
    return straightThrough([logits, onehot], onehot, (dy, [l, e]) => reinmaxBackward(l, e, dy, tau));
  });
}
