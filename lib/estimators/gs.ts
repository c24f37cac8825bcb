/**
 * Gumbel-Softmax, relaxed (PAPER.md "Estimators"): the forward value is the relaxed sample
 * y = softmax((logits + G) / tau) and the gradient is the true gradient of that relaxation, with
 * v taken at y.
 *     g = J(y)ᵀ v / tau
 * @example gsGradient([0, 0], [1, 0], { tau: 0.5 }, [0.5, 0])   // y = softmax([1, 0]) → [0.3932, −0.3932]
 */
import * as tf from '@tensorflow/tfjs';
import { softmax, softmaxJacobianProduct64, softmaxJacobianProductTensor } from '../math/softmax';
import type { Random } from '../random';
import { gumbelTensor, requireRng } from './sample';
import { checkLogitsArray, checkLogitsTensor, checkOptionNames, checkTemperature, checkVector } from './validate';

export interface GsOptions {
  /** temperature of the relaxation, > 0 */
  tau: number;
  rng?: Random;
  /** given Gumbel noise [..., C] (else drawn from rng) */
  gumbel?: tf.Tensor;
}

/** GS gradient w.r.t. the logits, float64, given the Gumbel noise and v at the relaxed sample. */
export function gsGradient(
  logits: readonly number[],
  v: readonly number[],
  options: { tau: number },
  gumbel: readonly number[],
): number[] {
  return relaxedGradient('gsGradient', logits, v, options, gumbel);
}

/**
 * J_tau(logits + G)ᵀ v with its arguments checked: the float64 gradient of GS and of ST-GS (their
 * backward passes are the same; they differ in the forward value and where v is taken).
 */
export function relaxedGradient(
  where: string,
  logits: readonly number[],
  v: readonly number[],
  options: { tau: number },
  gumbel: readonly number[],
): number[] {
  checkLogitsArray(where, logits);
  checkVector(where, 'v', v, logits.length);
  checkVector(where, 'gumbel', gumbel, logits.length);
  const tau = checkTemperature(where, 'tau', options?.tau);
  return temperedJacobianProduct(
    logits.map((l, j) => l + gumbel[j]),
    v,
    tau,
  );
}

/** J_tau(s)ᵀ v = J(softmax(s / tau))ᵀ v / tau at perturbed logits s (GS, ST-GS, GR-MCK), float64. */
export function temperedJacobianProduct(s: readonly number[], v: readonly number[], tau: number): number[] {
  return softmaxJacobianProduct64(softmax(s, tau), v).map((gj) => gj / tau);
}

/** J_tau(s)ᵀ v on tensors, over the last axis. */
export function temperedJacobianProductTensor(s: tf.Tensor, v: tf.Tensor, tau: number): tf.Tensor {
  return tf.tidy(() => softmaxJacobianProductTensor(tf.softmax(s.div(tau)), v).div(tau)); // [..., C]
}

/** GS relaxed sampler: y = softmax((logits + G) / tau) [..., C], differentiated as it is. */
export function gs(logits: tf.Tensor, options: GsOptions): tf.Tensor {
  options = checkOptionNames('gs', options, ['rng', 'tau', 'gumbel']);
  checkLogitsTensor('gs', logits);
  const tau = checkTemperature('gs', 'tau', options.tau);
  return tf.tidy(() => {
    const G = options.gumbel ?? gumbelTensor(requireRng('gs', options.rng, 'gumbel'), logits.shape); // [..., C]
    checkNoiseShape('gs', 'gumbel', G, logits.shape);
    return tf.softmax(logits.add(G).div(tau)); // [..., C]
  });
}

/** A given noise tensor has the expected shape. */
export function checkNoiseShape(where: string, name: string, noise: tf.Tensor, shape: number[]): void {
  if (noise.shape.length !== shape.length || noise.shape.some((d, i) => d !== shape[i])) {
    throw new Error(`${where}: option ${name} must have shape [${shape}], got shape [${noise.shape}]`);
  }
}
