/**
 * The configuration of one E5 training run (PAPER.md E5: a classifier with stochastic quantised
 * hidden layers, trained with one estimator; the setup is ours) and its key. Like the VAE's
 * (vae-config.ts), a run is named by a hash of its normalised configuration, so equal runs share
 * one folder and one result.
 */
import { createHash } from 'node:crypto';
import { DATASETS, type DatasetName } from '../data/classification';
import { MNIST_SIZES } from '../data/mnist';
import { estimatorId, resolveEstimator, type EstimatorSpec } from '../estimators/spec';
import { LEVEL_PRESETS, type LevelPreset } from '../models/quantised-layer';
import { OPTIMIZERS, type Optimizer, type RunConfig } from './training-run';
import { canonicalJson } from './vae-config';

export const E5_MODELS = ['mlp', 'conv'] as const;
export type E5Model = (typeof E5_MODELS)[number];

/** The full configuration of one E5 run; its hash is the run's key. */
export interface E5TrainingConfig extends RunConfig {
  /** 'mlp': 784–hidden…–10 (quantised-mlp.ts); 'conv': two quantised convolutions (quantised-conv.ts) */
  model: E5Model;
  dataset: DatasetName;
  /** widths of the MLP's quantised hidden layers (model 'mlp' only) */
  hidden?: number[];
  /** output channels of the two convolutions (model 'conv' only) */
  channels?: [number, number];
  /** the levels of every quantised unit */
  levels: LevelPreset;
  /** s, the scale of the logistic noise before the quantiser */
  noiseScale: number;
  /** a registry estimator with its options (a binary row, 'stBinary' or 'zgrBinary', needs two levels) */
  estimator: EstimatorSpec;
  /** the first testSize images of the test split */
  testSize: number;
}

/** A configuration with only the fields that differ from the defaults. */
export type E5TrainingInput = Pick<E5TrainingConfig, 'estimator' | 'seed'> & Partial<E5TrainingConfig>;

/**
 * Our defaults (the paper gives none for E5): a 784–512–512–10 ternary MLP on Fashion-MNIST, batch
 * 100, Adam at 1e-3.
 */
export const E5_DEFAULTS = {
  model: 'mlp' as E5Model,
  dataset: 'fashion-mnist' as DatasetName,
  hidden: [512, 512],
  channels: [16, 32] as [number, number],
  levels: 'ternary' as LevelPreset,
  noiseScale: 1,
  lr: 1e-3,
  optimizer: 'adam' as Optimizer,
  batchSize: 100,
  epochs: 10,
  trainSize: MNIST_SIZES.train,
  testSize: MNIST_SIZES.test,
  snapshotEpochs: [] as number[],
};

const fail = (message: string): never => {
  throw new Error(`E5 config: ${message}`);
};

/** The spec with its default options filled in (a binary estimator has none). */
function normaliseEstimator(spec: EstimatorSpec): EstimatorSpec {
  const r = resolveEstimator(spec);
  return { name: r.name, options: { ...r.options } };
}

/** Fill defaults, drop the shape field the model does not use, fill the estimator's options, and check every field. */
export function normaliseE5Config(given: E5TrainingInput): E5TrainingConfig {
  // a field given as undefined takes its default
  const input = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as E5TrainingInput;
  const model = input.model ?? E5_DEFAULTS.model;
  if (!E5_MODELS.includes(model)) fail(`model must be one of ${E5_MODELS.join(', ')}, got ${JSON.stringify(model)}`);
  const c: E5TrainingConfig = {
    ...E5_DEFAULTS,
    ...input,
    hidden: model === 'mlp' ? [...(input.hidden ?? E5_DEFAULTS.hidden)] : undefined,
    channels: model === 'conv' ? ([...(input.channels ?? E5_DEFAULTS.channels)] as [number, number]) : undefined,
    snapshotEpochs: [...(input.snapshotEpochs ?? [])].sort((a, b) => a - b),
  };
  c.estimator = normaliseEstimator(c.estimator);
  const int = (name: keyof E5TrainingConfig, lo: number, hi = Number.MAX_SAFE_INTEGER) => {
    const v = c[name] as number;
    if (!Number.isSafeInteger(v) || v < lo || v > hi)
      fail(`${name} must be an integer in [${lo}, ${hi}], got ${JSON.stringify(v)}`);
  };
  int('batchSize', 1);
  int('epochs', 1);
  int('trainSize', 1, MNIST_SIZES.train);
  int('testSize', 1, MNIST_SIZES.test);
  int('seed', 0, 2 ** 31 - 1);
  if (!DATASETS.includes(c.dataset))
    fail(`dataset must be one of ${DATASETS.join(', ')}, got ${JSON.stringify(c.dataset)}`);
  if (!(c.levels in LEVEL_PRESETS))
    fail(`levels must be one of ${Object.keys(LEVEL_PRESETS).join(', ')}, got ${JSON.stringify(c.levels)}`);
  if (resolveEstimator(c.estimator).kind === 'binary' && LEVEL_PRESETS[c.levels].length !== 2)
    fail(`estimator ${c.estimator.name} needs two levels, levels ${c.levels} has ${LEVEL_PRESETS[c.levels].length}`);
  if (!(c.noiseScale > 0 && Number.isFinite(c.noiseScale)))
    fail(`noiseScale must be a finite number > 0, got ${c.noiseScale}`);
  if (c.trainSize < c.batchSize) fail(`trainSize (${c.trainSize}) must be at least batchSize (${c.batchSize})`);
  if (!(c.lr > 0 && Number.isFinite(c.lr))) fail(`lr must be a finite number > 0, got ${c.lr}`);
  if (!OPTIMIZERS.includes(c.optimizer))
    fail(`optimizer must be one of ${OPTIMIZERS.join(', ')}, got ${JSON.stringify(c.optimizer)}`);
  const widths = model === 'mlp' ? c.hidden! : c.channels!;
  if (
    !(widths.length >= 1 && widths.every((h) => Number.isSafeInteger(h) && h >= 1)) ||
    (model === 'conv' && widths.length !== 2)
  ) {
    fail(
      `${model === 'mlp' ? 'hidden must be ≥ 1 positive integer widths' : 'channels must be two positive integers'}, ` +
        `got ${JSON.stringify(widths)}`,
    );
  }
  if (!c.snapshotEpochs.every((e) => Number.isSafeInteger(e) && e >= 0 && e <= c.epochs))
    fail(`snapshotEpochs must be integers in [0, epochs = ${c.epochs}], got ${JSON.stringify(c.snapshotEpochs)}`);
  return c;
}

/**
 * The run's key: readable prefix + hash of the full configuration, e.g.
 * "e5-mlp-fashion-mnist-ternary-zgr-lr0.001-s0-1a2b3c4d5e".
 */
export function e5RunKey(input: E5TrainingInput): string {
  const c = normaliseE5Config(input);
  const hash = createHash('sha256').update(canonicalJson(c)).digest('hex').slice(0, 10);
  const id = estimatorId(c.estimator);
  const optimizer = c.optimizer === 'adam' ? '' : `-${c.optimizer}`;
  return `e5-${c.model}-${c.dataset}-${c.levels}-${id}-lr${c.lr}${optimizer}-s${c.seed}-${hash}`;
}
