/**
 * E5's exact gradient quality (PAPER.md E5: "on a network small enough to enumerate, the same
 * bias–variance analysis as E4"; claim C7): every estimator of the C7 grid measured against the
 * exact gradient of a quantised classifier's batch loss, at checkpoints of a training run.
 *
 * The paper's: the estimators, claim C7 and its scale-free metrics (judged by the same
 * `c7BiasVariance` as the toys and the VAE), the C7 grid (E4's, imported from it).
 * Ours: the net (784 → n ternary units → 10, one quantised layer: lib/models/quantised-mlp.ts),
 * the evaluation batches (the first training images of our Fashion-MNIST split, grey values),
 * n, the batch sizes, the Monte Carlo settings and the seed; the checkpoints are the trainer's.
 *
 * The 3^n joint states of each image are enumerated (lib/models/quantised-exact.ts): functions
 * of the sample and RLOO(M) are exact, the GR family is Monte Carlo over its noise given the
 * state only, with replicates for intervals. Two coordinate systems, one case each:
 * - 'pre-activations' a = x W_1 + b_1: where autodiff chains an estimate into the weights (the
 *   estimate w.r.t. η times dη/da). C7's verdict is read here: it is the gradient training uses.
 * - 'level logits' η: the estimators' own coordinates, as E4's encoder logits.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend';
import { classificationBatch, loadDataset, type DatasetName } from '../data/classification';
import { MNIST_PIXELS, type Mnist } from '../data/mnist';
import { familyQuality, logitMoments, type EstimatorPoint, type FamilyGrid } from '../exact/family-quality';
import {
  preActivationMoments,
  quantisedExactGradientErrors,
  quantisedStates,
  type QuantisedStates,
} from '../models/quantised-exact';
import { LEVEL_PRESETS, type LevelPreset } from '../models/quantised-layer';
import { QuantisedMlp } from '../models/quantised-mlp';
import { MAX_STATES } from '../models/vae-exact';
import { Random } from '../random';
import { cacheDir } from '../results/paths';
import { profileName, type ProfileName } from '../results/profile';
import { provenance, type Provenance } from '../results/provenance';
import { writeJsonAtomic } from '../results/write';
import { c7Grid } from '../exact/c7-grid';
import type { E4Case } from './e4-gradient-quality';
import { normaliseE5Config, type E5TrainingConfig, type E5TrainingInput } from '../training/quantised-config';
import { e5ResultsDir, loadE5Snapshot, trainQuantised } from '../training/quantised-task';

export const E5_CLASSES = 10;

/** The coordinates an estimate is measured in (see the module doc). */
export type E5Space = 'pre-activations' | 'level logits';

/** The Monte Carlo of the GR family over its noise given the state. */
export interface E5MonteCarlo {
  replicates: number;
  drawsPerReplicate: number;
}

export interface E5QualityProfile {
  /** n, the quantised units of the one hidden layer: L^n joint states per image */
  units: number;
  levels: LevelPreset;
  /** s, the logistic noise scale of the quantiser */
  noiseScale: number;
  dataset: DatasetName;
  /** evaluation batches: batch k holds training images [k·B, (k + 1)·B) */
  evalBatches: number;
  /** images per evaluation batch (B) */
  evalBatch: number;
  grid: FamilyGrid;
  mc: E5MonteCarlo;
  seed: number;
  /** the run whose snapshots are measured (the E5 runner, e5-training.ts; the net's shape is the profile's) */
  training: Omit<E5TrainingInput, 'model' | 'hidden' | 'levels' | 'noiseScale' | 'dataset' | 'snapshotEpochs'>;
  /** the checkpoints: snapshots of the run after these epochs (0 = initialisation) */
  checkpoints: E5Checkpoint[];
}

