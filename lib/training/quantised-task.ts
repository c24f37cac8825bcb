/**
 * The E5 task of the training runner (training-run.ts; PAPER.md E5): a classifier with
 * stochastic quantised hidden layers (quantised-mlp.ts, quantised-conv.ts) trained with one
 * estimator on Fashion-MNIST or MNIST, configured by an `E5TrainingConfig` (quantised-config.ts). A step
 * is the estimator's gradient of the mean cross-entropy of one sampled network on a batch, then
 * Adam (or RAdam). After each epoch: the mean training loss of its steps, and on the test images
 * the cross-entropy and accuracy of the deterministic mean-field network (E[level] at every unit)
 * and the accuracy of one sampled network (the same evaluation noise every epoch, drawn alike for
 * every estimator: the forward sample's law does not depend on the estimator). Resuming,
 * checkpoints, keys and progress are the runner's, as for the VAE.
 */
import * as tf from '@tensorflow/tfjs';
import { classificationBatch, loadDataset, type ClassificationBatch } from '../data/classification';
import type { Mnist } from '../data/mnist';
import type { Adam } from '../models/adam';
import {
  accuracy,
  classifierLoss,
  crossEntropy,
  meanFieldLogits,
  sampledLogits,
  type QuantisedClassifier,
} from '../models/quantised-classifier';
import { QuantisedConvNet } from '../models/quantised-conv';
import { estimatorLabel, resolveEstimator, type ResolvedEstimator } from '../estimators/spec';
import { QuantisedMlp } from '../models/quantised-mlp';
import type { Random } from '../random';
import { cacheDir } from '../results/paths';
import { e5RunKey, normaliseE5Config, type E5TrainingConfig, type E5TrainingInput } from './quantised-config';
import {
  loadResult,
  loadRunSnapshot,
  trainRun,
  type EpochRecord,
  type RunResult,
  type TrainingTask,
  type TrainOptions,
} from './training-run';

/**
 * One optimiser step on a batch: the estimator's gradient of the mean cross-entropy of a sampled
 * net. Returns the batch loss as a scalar tensor, not read (the caller reads and disposes it).
 */
export function trainStep(
  model: QuantisedClassifier,
  optimizer: Adam,
  batch: ClassificationBatch,
  estimator: ResolvedEstimator,
  rng: Random,
): tf.Scalar {
  const variables = optimizer.variables;
  return tf.tidy(() => {
    const B = batch.labels.length;
    const x = tf.tensor2d(batch.images, [B, batch.images.length / B]);
    const y = tf.tensor1d(batch.labels, 'int32');
    const { value, grads } = tf.variableGrads(
      () => classifierLoss(model, x, y, estimator, rng),
      variables as tf.Variable[],
    );
    optimizer.apply(variables.map((v) => grads[v.name]));
    return value;
  });
}

/**
 * Cross-entropy (nats per image) and accuracy on `data` of the deterministic mean-field net, or,
 * with `rng`, of a sampled net (a fresh sample of every unit for every image). Each chunk's
 * [summed cross-entropy, accuracy] stays on the device; all are read once and combined in float64
 * in chunk order.
 */
export async function evaluateClassifier(
  model: QuantisedClassifier,
  data: Mnist,
  rng?: Random,
  chunk = 500,
): Promise<{ loss: number; accuracy: number }> {
  const forward =
    rng == null ? (x: tf.Tensor) => meanFieldLogits(model, x) : (x: tf.Tensor) => sampledLogits(model, x, SAMPLER, rng);
  const chunks: { count: number; stats: tf.Tensor }[] = [];
  for (let from = 0; from < data.count; from += chunk) {
    const idx = Array.from({ length: Math.min(chunk, data.count - from) }, (_, i) => from + i);
    const batch = classificationBatch(data, idx);
    const stats = tf.tidy(() => {
      const logits = forward(tf.tensor2d(batch.images, [idx.length, batch.images.length / idx.length]));
      const y = tf.tensor1d(batch.labels, 'int32');
      return tf.stack([crossEntropy(logits, y).sum(), accuracy(logits, y)]);
    });
    chunks.push({ count: idx.length, stats });
  }
  const all = tf.stack(chunks.map((c) => c.stats));
  const values = await all.data();
  tf.dispose([all, ...chunks.map((c) => c.stats)]);
  let loss = 0;
  let correct = 0;
  chunks.forEach((c, i) => {
    loss += values[2 * i];
    correct += values[2 * i + 1] * c.count;
  });
  return { loss: loss / data.count, accuracy: correct / data.count };
}

