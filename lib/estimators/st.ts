/**
 * ST, straight-through (PAPER.md "Estimators"): forward the one-hot sample e_x, backward through
 * the probabilities. Two conventions for a backward temperature, side by side:
 *   - `st` / `stGradient` (row 'st', "ST(t=…)"): the project's ST(t), without the chain-rule 1/t;
 *         g = J(q)ᵀ v,   q = softmax(logits / t),   J(q) = diag(q) − q qᵀ,   t = 1 for ST
 *   - `stTau` / `stTauGradient` (row 'stTau', "ST(τ=…)·1/τ"): the E3 protocol's ST, autograd
 *     through softmax(logits / τ) as in ReinMax's code (PAPER.md "Provenance of the E3 peers");
 *         g = J(q)ᵀ v / τ,   q = softmax(logits / τ)      (= ST(t = τ) / τ)
 * @example stGradient([0, 0], 0, [1, 0])   // → [0.25, -0.25]
 */
import * as tf from '@tensorflow/tfjs';
import { float64, type Field } from '../math/field';
import { softmax, softmaxJacobianProduct, softmaxJacobianProductTensor } from '../math/softmax';
import { drawOneHot, straightThrough, type SampleOptions } from './sample';
import {
  checkIndex,
  checkLogitsArray,
  checkLogitsTensor,
  checkOptionNames,
  checkTemperature,
  checkVector,
} from './validate';

export interface StOptions extends SampleOptions {
  /** backward temperature t of ST(t); default 1 (plain ST) */
  t?: number;
}

export interface StTauOptions extends SampleOptions {
  /** temperature τ of softmax(logits / τ), differentiated with its factor 1/τ */
  tau: number;
}

/** ST in any field, given q = softmax(logits / t): g = J(q)ᵀ v. */
export function stGradientOf<T>(F: Field<T>, q: readonly T[], v: readonly T[]): T[] {
  return softmaxJacobianProduct(F, q, v);
}

/** ST / ST(t) gradient w.r.t. the logits, float64 (x does not enter; kept for a uniform signature). */
export function stGradient(
  logits: readonly number[],
  x: number,
  v: readonly number[],
  options: { t?: number } = {},
): number[] {
  checkLogitsArray('stGradient', logits);
  checkIndex('stGradient', x, logits.length);
  checkVector('stGradient', 'v', v, logits.length);
  const t = checkTemperature('stGradient', 't', options.t ?? 1);
  return stGradientOf(float64, softmax(logits, t), v);
}

/** ST / ST(t) categorical sampler: one-hot sample [..., C]; its gradient is ST's. */
export function st(logits: tf.Tensor, options: StOptions): tf.Tensor {
  options = checkOptionNames('st', options, ['rng', 'x', 't']);
  const C = checkLogitsTensor('st', logits);
  const t = checkTemperature('st', 't', options.t ?? 1);
  return tf.tidy(() => {
    const onehot = drawOneHot('st', logits, C, options); // [..., C]
    return straightThrough([logits], onehot, (dy, [l]) => softmaxJacobianProductTensor(tf.softmax(l.div(t)), dy));
  });
}

/** ST(τ)·1/τ gradient w.r.t. the logits, float64: J(softmax(logits / τ))ᵀ v / τ (ReinMax's ST). */
export function stTauGradient(
  logits: readonly number[],
  x: number,
  v: readonly number[],
  options: { tau: number },
): number[] {
  checkLogitsArray('stTauGradient', logits);
  checkIndex('stTauGradient', x, logits.length);
  checkVector('stTauGradient', 'v', v, logits.length);
  const tau = checkTemperature('stTauGradient', 'tau', options?.tau);
  // ST(t = τ)'s formula, times the chain-rule factor 1/τ that ST(t) leaves out
  return stGradientOf(float64, softmax(logits, tau), v).map((gj) => gj / tau);
}

/** ST(τ)·1/τ categorical sampler: one-hot sample [..., C]; its gradient is J(softmax(logits/τ))ᵀ v / τ. */
export function stTau(logits: tf.Tensor, options: StTauOptions): tf.Tensor {
  options = checkOptionNames('stTau', options, ['rng', 'x', 'tau']);
  const C = checkLogitsTensor('stTau', logits);
  const tau = checkTemperature('stTau', 'tau', options.tau);
  return tf.tidy(() => {
    const onehot = drawOneHot('stTau', logits, C, options); // [..., C]
    return straightThrough([logits], onehot, (dy, [l]) =>
      softmaxJacobianProductTensor(tf.softmax(l.div(tau)), dy).div(tau),
    );
  });
}