const QUICK: E5QualityProfile = {
  units: 8, // 3^8 = 6561 states
  levels: 'ternary',
  noiseScale: 1,
  dataset: 'fashion-mnist',
  evalBatches: 2,
  evalBatch: 50, // 17–27 s a checkpoint (both spaces, 100 images) on one core, at one round of GR draws
  grid: c7Grid(4), // E4's C7 grid (PAPER.md) with ≤ 4 adaptive rounds of the Monte Carlo below
  mc: { replicates: 20, drawsPerReplicate: 10 },
  seed: 0,
  // ZGR at Adam 1e-3 (ours) on the first 5k training images, 3 epochs
  training: { estimator: { name: 'zgr' }, seed: 0, epochs: 3, trainSize: 5_000, testSize: 1_000 },
  checkpoints: [
    { name: 'init', epoch: 0 },
    { name: 'early', epoch: 1 },
    { name: 'end', epoch: 3 },
  ],
};

export const E5_QUALITY_PROFILES: Record<ProfileName, E5QualityProfile> = {
  quick: QUICK,
  medium: QUICK, // no committed medium runs: the quick settings
  long: QUICK, // likewise
  // 3^10 = 59049 states (≤ MAX_STATES; 3^11 is not), real batches: ≈ 1.2 s an image, 6 min a checkpoint on one core
  paper: {
    ...QUICK,
    units: 10,
    evalBatches: 3,
    evalBatch: 100,
    grid: c7Grid(40),
    mc: { replicates: 20, drawsPerReplicate: 50 },
    training: { estimator: { name: 'zgr' }, seed: 0, epochs: 50 },
    checkpoints: [
      { name: 'init', epoch: 0 },
      { name: 'early', epoch: 2 },
      { name: 'middle', epoch: 20 },
      { name: 'end', epoch: 50 },
    ],
  },
};

/**
 * One checkpoint on one batch in one coordinate system: E4Case's fields (images, objective, ‖∇J‖, the
 * exact gradient's errors, every estimator's point, seconds).
 */
export interface E5Case extends Omit<E4Case, 'batch' | 'space'> {
  /** evaluation batch k (images [k·B, (k + 1)·B)) */
  batch: number;
  space: E5Space;
}

export interface E5Checkpoint {
  name: string;
  /** epoch after which the weights were taken (0 = initialisation) */
  epoch: number;
}

export interface E5CheckpointResult {
  checkpoint: E5Checkpoint;
  cases: E5Case[];
}

export interface E5QualityResult {
  profile: E5QualityProfile;
  checkpoints: E5CheckpointResult[];
  provenance: Provenance;
}

/** The untrained net of the profile's shape: 784 → n quantised units → 10. */
export function e5QualityNet(profile: E5QualityProfile, rng: Random): QuantisedMlp {
  return QuantisedMlp.create(
    {
      inputSize: MNIST_PIXELS,
      hidden: [profile.units],
      classes: E5_CLASSES,
      levels: profile.levels,
      noiseScale: profile.noiseScale,
    },
    rng,
  );
}

/**
 * Measure one net on one batch: the exact gradient's check and every estimator of `grid`, w.r.t.
 * the pre-activations (first case) and, unless `spaces` omits it, w.r.t. the level logits.
 */
export function measureQuantisedBatch(
  net: QuantisedMlp,
  x: tf.Tensor2D,
  labels: ArrayLike<number>,
  options: { grid: FamilyGrid; mc: E5MonteCarlo; rng: Random; spaces?: readonly E5Space[] },
): Omit<E5Case, 'batch'>[] {
  const inputSize = net.layers[0].W.shape[0];
  if (x.shape[1] !== inputSize)
    throw new Error(`measureQuantisedBatch: x has ${x.shape[1]} columns, the net takes ${inputSize} inputs`);
  const spaces = options.spaces ?? ['pre-activations', 'level logits'];
  if (spaces.length === 0 || spaces.some((s) => s !== 'pre-activations' && s !== 'level logits')) {
    throw new Error(
      `measureQuantisedBatch: spaces must list 'pre-activations' and/or 'level logits', got ${JSON.stringify(spaces)}`,
    );
  }
  let t0 = Date.now();
  const states = quantisedStates(net, x, labels);
  const errors = quantisedExactGradientErrors(states, net, x, labels);
  const mc = { ...options.mc, rng: options.rng };
  const cases: Omit<E5Case, 'batch'>[] = [];
  for (const space of spaces) {
    const source =
      space === 'pre-activations' ? preActivationMoments(states, mc) : logitMoments(states.blocks, 1 / states.B, mc);
    const points = familyQuality(source, options.grid);
    const gradient = space === 'pre-activations' ? errors.preActivations : errors.levelLogits;
    cases.push({
      space,
      images: states.B,
      objective: states.objective,
      gradientNorm: points[0].quality.gradientNorm,
      exactGradientErrors: { objective: errors.objective, gradient },
      points,
      seconds: (Date.now() - t0) / 1000, // the first case carries the enumeration and the autodiff check
    });
    t0 = Date.now();
  }
  return cases;
}

