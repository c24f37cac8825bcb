/**
 * ReinMax-Rao (Wang & Bui 2026, "Beyond ReinMax"; PAPER.md E3): ReinMax with its first term
 * 2 J(π)ᵀ v replaced by twice the Gumbel-Rao (GR-MCK) Jacobian at θ_D = log((p + e_x)/2), whose
 * softmax is ReinMax's π at τ = 1; K perturbations drawn from the Gumbel conditioned on the sample.
 *     θ_D = log((p + e_x) / 2),   s^k = θ_D + G^k,   G^k ~ Gumbel | argmax(θ_D + G) = x
 *     g = 2 (1/K) Σ_k J_τ(s^k)ᵀ v − J(p)ᵀ v / 2,   J_τ(s) = J(softmax(s / τ)) / τ,   J(q) = diag(q) − q qᵀ
 * Source: the authors' research code (PAPER.md "Provenance of the E3 peers"). Ours: θ_D in log
 * space (log-softmax), so that it stays finite where p_j underflows to 0.
 * @example reinmaxRaoGradient([1, 0], 0, [1, 0], { tau: 0.7, K: 1 }, [[1, 1]])   // → [0.02543, −0.02543]
 */
import * as tf from '@tensorflow/tfjs';
import { logSumExp, softmax, softmaxJacobianProduct64, softmaxJacobianProductTensor } from '../math/softmax';
import { checkNoiseShape, temperedJacobianProductTensor } from './gs';
import { conditionalGumbelTensor, grMckGradient } from './gr-mck';
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

export interface ReinmaxRaoOptions extends SampleOptions {
  /** temperature of the Gumbel-Rao Jacobian, > 0 */
  tau: number;
  /** number of conditional perturbations averaged, integer ≥ 1 */
  K: number;
  /** given Exp(1) noise [K, ..., C] for the conditional draw at θ_D (else drawn from rng) */
  exponentials?: tf.Tensor;
}

/** θ_D = log((p + e_x)/2), float64, in log space: log p_j − log 2 (j ≠ x), log1p(p_x) − log 2. */
export function thetaD(logits: readonly number[], x: number): number[] {
  const logZ = logSumExp(logits);
  return logits.map((l, j) => (j === x ? Math.log1p(Math.exp(l - logZ)) : l - logZ) - Math.LN2);
}

/** θ_D on tensors: logits [..., C], onehot e_x [..., C] → [..., C]. */
export function thetaDTensor(logits: tf.Tensor, onehot: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const logP = tf.logSoftmax(logits); //                                     [..., C]
    // log-space: log p_j stays finite where p_j underflows (logits ±1e4)
    const atX = tf.log1p(tf.exp(logP)); //                                     [..., C] (used at x only)
    return onehot.mul(atX).add(tf.scalar(1).sub(onehot).mul(logP)).sub(Math.LN2); // [..., C]
  });
}

/** ReinMax-Rao gradient w.r.t. the logits, float64, given K rows of Exp(1) noise of length C. */
export function reinmaxRaoGradient(
  logits: readonly number[],
  x: number,
  v: readonly number[],
  options: { tau: number; K: number },
  exponentials: readonly (readonly number[])[],
): number[] {
  checkLogitsArray('reinmaxRaoGradient', logits);
  checkIndex('reinmaxRaoGradient', x, logits.length);
  checkVector('reinmaxRaoGradient', 'v', v, logits.length);
  const tau = checkTemperature('reinmaxRaoGradient', 'tau', options?.tau);
  const K = checkK('reinmaxRaoGradient', options?.K);
  checkExponentialRows('reinmaxRaoGradient', K, exponentials, logits.length);
  // GR-MCK at θ_D: (1/K) Σ_k J_τ(s^k)ᵀ v
  const gr = grMckGradient(thetaD(logits, x), x, v, { tau, K }, exponentials);
  const jP = softmaxJacobianProduct64(softmax(logits), v); //             J(p)ᵀ v
  return gr.map((a, j) => 2 * a - jP[j] / 2);
}

/** ReinMax-Rao categorical sampler: one-hot sample [..., C]; its gradient is ReinMax-Rao's. */
export function reinmaxRao(logits: tf.Tensor, options: ReinmaxRaoOptions): tf.Tensor {
  options = checkOptionNames('reinmaxRao', options, ['rng', 'x', 'tau', 'K', 'exponentials']);
  const C = checkLogitsTensor('reinmaxRao', logits);
  const tau = checkTemperature('reinmaxRao', 'tau', options.tau);
  const K = checkK('reinmaxRao', options.K);
  return tf.tidy(() => {
    const onehot = drawOneHot('reinmaxRao', logits, C, options); // [..., C]
    const shape = [K, ...logits.shape];
    const E = options.exponentials ?? exponentialTensor(requireRng('reinmaxRao', options.rng, 'exponentials'), shape);
    checkNoiseShape('reinmaxRao', 'exponentials', E, shape);
    // the perturbations at θ_D are held constant: built off the tape, they enter as inputs whose gradient is dropped
    const s = heldConstant(() => conditionalGumbelTensor(thetaDTensor(logits, onehot), onehot, E)); // [K, ..., C]
    return straightThrough([logits, s], onehot, (dy, [l, sk]) => {
      const gr = temperedJacobianProductTensor(sk, dy, tau).mean(0); // [..., C]
      return gr.mul(2).sub(softmaxJacobianProductTensor(tf.softmax(l), dy).mul(0.5));
    });
  });
}
