/**
 * The VAE task of the training runner (training-run.ts): one E3 run is the categorical VAE
 * trained on MNIST with one estimator (PAPER.md "Experiment protocols"), configured by a
 * `VaeTrainingConfig` (vae-config.ts). Train −ELBO of an epoch is the mean of the single-sample
 * training losses over its steps; test −ELBO is a single-sample estimate on the test images, with
 * the same evaluation noise at every epoch. Resuming, checkpoints, keys and progress are the
 * runner's.
 */
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { batchTargets, loadMnist, MNIST_PIXELS, type Binarisation, type Mnist } from '../data/mnist';
import type { Adam } from '../models/adam';
import { estimatorLabel, resolveEstimator, type ResolvedEstimator } from '../estimators/spec';
import { latentUsage, type LatentUsage } from '../models/latent-usage';
import { negElboLoss, negElboPerImage, Vae } from '../models/vae';
import type { Random } from '../random';
import { cacheDir } from '../results/paths';
import {
  loadResult,
  loadRunSnapshot,
  trainRun,
  type EpochRecord as RunEpochRecord,
  type RunResult,
  type TrainingTask,
  type TrainOptions,
} from './training-run';
import { normaliseConfig, runKey, type VaeTrainingConfig, type VaeTrainingInput } from './vae-config';

export type { TrainOptions } from './training-run';

/** The metrics of a VAE epoch. */
export interface VaeMetrics {
  /** mean training loss (single-sample −ELBO, nats per image) over the epoch's steps */
  trainNegElbo: number;
  /** single-sample −ELBO on the test images (nats per image) after the epoch */
  testNegElbo: number;
  /** how the encoder uses its code on the test images (runs recorded before it was measured lack it) */
  latentUsage?: LatentUsage;
}

export type EpochRecord = RunEpochRecord<VaeMetrics>;
export type VaeRunResult = RunResult<VaeTrainingConfig, VaeMetrics>;

/** Default folder of E3 runs: the cache e3-vae-training (cacheDir). */
export function e3ResultsDir(): string {
  return cacheDir('e3-vae-training');
}

/**
 * Mean single-sample −ELBO of `data` (nats per image), noise from `rng`. The chunks' sums stay on
 * the device and are read once; summed in float64 in chunk order.
 */
export async function evaluateNegElbo(
  vae: Vae,
  data: Mnist,
  binarisation: Binarisation,
  rng: Random,
  chunk = 500,
): Promise<number> {
  const sums: tf.Tensor[] = [];
  for (let from = 0; from < data.count; from += chunk) {
    const idx = Array.from({ length: Math.min(chunk, data.count - from) }, (_, i) => from + i);
    const t = batchTargets(data, idx, binarisation, rng);
    sums.push(tf.tidy(() => negElboPerImage(vae, tf.tensor2d(t, [idx.length, MNIST_PIXELS]), rng).sum()));
  }
  const all = tf.stack(sums);
  const values = await all.data();
  tf.dispose([all, ...sums]);
  let sum = 0;
  for (const v of values) sum += v;
  return sum / data.count;
}

/**
 * One optimiser step on a batch of targets [B × 784]: the estimator's gradient of the batch
 * −ELBO, then Adam. Returns the batch loss as a scalar tensor, not read (the caller reads and
 * disposes it; the runner reads an epoch's losses at once).
 */
export function trainStep(
  vae: Vae,
  adam: Adam,
  targets: Float32Array,
  estimator: ResolvedEstimator,
  rng: Random,
): tf.Scalar {
  const variables = adam.variables;
  return tf.tidy(() => {
    const x = tf.tensor2d(targets, [targets.length / vae.inputSize, vae.inputSize]);
    const { value, grads } = tf.variableGrads(() => negElboLoss(vae, x, estimator, rng), variables as tf.Variable[]);
    adam.apply(variables.map((v) => grads[v.name]));
    return value;
  });
}

/** The VAE as a task of the runner. */
export const VAE_TASK: TrainingTask<
  VaeTrainingInput,
  VaeTrainingConfig,
  VaeMetrics,
  Vae,
  { train: Mnist; test: Mnist }
> = {
  name: 'trainVae',
  defaultResultsDir: e3ResultsDir,
  normalise: normaliseConfig,
  key: runKey,
  label: (c) => estimatorLabel(c.estimator),
  loadData: (c) => ({
    train: loadMnist('train', { limit: c.trainSize }),
    test: loadMnist('test', { limit: c.testSize }),
  }),
  createModel: (c, rng) => Vae.create({ C: c.C, numLatents: c.numLatents, hidden: c.hidden }, rng),
  stepper: (c) => {
    const estimator = resolveEstimator(c.estimator);
    // targets first, then the estimator's noise, both from the training stream
    return (vae, adam, data, indices, rng) =>
      trainStep(vae, adam, batchTargets(data.train, indices, c.binarisation, rng), estimator, rng);
  },
  evaluate: async (vae, data, c, trainNegElbo, evalRng) => ({
    trainNegElbo,
    testNegElbo: await evaluateNegElbo(vae, data.test, c.binarisation, evalRng),
    // q(z|x) of the grey test images: no noise drawn, so the −ELBOs above are as before
    latentUsage: await latentUsage(
      vae,
      batchTargets(
        data.test,
        Array.from({ length: data.test.count }, (_, i) => i),
        'grey',
      ),
    ),
  }),
  trainLoss: (r) => r.trainNegElbo,
  lossName: '−ELBO',
  summary: (r) => `test −ELBO ${r.testNegElbo.toFixed(2)}`,
};

/** Train one configuration (or resume it, or return it when finished): the runner with the VAE task. */
export function trainVae(input: VaeTrainingInput, options: TrainOptions = {}): Promise<VaeRunResult> {
  return trainRun(VAE_TASK, input, options);
}

/** The folder of a run. */
export function runDir(input: VaeTrainingInput, resultsDir = e3ResultsDir()): string {
  return path.join(resultsDir, runKey(input));
}

/** The stored result of a run (finished or not), or null when it never wrote one. */
export function loadRunResult(input: VaeTrainingInput, resultsDir = e3ResultsDir()): VaeRunResult | null {
  return loadResult(VAE_TASK, input, resultsDir);
}

/** The weights of a run kept after `epoch` (config.snapshotEpochs), as a model. */
export function loadSnapshot(input: VaeTrainingInput, epoch: number, resultsDir = e3ResultsDir()): Vae {
  return loadRunSnapshot(VAE_TASK, input, epoch, resultsDir);
}