/** Nets of the checkpoints, checked against the profile's shape; errors name the argument. */
function checkNets(
  nets: readonly { name: string; epoch: number; net: QuantisedMlp }[],
  profile: E5QualityProfile,
): void {
  if (nets.length === 0) throw new Error('measureE5Quality: nets is empty');
  nets.forEach(({ name, epoch, net }, i) => {
    if (typeof name !== 'string' || name === '')
      throw new Error(`measureE5Quality: nets[${i}].name must be a non-empty string, got ${JSON.stringify(name)}`);
    if (!(Number.isInteger(epoch) && epoch >= 0))
      throw new Error(`measureE5Quality: nets[${i}].epoch must be an integer ≥ 0, got ${epoch}`);
    const widths = net.layers.map((l) => l.W.shape[1]);
    if (widths.length !== 2 || widths[0] !== profile.units) {
      throw new Error(
        `measureE5Quality: nets[${i}].net (${name}) must have one quantised layer of ` +
          `profile.units = ${profile.units} units, its layer widths are [${widths}]`,
      );
    }
    const q = net.quantiser;
    if (q.levels.join() !== LEVEL_PRESETS[profile.levels].join() || q.noiseScale !== profile.noiseScale) {
      throw new Error(
        `measureE5Quality: nets[${i}].net (${name}) quantises to [${q.levels}] with noise ` +
          `scale ${q.noiseScale}, the profile to ${profile.levels} with ${profile.noiseScale}`,
      );
    }
  });
}

/** The profile's sizes, checked before any work. */
function checkProfile(p: E5QualityProfile): void {
  const levels = LEVEL_PRESETS[p.levels];
  if (levels == null)
    throw new Error(
      `measureE5Quality: profile.levels must be one of ` +
        `${Object.keys(LEVEL_PRESETS).join(', ')}, got ${JSON.stringify(p.levels)}`,
    );
  const S = levels.length ** p.units; // joint states of one image
  if (!(Number.isInteger(p.units) && p.units >= 1 && S <= MAX_STATES))
    throw new Error(
      `measureE5Quality: profile.units must be an integer ≥ 1 with at ` +
        `most ${MAX_STATES} joint states, got ${p.units} (${S} states)`,
    );
  for (const key of ['evalBatches', 'evalBatch'] as const) {
    if (!(Number.isInteger(p[key]) && p[key] >= 1))
      throw new Error(`measureE5Quality: profile.${key} must be an integer ≥ 1, got ${p[key]}`);
  }
}

/**
 * E5's gradient quality for a profile at the given checkpoints (nets, e.g. a training run's
 * snapshots): every net on every evaluation batch, in both coordinate systems. With `file`, the
 * result is written there (atomically). `data` replaces the profile's training images.
 */
