/**
 * A classifier with stochastic quantised hidden layers (PAPER.md E5): a chain of deterministic
 * stages with a quantised layer (quantised-layer.ts) between each two,
 *     x → stage_0 → a_1 → quantise → h_1 → stage_1 → a_2 → … → h_m → stage_m → class logits,
 * trained on the cross-entropy of the sampled network, each quantised layer's gradient the
 * estimator's (a score-function one's from a joint sample of all layers). The MLP and the
 * convolutional net (quantised-mlp.ts, quantised-conv.ts) differ only in their stages. Evaluation
 * uses the deterministic "mean-field" network, E[level] in place of a sample.
 */
import * as tf from '@tensorflow/tfjs';
import type { Random } from '../random';
import { scoreTerm } from '../estimators/reinforce';
import { expectedLevel, quantise, sampleLevels, type Quantiser } from './quantised-layer';
import type { ResolvedEstimator } from '../estimators/spec';
import type { Dense } from './vae';

export interface QuantisedClassifier {
  readonly quantiser: Quantiser;
  /**
   * stage 0 maps the input [B, D] to the first pre-activations; the last maps the last quantised values
   * to class logits [B, classes]
   */
  readonly stages: readonly ((h: tf.Tensor) => tf.Tensor)[];
  /** all weights, in a fixed order (for optimisers and checkpoints) */
  variables(): tf.Variable[];
  dispose(): void;
}

/** A classifier whose weights are dense-stored layers (kernel W, bias b); subclasses give the stages. */
export abstract class LayeredClassifier implements QuantisedClassifier {
  abstract readonly stages: readonly ((h: tf.Tensor) => tf.Tensor)[];

  constructor(
    readonly quantiser: Quantiser,
    readonly layers: Dense[],
  ) {}

  /** W then b of every layer, first layer first */
  variables(): tf.Variable[] {
    return this.layers.flatMap((l) => [l.W, l.b]);
  }

  dispose(): void {
    this.variables().forEach((v) => v.dispose());
  }
}

/**
 * The stages with `between(a, i)` applied to the pre-activations of quantised layer i: x [B, D] →
 * logits [B, classes].
 */
export function classLogits(
  model: QuantisedClassifier,
  x: tf.Tensor,
  between: (a: tf.Tensor, i: number) => tf.Tensor,
): tf.Tensor {
  return tf.tidy(() => model.stages.reduce((h, stage, i) => (i === 0 ? stage(h) : stage(between(h, i - 1))), x));
}

/** Class logits of the sampled network, every quantised layer run with the estimator. */
export function sampledLogits(
  model: QuantisedClassifier,
  x: tf.Tensor,
  estimator: ResolvedEstimator,
  rng: Random,
): tf.Tensor {
  return classLogits(model, x, (a) => quantise(a, model.quantiser, estimator, rng));
}

/** Class logits of the mean-field network (E[level] at every unit; deterministic, for evaluation). */
export function meanFieldLogits(model: QuantisedClassifier, x: tf.Tensor): tf.Tensor {
  return classLogits(model, x, (a) => expectedLevel(a, model.quantiser));
}

/** −log softmax(logits)_y per row: logits [N, classes], labels int32 [N] → [N]. */
export function crossEntropy(logits: tf.Tensor, labels: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.logSumExp(logits, -1).sub(logits.mul(tf.oneHot(labels, logits.shape[1] as number)).sum(-1)));
}

/**
 * The training loss of a batch: the mean cross-entropy of one sample of the network, whose
 * gradient w.r.t. each quantised layer is the estimator's. A score-function estimator
 * (REINFORCE, RLOO(M)) runs on any number of quantised layers (`scoreLoss`).
 */
export function classifierLoss(
  model: QuantisedClassifier,
  x: tf.Tensor,
  labels: tf.Tensor,
  estimator: ResolvedEstimator,
  rng: Random,
): tf.Scalar {
  return tf.tidy(() => {
    if (estimator.kind === 'score') return scoreLoss(model, x, labels, estimator, rng);
    return crossEntropy(sampledLogits(model, x, estimator, rng), labels).mean() as tf.Scalar;
  });
}

/**
 * A score-function estimator on the whole net: M joint samples of every quantised layer per image
 * (the batch tiled M times, [M·B, ...]), f = their cross-entropies [M, B], log q = the sum of
 * log q(level) over every unit of every layer [M, B]. The value is the mean of f over M and B;
 * the gradient is f's pathwise one (samples fixed: it reaches the last stage only) plus
 * (1/B) Σ_b Σ_s c_s ∇ log q(x_s), unbiased for the net's expected loss (PAPER.md Estimators:
 * REINFORCE, RLOO(M)). With one quantised layer its value is bit-identical to quantisedSurrogate's.
 */
function scoreLoss(
  model: QuantisedClassifier,
  x: tf.Tensor,
  labels: tf.Tensor,
  estimator: Extract<ResolvedEstimator, { kind: 'score' }>,
  rng: Random,
): tf.Scalar {
  const B = x.shape[0];
  const M = estimator.row.samples(estimator.options);
  const [first, ...rest] = model.stages;
  if (rest.length === 0) {
    throw new Error(
      `classifierLoss: ${estimator.name} (score function) needs a net with ≥ 1 quantised layer; ` +
        `this one has ${model.stages.length - 1}`,
    );
  }
  // stage 0 is deterministic: run it once, then tile its output M times (sample-major, as reinforce.ts draws)
  const a = first(x);
  let h = tf.tile(a, [M, ...a.shape.slice(1).map(() => 1)]);
  let logProb: tf.Tensor | undefined;
  for (const stage of rest) {
    const { value, logProb: layerLogProb } = sampleLevels(h, model.quantiser, rng);
    logProb = logProb == null ? layerLogProb : logProb.add(layerLogProb); // [M·B]
    h = stage(value);
  }
  const f = crossEntropy(h, tf.tile(labels, [M])).reshape([M, B]);
  const score = scoreTerm(
    logProb!.reshape([M, B]),
    f,
    estimator.row.coefficients,
    `classifierLoss (${estimator.name})`,
  );
  return f.mean(0).sum().add(score).div(B) as tf.Scalar;
}

/** The fraction of `labels` that argmax of `logits` [N, classes] gets right (a float32 scalar, not read). */
export function accuracy(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.argMax(logits, -1).equal(labels.toInt()).toFloat().mean());
}
