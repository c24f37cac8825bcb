/**
 * Binary variables (PAPER.md "Estimators", claim C5): logit a, p = sigmoid(a), sample b ∈ {0, 1},
 * d = f'(b) the upstream derivative at the sample.
 *     ST:          g = d p (1 − p)
 *     DARN(μ):     g = d (b − μ) (b − p)          (Taylor baseline around μ; ∂ log p(b)/∂a = b − p)
 *     ZGR binary:  g = d (b (1 − p) + (1 − b) p) / 2
 * Claim C5: ZGR binary = DARN(1/2) = categorical ZGR on two categories.
 * @example zgrBinaryGradient(0, 1, 1)   // p = 1/2 → 0.25
 */
import * as tf from '@tensorflow/tfjs';
import type { Random } from '../random';
import { heldConstant, requireRng, straightThrough } from './sample';
import { checkBinarySample, checkFinite, checkOptionNames } from './validate';

export interface BinaryOptions {
  rng?: Random;
  /** a given sample: float32 tensor of 0/1, the logits' shape */
  b?: tf.Tensor;
}

const sigmoid = (a: number): number => (a >= 0 ? 1 / (1 + Math.exp(-a)) : Math.exp(a) / (1 + Math.exp(a)));

function checkScalarArgs(where: string, a: number, b: number, d: number): number {
  if (!Number.isFinite(a)) throw new Error(`${where}: logit a must be finite, got ${a}`);
  if (b !== 0 && b !== 1) throw new Error(`${where}: sample b must be 0 or 1, got ${b}`);
  if (!Number.isFinite(d)) throw new Error(`${where}: upstream derivative d must be finite, got ${d}`);
  return sigmoid(a);
}

/** Binary ST gradient w.r.t. the logit, float64. */
export function stBinaryGradient(a: number, b: number, d: number): number {
  const p = checkScalarArgs('stBinaryGradient', a, b, d);
  return d * p * (1 - p);
}

/** Binary DARN(μ) gradient w.r.t. the logit, float64 (μ = 1/2 by default). */
export function darnBinaryGradient(a: number, b: number, d: number, options: { mu?: number } = {}): number {
  const p = checkScalarArgs('darnBinaryGradient', a, b, d);
  const mu = options.mu ?? 0.5;
  if (!Number.isFinite(mu)) throw new Error(`darnBinaryGradient: option mu must be finite, got ${mu}`);
  return d * (b - mu) * (b - p);
}

/** Binary ZGR gradient w.r.t. the logit, float64. */
export function zgrBinaryGradient(a: number, b: number, d: number): number {
  const p = checkScalarArgs('zgrBinaryGradient', a, b, d);
  return (d * (b * (1 - p) + (1 - b) * p)) / 2;
}

/** The Bernoulli sample of a binary op: the given b, or 1{a + Logistic > 0} from the stream. */
function drawBinary(where: string, logits: tf.Tensor, options: BinaryOptions): tf.Tensor {
  options = checkOptionNames(where, options, ['rng', 'b']);
  if (logits == null || typeof logits.dataSync !== 'function' || logits.dtype !== 'float32') {
    throw new Error(`${where}: logits must be a float32 tf.Tensor, got ${logits?.dtype ?? logits}`);
  }
  checkFinite(where, 'logits', logits);
  if (options.b != null) {
    const b = options.b;
    if (b.shape.join() !== logits.shape.join())
      throw new Error(`${where}: sample b must have shape [${logits.shape}], got [${b.shape}]`);
    checkBinarySample(where, b);
    return b.toFloat();
  }
  const noise = requireRng(where, options.rng, 'a sample b').logistic(logits.size);
  // on the device (no synchronous read), off the tape: a comparison has no gradient; float32 a + noise
  return heldConstant(() =>
    tf.greater(logits.add(tf.tensor(Float32Array.from(noise), logits.shape, 'float32')), 0).toFloat(),
  );
}

/** Binary ST sampler: b ∈ {0, 1} with P(b = 1) = sigmoid(logits), gradient d p (1 − p). */
export function stBinary(logits: tf.Tensor, options: BinaryOptions): tf.Tensor {
  return tf.tidy(() => {
    const b = drawBinary('stBinary', logits, options);
    return straightThrough([logits], b, (dy, [l]) => {
      const p = tf.sigmoid(l);
      return dy.mul(p).mul(tf.scalar(1).sub(p));
    });
  });
}

/** Binary ZGR sampler (= DARN(1/2)): b ∈ {0, 1}, gradient d (b (1 − p) + (1 − b) p) / 2. */
export function zgrBinary(logits: tf.Tensor, options: BinaryOptions): tf.Tensor {
  return tf.tidy(() => {
    const b = drawBinary('zgrBinary', logits, options);
    return straightThrough([logits, b], b, (dy, [l, s]) => {
      const p = tf.sigmoid(l);
      const one = tf.scalar(1);
      return dy.mul(s.mul(one.sub(p)).add(one.sub(s).mul(p))).mul(0.5);
    });
  });
}