export function measureE5Quality(
  nets: readonly { name: string; epoch: number; net: QuantisedMlp }[],
  profileOrName: ProfileName | E5QualityProfile,
  options: { data?: Mnist; file?: string; log?: (line: string) => void } = {},
): E5QualityResult {
  const profile = typeof profileOrName === 'object' ? profileOrName : E5_QUALITY_PROFILES[profileOrName];
  if (profile == null) throw new Error(`measureE5Quality: unknown profile ${JSON.stringify(profileOrName)}`);
  checkProfile(profile);
  checkNets(nets, profile);
  const started = Date.now();
  const images = profile.evalBatches * profile.evalBatch;
  const data = options.data ?? loadDataset(profile.dataset, 'train', { limit: images });
  if (data.count < images)
    throw new Error(`measureE5Quality: data holds ${data.count} images, the profile needs ${images}`);
  const log = options.log ?? (() => {});
  const rng = Random.fromSeed(profile.seed);
  const checkpoints = nets.map(({ name, epoch, net }) => {
    const streams = rng.split(); // one stream per checkpoint, one split per batch
    const cases: E5Case[] = [];
    for (let batch = 0; batch < profile.evalBatches; batch++) {
      const { images: pixels, labels } = classificationBatch(
        data,
        Array.from({ length: profile.evalBatch }, (_, i) => batch * profile.evalBatch + i),
      );
      const x = tf.tensor2d(pixels, [profile.evalBatch, MNIST_PIXELS]);
      try {
        for (const c of measureQuantisedBatch(net, x, labels, {
          grid: profile.grid,
          mc: profile.mc,
          rng: streams.split(),
        })) {
          cases.push({ batch, ...c });
          log(`[e5] ${name} (epoch ${epoch}), batch ${batch}, w.r.t. the ${c.space}: ${c.seconds.toFixed(1)} s`);
        }
      } finally {
        x.dispose();
      }
    }
    return { checkpoint: { name, epoch }, cases };
  });
  const result: E5QualityResult = {
    profile,
    checkpoints,
    provenance: provenance({
      seed: profile.seed,
      wallTimeS: (Date.now() - started) / 1000,
      profile: typeof profileOrName === 'string' ? profileOrName : profileName(),
    }),
  };
  if (options.file != null) writeJsonAtomic(options.file, result);
  return result;
}

/** Default folder of E5 gradient-quality results (git-ignored). */
export function e5QualityResultsDir(): string {
  return cacheDir('e5-gradient-quality');
}

/** The training run of a quality profile: its net's shape, snapshots at its checkpoints. */
export function e5QualityTraining(profile: E5QualityProfile): E5TrainingConfig {
  return normaliseE5Config({
    ...profile.training,
    model: 'mlp',
    dataset: profile.dataset,
    hidden: [profile.units],
    levels: profile.levels,
    noiseScale: profile.noiseScale,
    snapshotEpochs: profile.checkpoints.map((c) => c.epoch),
  });
}

/**
 * E5's gradient quality for a profile: train (or resume, or reuse) its run with snapshots at the
 * checkpoints (the E5 runner), then measure every checkpoint. Stored under a hash of the profile;
 * a rerun loads it.
 */
export async function runE5Quality(
  options: {
    profile?: ProfileName | E5QualityProfile;
    resultsDir?: string;
    trainingDir?: string;
    progress?: boolean;
    log?: (line: string) => void;
  } = {},
): Promise<E5QualityResult> {
  const profile =
    typeof options.profile === 'object' ? options.profile : E5_QUALITY_PROFILES[options.profile ?? profileName()];
  const hash = createHash('sha256').update(JSON.stringify(profile)).digest('hex').slice(0, 10);
  const file = path.join(
    options.resultsDir ?? e5QualityResultsDir(),
    `${profile.units}u-b${profile.evalBatch}x${profile.evalBatches}-${hash}.json`,
  );
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as E5QualityResult;
  await initBackend(undefined, true);
  const training = e5QualityTraining(profile);
  const trainingDir = options.trainingDir ?? e5ResultsDir();
  await trainQuantised(training, { resultsDir: trainingDir, progress: options.progress === false ? false : undefined });
  const nets = profile.checkpoints.map((c) => ({
    ...c,
    net: loadE5Snapshot(training, c.epoch, trainingDir) as QuantisedMlp,
  }));
  try {
    return measureE5Quality(nets, profile, {
      file,
      log: options.log ?? ((line) => options.progress !== false && process.stderr.write(line + '\n')),
    });
  } finally {
    nets.forEach((n) => n.net.dispose());
  }
}
