/**
 * The ST-ZGR family (PAPER.md "Estimators"; claim C7): a convex combination indexed by a ∈ [0, 1],
 * from ST (a = 0) to ZGR (a = 1).
 *     g = (1 − a) ST + a ZGR
 * @example stZgrGradient([0, 0], 0, [1, 0], { a: 0.5 })   // → [0.25, -0.25]
 */
import * as tf from '@tensorflow/tfjs';
import { float64, type Field } from '../math/field';
import { softmax, softmaxJacobianProductTensor } from '../math/softmax';
import { drawOneHot, straightThrough, type SampleOptions } from './sample';
import { stGradientOf } from './st';
import { zgrBackward, zgrGradientOf } from './zgr';
import { checkA, checkIndex, checkLogitsArray, checkLogitsTensor, checkOptionNames, checkVector } from './validate';

export interface StZgrOptions extends SampleOptions {
  /** weight of ZGR, in [0, 1] */
  a: number;
}

/** ST-ZGR(a) in any field, given p = softmax(logits) and a in that field. */
export function stZgrGradientOf<T>(F: Field<T>, p: readonly T[], x: number, v: readonly T[], a: T): T[] {
  const st = stGradientOf(F, p, v);
  const zgr = zgrGradientOf(F, p, x, v);
  return st.map((sj, j) => F.add(F.mul(F.sub(F.one, a), sj), F.mul(a, zgr[j])));
}

/** ST-ZGR(a) gradient w.r.t. the logits, float64. */
export function stZgrGradient(
  logits: readonly number[],
  x: number,
  v: readonly number[],
  options: { a: number },
): number[] {
  checkLogitsArray('stZgrGradient', logits);
  checkIndex('stZgrGradient', x, logits.length);
  checkVector('stZgrGradient', 'v', v, logits.length);
  const a = checkA('stZgrGradient', options?.a);
  return stZgrGradientOf(float64, softmax(logits), x, v, a);
}

/** ST-ZGR(a) categorical sampler: one-hot sample [..., C]. */
export function stZgr(logits: tf.Tensor, options: StZgrOptions): tf.Tensor {
  options = checkOptionNames('stZgr', options, ['rng', 'x', 'a']);
  const C = checkLogitsTensor('stZgr', logits);
  const a = checkA('stZgr', options.a);
  return tf.tidy(() => {
    const onehot = drawOneHot('stZgr', logits, C, options); // [..., C]
    return straightThrough([logits, onehot], onehot, (dy, [l, e]) => {
      const p = tf.softmax(l); // [..., C]
      return softmaxJacobianProductTensor(p, dy)
        .mul(1 - a)
        .add(zgrBackward(p, e, dy).mul(a));
    });
  });
}
