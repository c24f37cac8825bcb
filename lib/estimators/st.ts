/**
 * ST, straight-through (PAPER.md "Estimators"): forward the one-hot sample e_x, backward through
 * the probabilities. ST(t) backpropagates through softmax(logits / t) instead (no 1/t factor).
 *     g = (diag(q) − q qᵀ) v,   q = softmax(logits / t),   t = 1 for ST
 * @example stGradient([0, 0], 0, [1, 0])   // → [0.25, -0.25]
 */
import * as tf from '@tensorflow/tfjs';
import { float64, type Field } from '../math/field';
import { softmax, softmaxJacobianProduct, softmaxJacobianProductTensor } from '../math/softmax';
import { drawOneHot, straightThrough, type SampleOptions } from './sample';
import { checkIndex, checkLogitsArray, checkLogitsTensor, checkOptionNames, checkTemperature, checkVector } from './validate';

export interface StOptions extends SampleOptions {
  /** backward temperature t of ST(t); default 1 (plain ST) */
  t?: number;
}

/** ST in any field, given q = softmax(logits / t): g = J(q)ᵀ v. */
export function stGradientOf<T>(F: Field<T>, q: readonly T[], v: readonly T[]): T[] {
  return softmaxJacobianProduct(F, q, v);
}

/** ST / ST(t) gradient w.r.t. the logits, float64 (x does not enter; kept for a uniform signature). */
export function stGradient(logits: readonly number[], x: number, v: readonly number[], options: { t?: number } = {}): number[] {
  checkLogitsArray('stGradient', logits);
  checkIndex('stGradient', x, logits.length);
  checkVector('stGradient', 'v', v, logits.length);
  const t = checkTemperature('stGradient', 't', options.t ?? 1);
  return stGradientOf(float64, softmax(logits, t), v);
}

/** ST / ST(t) categorical sampler: one-hot sample [..., C]; its gradient is ST's. */
export function st(logits: tf.Tensor, options: StOptions): tf.Tensor {
  checkOptionNames('st', options, ['rng', 'x', 't']);
  const C = checkLogitsTensor('st', logits);
  const t = checkTemperature('st', 't', options.t ?? 1);
  return tf.tidy(() => {
    const onehot = drawOneHot('st', logits, C, options); // [..., C]
    return straightThrough([logits], onehot, (dy, [l]) => softmaxJacobianProductTensor(tf.softmax(l.div(t)), dy));
  });
}