/** The forward sample of evaluation: ST's (Gumbel-max), the same law and noise whatever the run's estimator. */
const SAMPLER = resolveEstimator({ name: 'st' });

/** The metrics of an E5 epoch. */
export interface E5Metrics {
  /** mean training loss (cross-entropy of the sampled net, nats per image) over the epoch's steps */
  trainLoss: number;
  /** cross-entropy of the mean-field net on the test images (nats per image) */
  testLoss: number;
  /** accuracy of the mean-field net on the test images */
  testAccuracy: number;
  /** accuracy of one sampled net on the test images */
  testAccuracySampled: number;
}

export type E5EpochRecord = EpochRecord<E5Metrics>;
export type E5RunResult = RunResult<E5TrainingConfig, E5Metrics>;

/** Default folder of E5 runs: the cache e5-quantised-network (cacheDir). */
export function e5ResultsDir(): string {
  return cacheDir('e5-quantised-network');
}

/** The classifier of a configuration, weights from `rng`. */
export function createClassifier(c: E5TrainingConfig, rng: Random): QuantisedClassifier {
  const quantised = { levels: c.levels, noiseScale: c.noiseScale };
  return c.model === 'mlp'
    ? QuantisedMlp.create({ ...quantised, hidden: c.hidden }, rng)
    : QuantisedConvNet.create({ ...quantised, channels: c.channels }, rng);
}

/** E5 as a task of the runner. */
export const E5_TASK: TrainingTask<
  E5TrainingInput,
  E5TrainingConfig,
  E5Metrics,
  QuantisedClassifier,
  { train: Mnist; test: Mnist }
> = {
  name: 'trainQuantised',
  defaultResultsDir: e5ResultsDir,
  normalise: normaliseE5Config,
  key: e5RunKey,
  label: (c) => estimatorLabel(c.estimator),
  loadData: (c) => ({
    train: loadDataset(c.dataset, 'train', { limit: c.trainSize }),
    test: loadDataset(c.dataset, 'test', { limit: c.testSize }),
  }),
  createModel: createClassifier,
  stepper: (c) => {
    const estimator = resolveEstimator(c.estimator);
    return (model, optimizer, data, indices, rng) =>
      trainStep(model, optimizer, classificationBatch(data.train, indices), estimator, rng);
  },
  evaluate: async (model, data, _c, trainLoss, evalRng) => {
    const meanField = await evaluateClassifier(model, data.test);
    return {
      trainLoss,
      testLoss: meanField.loss,
      testAccuracy: meanField.accuracy,
      testAccuracySampled: (await evaluateClassifier(model, data.test, evalRng)).accuracy,
    };
  },
  trainLoss: (r) => r.trainLoss,
  lossName: 'cross-entropy',
  summary: (r) =>
    `test accuracy ${(100 * r.testAccuracy).toFixed(2)} % (sampled ${(100 * r.testAccuracySampled).toFixed(2)} %)`,
};

/** Train one E5 configuration (or resume it, or return it when finished): the runner with the E5 task. */
export function trainQuantised(input: E5TrainingInput, options: TrainOptions = {}): Promise<E5RunResult> {
  return trainRun(E5_TASK, input, options);
}

/** The stored result of an E5 run (finished or not), or null when it never wrote one. */
export function loadE5RunResult(input: E5TrainingInput, resultsDir = e5ResultsDir()): E5RunResult | null {
  return loadResult(E5_TASK, input, resultsDir);
}

/** The weights of an E5 run kept after `epoch` (config.snapshotEpochs), as a model. */
export function loadE5Snapshot(
  input: E5TrainingInput,
  epoch: number,
  resultsDir = e5ResultsDir(),
): QuantisedClassifier {
  return loadRunSnapshot(E5_TASK, input, epoch, resultsDir);
}
