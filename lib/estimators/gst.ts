/**
 * GST-1.0, Gapped Straight-Through with gap 1 (Fan, Zhang et al., ICML 2022; PAPER.md E3): ST
 * through the softmax of deterministically moved logits d, in which the sample x is raised to the
 * maximal logit and every other category is pushed at least `gap` below it. The move is a constant
 * (no gradient), so d has the logits' gradient.
 *     m = max_j logits_j,   d_x = m,   d_j = min(logits_j, m − gap) (j ≠ x),   gap = 1
 *     g = J(q)ᵀ v / tau,    q = softmax(d / tau),   J(q) = diag(q) − q qᵀ
 * Source: the authors' `gst_mover` (PAPER.md "Provenance of the E3 peers"); not taken: GST-p, the mask.
 * @example gstGradient([0, 0], 0, [1, 0], { tau: 1 })   // d = [0, −1] → [0.1966, −0.1966]
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

/** The gap of GST-1.0 between the sample's moved logit and every other one. */
export const GST_GAP = 1;

export interface GstOptions extends SampleOptions {
  /** temperature of the backward softmax, > 0 (differentiated with its factor 1/tau) */
  tau: number;
}

/** The gapped logits d of GST-1.0, float64 (equal to the logits plus a constant move). */
export function gappedLogits(logits: readonly number[], x: number): number[] {
  const m = Math.max(...logits);
  // d_x = m,   d_j = min(logits_j, m − gap)
  return logits.map((l, j) => (j === x ? m : Math.min(l, m - GST_GAP)));
}

/** GST-1.0 gradient w.r.t. the logits, float64. */
export function gstGradient(
  logits: readonly number[],
  x: number,
  v: readonly number[],
  options: { tau: number },
): number[] {
  checkLogitsArray('gstGradient', logits);
  checkIndex('gstGradient', x, logits.length);
  checkVector('gstGradient', 'v', v, logits.length);
  const tau = checkTemperature('gstGradient', 'tau', options?.tau);
  // g = J(softmax(d / tau))ᵀ v / tau
  return softmaxJacobianProduct64(softmax(gappedLogits(logits, x), tau), v).map((gj) => gj / tau);
}

/** GST-1.0 categorical sampler: one-hot sample [..., C]; its gradient is GST-1.0's. */
export function gst(logits: tf.Tensor, options: GstOptions): tf.Tensor {
  options = checkOptionNames('gst', options, ['rng', 'x', 'tau']);
  const C = checkLogitsTensor('gst', logits);
  const tau = checkTemperature('gst', 'tau', options.tau);
  return tf.tidy(() => {
    const onehot = drawOneHot('gst', logits, C, options); // [..., C]
    return straightThrough([logits, onehot], onehot, (dy, [l, e]) => {
      const m = l.max(-1, true); //                                              [..., 1]
      const d = e.mul(m).add(
        tf
          .scalar(1)
          .sub(e)
          .mul(tf.minimum(l, m.sub(GST_GAP))),
      ); // [..., C]
      return softmaxJacobianProductTensor(tf.softmax(d.div(tau)), dy).div(tau);
    });
  });
}
