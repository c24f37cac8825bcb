/**
 * DARN, categorical (PAPER.md "Estimators"): REINFORCE with the first-order Taylor baseline taken
 * around the mean p, which leaves a term linear in the sample.
 *     g = ⟨v, e_x − p⟩ (e_x − p)
 * @example darnGradient([0, 0], 0, [1, 0])   // → [0.25, -0.25]
 */
import * as tf from '@tensorflow/tfjs';
import { dotIn, float64, type Field } from '../math/field';
import { softmax } from '../math/softmax';
import { drawOneHot, straightThrough, type SampleOptions } from './sample';
import { checkIndex, checkLogitsArray, checkLogitsTensor, checkOptionNames, checkVector } from './validate';

/** DARN in any field, given p = softmax(logits). */
export function darnGradientOf<T>(F: Field<T>, p: readonly T[], x: number, v: readonly T[]): T[] {
  const d = p.map((pj, j) => (j === x ? F.sub(F.one, pj) : F.neg(pj))); // e_x − p
  const vd = dotIn(F, v, d); // ⟨v, e_x − p⟩
  return d.map((dj) => F.mul(vd, dj));
}

/** DARN gradient w.r.t. the logits, float64. */
export function darnGradient(logits: readonly number[], x: number, v: readonly number[]): number[] {
  checkLogitsArray('darnGradient', logits);
  checkIndex('darnGradient', x, logits.length);
  checkVector('darnGradient', 'v', v, logits.length);
  return darnGradientOf(float64, softmax(logits), x, v);
}

/** DARN categorical sampler: one-hot sample [..., C]; its gradient is DARN's. */
export function darn(logits: tf.Tensor, options: SampleOptions): tf.Tensor {
  options = checkOptionNames('darn', options, ['rng', 'x']);
  const C = checkLogitsTensor('darn', logits);
  return tf.tidy(() => {
    const onehot = drawOneHot('darn', logits, C, options); // [..., C]
    return straightThrough([logits, onehot], onehot, (dy, [l, e]) => {
      const d = e.sub(tf.softmax(l)); // e_x − p   [..., C]
      return d.mul(dy.mul(d).sum(-1, true)); // ⟨v, e_x − p⟩ (e_x − p)   [..., C]
    });
  });
}
