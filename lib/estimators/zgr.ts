/**
 * ZGR, the zero-temperature limit of Gumbel-Rao (PAPER.md "Estimators"; claims C1, C2, C5).
 * Written from its own component formula — not as (ST + DARN)/2, which claim C2 tests.
 *     g_j = p_j (v_j − v_x) / 2  (j ≠ x),   g_x = (v_x − ⟨p, v⟩) / 2
 *     i.e. g = (p ⊙ (v − v_x) + e_x (v_x − ⟨p, v⟩)) / 2
 * @example zgrGradient([0, 0], 0, [1, 0])   // → [0.25, -0.25]
 */
import * as tf from '@tensorflow/tfjs';
import { dotIn, float64, type Field } from '../math/field';
import { softmax } from '../math/softmax';
import { drawOneHot, straightThrough, type SampleOptions } from './sample';
import { checkIndex, checkLogitsArray, checkLogitsTensor, checkOptionNames, checkVector } from './validate';

/** ZGR in any field, given p = softmax(logits). */
export function zgrGradientOf<T>(F: Field<T>, p: readonly T[], x: number, v: readonly T[]): T[] {
  const half = F.div(F.one, F.add(F.one, F.one));
  const pv = dotIn(F, p, v); // ⟨p, v⟩
  return p.map((pj, j) => {
    const term = F.mul(pj, F.sub(v[j], v[x])); // p_j (v_j − v_x), zero at j = x
    return F.mul(half, j === x ? F.add(term, F.sub(v[x], pv)) : term);
  });
}

/** ZGR gradient w.r.t. the logits, float64. */
export function zgrGradient(logits: readonly number[], x: number, v: readonly number[]): number[] {
  checkLogitsArray('zgrGradient', logits);
  checkIndex('zgrGradient', x, logits.length);
  checkVector('zgrGradient', 'v', v, logits.length);
  return zgrGradientOf(float64, softmax(logits), x, v);
}

/** ZGR backward on tensors: (p ⊙ (v − v_x) + e_x (v_x − ⟨p, v⟩)) / 2 over the last axis. */
export function zgrBackward(p: tf.Tensor, onehot: tf.Tensor, v: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const vx = v.mul(onehot).sum(-1, true); // v_x        [..., 1]
    const pv = v.mul(p).sum(-1, true); //      ⟨p, v⟩     [..., 1]
    return p
      .mul(v.sub(vx))
      .add(onehot.mul(vx.sub(pv)))
      .mul(0.5); // [..., C]
  });
}

/** ZGR categorical sampler: one-hot sample [..., C]; its gradient is ZGR's. */
export function zgr(logits: tf.Tensor, options: SampleOptions): tf.Tensor {
  options = checkOptionNames('zgr', options, ['rng', 'x']);
  const C = checkLogitsTensor('zgr', logits);
  return tf.tidy(() => {
    const onehot = drawOneHot('zgr', logits, C, options); // [..., C]
    return straightThrough([logits, onehot], onehot, (dy, [l, e]) => zgrBackward(tf.softmax(l), e, dy));
  });
}
