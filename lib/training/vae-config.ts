/**
 * The configuration of one VAE training run (E3, PAPER.md "Experiment protocols") and its key.
 * A run is named by a hash of its normalised configuration (defaults and the estimator's default
 * options filled in, every field checked), so equal runs share one folder and one result.
 */
import { createHash } from 'node:crypto';
import { BINARISATIONS, MNIST_SIZES, type Binarisation } from '../data/mnist';
import { estimatorId, resolveEstimator, type EstimatorSpec } from '../estimators/spec';
import { OPTIMIZERS, type Optimizer, type RunConfig } from './training-run';

/**
 * The full configuration of one training run (the runner's fields, RunConfig, and the VAE's); its hash
 * is the run's key.
 */
export interface VaeTrainingConfig extends RunConfig {
  /** categories per latent variable */
  C: number;
  /** number of latent variables (PAPER.md's L) */
  numLatents: number;
  /** the estimator by registry name, with its options ('rloo' for RLOO(M)) */
  estimator: EstimatorSpec;
  /** the first testSize images of the official 10k test split */
  testSize: number;
  /** 'grey': grey values in [0, 1] as Bernoulli targets (ReinMax protocol); 'dynamic': fresh binary draws */
  binarisation: Binarisation;
  /** encoder hidden widths (decoder mirrors them); the protocol's [512, 256] */
  hidden: number[];
}

/** A configuration with only the fields that differ from the protocol's defaults. */
export type VaeTrainingInput = Pick<VaeTrainingConfig, 'C' | 'numLatents' | 'estimator' | 'seed'> &
  Partial<VaeTrainingConfig>;

export { OPTIMIZERS, type Optimizer } from './training-run';

/** Protocol defaults (PAPER.md E3): batch 100, Adam, lr 1e-3, grey targets, 784-512-256. */
export const E3_DEFAULTS = {
  lr: 1e-3,
  optimizer: 'adam' as Optimizer,
  batchSize: 100,
  epochs: 160,
  trainSize: MNIST_SIZES.train,
  testSize: MNIST_SIZES.test,
  binarisation: 'grey' as Binarisation,
  hidden: [512, 256],
  snapshotEpochs: [] as number[],
};

/** Fill defaults, fill the estimator's default options, and check every field. */
export function normaliseConfig(input: VaeTrainingInput): VaeTrainingConfig {
  const c: VaeTrainingConfig = {
    ...E3_DEFAULTS,
    ...input,
    hidden: [...(input.hidden ?? E3_DEFAULTS.hidden)],
    snapshotEpochs: [...(input.snapshotEpochs ?? [])].sort((a, b) => a - b),
  };
  const r = resolveEstimator(c.estimator);
  c.estimator = { name: r.name, options: { ...r.options } };
  const int = (name: keyof VaeTrainingConfig, lo: number, hi = Number.MAX_SAFE_INTEGER) => {
    const v = c[name] as number;
    if (!Number.isSafeInteger(v) || v < lo || v > hi)
      throw new Error(`VAE config: ${name} must be an integer in [${lo}, ${hi}], got ${JSON.stringify(v)}`);
  };
  int('C', 2);
  int('numLatents', 1);
  int('batchSize', 1);
  int('epochs', 1);
  int('trainSize', 1, MNIST_SIZES.train);
  int('testSize', 1, MNIST_SIZES.test);
  int('seed', 0, 2 ** 31 - 1);
  if (c.trainSize < c.batchSize)
    throw new Error(`VAE config: trainSize (${c.trainSize}) must be at least batchSize (${c.batchSize})`);
  if (!(c.lr > 0 && Number.isFinite(c.lr))) throw new Error(`VAE config: lr must be a finite number > 0, got ${c.lr}`);
  if (!OPTIMIZERS.includes(c.optimizer))
    throw new Error(
      `VAE config: optimizer must be one of ${OPTIMIZERS.join(', ')}, got ${JSON.stringify(c.optimizer)}`,
    );
  if (!BINARISATIONS.includes(c.binarisation))
    throw new Error(
      `VAE config: binarisation must be one of ${BINARISATIONS.join(', ')}, got ${JSON.stringify(c.binarisation)}`,
    );
  if (!c.hidden.every((h) => Number.isSafeInteger(h) && h >= 1))
    throw new Error(`VAE config: hidden must be positive integers, got ${JSON.stringify(c.hidden)}`);
  if (!c.snapshotEpochs.every((e) => Number.isSafeInteger(e) && e >= 0 && e <= c.epochs)) {
    throw new Error(
      `VAE config: snapshotEpochs must be integers in [0, epochs ` +
        `= ${c.epochs}], got ${JSON.stringify(c.snapshotEpochs)}`,
    );
  }
  return c;
}

/** JSON with object keys sorted at every level: one text per configuration. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value != null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The run's key: readable prefix + hash of the full configuration, e.g. "8x4-zgr-lr0.001-s0-1a2b3c4d5e". */
export function runKey(input: VaeTrainingInput): string {
  const c = normaliseConfig(input);
  const hash = createHash('sha256').update(canonicalJson(c)).digest('hex').slice(0, 10);
  const optimizer = c.optimizer === 'adam' ? '' : `-${c.optimizer}`;
  return `${c.C}x${c.numLatents}-${estimatorId(c.estimator)}-lr${c.lr}${optimizer}-s${c.seed}-${hash}`;
}
