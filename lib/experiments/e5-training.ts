/**
 * One E5 training step and the evaluation of a quantised classifier (PAPER.md E5), shaped like
 * the VAE's (vae-training.ts `trainStep`) so that the E3 runner can later run E5 as well: the
 * estimator's gradient of the batch loss, then Adam (or RAdam); the loss comes back as a number.
 */
import * as tf from '@tensorflow/tfjs';
import { classificationBatch, type ClassificationBatch } from '../data/classification';
import type { Mnist } from '../data/mnist';
import type { Adam } from '../models/adam';
import { accuracy, classifierLoss, crossEntropy, meanFieldLogits, type QuantisedClassifier } from '../models/quantised-classifier';
import type { LayerEstimator } from '../models/quantised-layer';
import type { Random } from '../random';

/** One optimiser step on a batch: the estimator's gradient of the mean cross-entropy of a sampled net. Returns the batch loss. */
export function trainStep(model: QuantisedClassifier, optimizer: Adam, batch: ClassificationBatch, estimator: LayerEstimator, rng: Random): number {
  const variables = optimizer.variables;
  return tf.tidy(() => {
    const B = batch.labels.length;
    const x = tf.tensor2d(batch.images, [B, batch.images.length / B]);
    const y = tf.tensor1d(batch.labels, 'int32');
    const { value, grads } = tf.variableGrads(() => classifierLoss(model, x, y, estimator, rng), variables as tf.Variable[]);
    optimizer.apply(variables.map((v) => grads[v.name]));
    return value.dataSync()[0];
  });
}

/** Mean-field cross-entropy (nats per image) and accuracy of the deterministic net on `data`. */
export function evaluateClassifier(model: QuantisedClassifier, data: Mnist, chunk = 500): { loss: number; accuracy: number } {
  let loss = 0;
  let correct = 0;
  for (let from = 0; from < data.count; from += chunk) {
    const idx = Array.from({ length: Math.min(chunk, data.count - from) }, (_, i) => from + i);
    const batch = classificationBatch(data, idx);
    tf.tidy(() => {
      const logits = meanFieldLogits(model, tf.tensor2d(batch.images, [idx.length, batch.images.length / idx.length]));
      const y = tf.tensor1d(batch.labels, 'int32');
      loss += crossEntropy(logits, y).sum().dataSync()[0];
      correct += accuracy(logits, y) * idx.length;
    });
  }
  return { loss: loss / data.count, accuracy: correct / data.count };
}
