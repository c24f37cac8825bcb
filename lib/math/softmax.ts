/**
 * The softmax and its Jacobian product, shared by every estimator that backpropagates through a
 * softmax (ST, ST(t), GS, ST-GS, GR-MCK, ReinMax), in float64 / any field and as tensors.
 *     J(q) = diag(q) − q qᵀ   (symmetric),   J(q)ᵀ v = q ⊙ (v − ⟨q, v⟩)
 */
import * as tf from '@tensorflow/tfjs';
import { dotIn, float64, type Field } from './field';

/** softmax(logits / t) in float64, shifted by the maximum so that no exp overflows. */
export function softmax(logits: readonly number[], t = 1): number[] {
  const m = Math.max(...logits);
  const e = logits.map((l) => Math.exp((l - m) / t));
  const Z = e.reduce((s, ej) => s + ej, 0);
  return e.map((ej) => ej / Z);
}

/** log Σ_j exp(logits_j) in float64. */
export function logSumExp(logits: readonly number[]): number {
  const m = Math.max(...logits);
  return m + Math.log(logits.reduce((s, l) => s + Math.exp(l - m), 0));
}

/** J(q)ᵀ v = q ⊙ (v − ⟨q, v⟩) in a field. */
export function softmaxJacobianProduct<T>(F: Field<T>, q: readonly T[], v: readonly T[]): T[] {
  const qv = dotIn(F, q, v); // ⟨q, v⟩
  return q.map((qj, j) => F.mul(qj, F.sub(v[j], qv)));
}

/** J(q)ᵀ v in float64. */
export const softmaxJacobianProduct64 = (q: readonly number[], v: readonly number[]): number[] =>
  softmaxJacobianProduct(float64, q, v);

/** J(q)ᵀ v on tensors, over the last axis. */
export function softmaxJacobianProductTensor(q: tf.Tensor, v: tf.Tensor): tf.Tensor {
  return tf.tidy(() => q.mul(v.sub(q.mul(v).sum(-1, true)))); // [..., C]
}
