/**
 * ST-GS, straight-through Gumbel-Softmax (PAPER.md "Estimators"): forward the exact sample
 * x = argmax(logits + G) as one-hot, backward through the relaxation at the same noise.
 *     g = J_tau(logits + G)ᵀ v,   J_tau = (diag(y) − y yᵀ) / tau,   y = softmax((logits + G) / tau)
 * @example stGsGradient([0, 0], [1, 0], { tau: 0.5 }, [0.5, 0])   // x = 0, GS's backward → [0.3932, −0.3932]
 */
import * as tf from '@tensorflow/tfjs';
import type { Random } from '../random';
import { checkNoiseShape, relaxedGradient, temperedJacobianProductTensor } from './gs';
import { gumbelMaxIndex, gumbelTensor, requireRng, straightThrough } from './sample';
import { checkLogitsTensor, checkOptionNames, checkTemperature } from './validate';

export interface StGsOptions {
  /** temperature of the backward relaxation, > 0 */
  tau: number;
  rng?: Random;
  /** given Gumbel noise [..., C]; the sample is its argmax (use grMck with K = 1 for a given x) */
  gumbel?: tf.Tensor;
}

/** ST-GS gradient w.r.t. the logits, float64, given the Gumbel noise of the sample. */
export function stGsGradient(
  logits: readonly number[],
  v: readonly number[],
  options: { tau: number },
  gumbel: readonly number[],
): number[] {
  return relaxedGradient('stGsGradient', logits, v, options, gumbel);
}

/** ST-GS categorical sampler: one-hot sample [..., C]; its gradient is ST-GS's. */
export function stGs(logits: tf.Tensor, options: StGsOptions): tf.Tensor {
  options = checkOptionNames('stGs', options, ['rng', 'tau', 'gumbel']);
  const C = checkLogitsTensor('stGs', logits);
  const tau = checkTemperature('stGs', 'tau', options.tau);
  return tf.tidy(() => {
    const G = options.gumbel ?? gumbelTensor(requireRng('stGs', options.rng, 'gumbel'), logits.shape); // [..., C]
    checkNoiseShape('stGs', 'gumbel', G, logits.shape);
    const onehot = tf
      .oneHot(gumbelMaxIndex(logits, G).reshape([-1]), C)
      .reshape(logits.shape)
      .toFloat(); // [..., C]
    return straightThrough([logits, G], onehot, (dy, [l, g]) => temperedJacobianProductTensor(l.add(g), dy, tau));
  });
}
