/**
 * One E3 training run: the categorical VAE trained on MNIST with one estimator (PAPER.md
 * "Experiment protocols"), configured by a `VaeTrainingConfig` (vae-config.ts). A run
 *   - shows a progress bar with ETA and the running −ELBO;
 *   - writes its per-epoch train and test −ELBO to `<resultsDir>/<key>/result.json`;
 *   - writes a checkpoint after every epoch (weights, Adam state, random-stream state) and, when
 *     started again after an interruption (even kill -9), resumes from it, giving the same final
 *     numbers, bit for bit, as an uninterrupted run with the same seed (the checkpoint is deleted
 *     once the run has finished);
 *   - is keyed by a hash of its full configuration, so a rerun returns finished work at once.
 * Train −ELBO of an epoch is the mean of the single-sample training losses over its steps; test
 * −ELBO is a single-sample estimate on the test images, with the same evaluation noise at every
 * epoch. `trainVae` is the loop; each step of it (resume, one epoch, evaluate, checkpoint) is a
 * function over the `Session` of the run; the files are the checkpoint store's.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend';
import { batchTargets, loadMnist, MNIST_PIXELS, type Binarisation, type Mnist } from '../data/mnist';
import { Adam } from '../models/adam';
import { RAdam } from '../models/radam';
import { estimatorLabel, resolveEstimator, type ResolvedEstimator } from '../estimators/spec';
import { negElboLoss, negElboPerImage, packVariables, unpackVariables, Vae } from '../models/vae';
import { Random } from '../random';
import { floatsToBytes, RunFolder } from '../results/checkpoint-store';
import { repoRoot } from '../results/paths';
import { provenance, type Provenance } from '../results/provenance';
import { progressBar, type ProgressSink, type ProgressUpdate } from './progress';
import { normaliseConfig, runKey, type VaeTrainingConfig, type VaeTrainingInput } from './vae-config';

// ------------------------------------------------------------------------------ results on disk

export interface EpochRecord {
  epoch: number;
  /** optimiser steps done so far */
  step: number;
  /** mean training loss (single-sample −ELBO, nats per image) over the epoch's steps */
  trainNegElbo: number;
  /** single-sample −ELBO on the test images (nats per image) after the epoch */
  testNegElbo: number;
  /** training time so far (s), summed over interrupted sessions */
  wallTimeS: number;
}

export interface VaeRunResult {
  key: string;
  /** legend label of the estimator, e.g. "GR-MC10(τ=1)" */
  label: string;
  config: VaeTrainingConfig;
  history: EpochRecord[];
  /** all epochs done */
  done: boolean;
  /** sha256 (first 16 hex) of the weights after the last epoch done: equal runs, equal weights */
  weightsChecksum: string;
  /** number of times the run was resumed from a checkpoint */
  resumes: number;
  provenance: Provenance;
}

/** What a checkpoint records beside its state file (weights then Adam moments m_0, v_0, m_1, …). */
interface VaeCheckpoint {
  key: string;
  epoch: number;
  step: number;
  adamStep: number;
  rng: { seed: number; state: number[] };
  wallTimeS: number;
  resumes: number;
  history: EpochRecord[];
}

/** Default folder of E3 runs (git-ignored): .cache/e3-vae-training at the repository root. */
export function e3ResultsDir(): string {
  return process.env.ZGR_E3_RESULTS_DIR || path.join(repoRoot(), '.cache', 'e3-vae-training');
}

function runFolder(input: VaeTrainingInput, resultsDir: string): RunFolder {
  return new RunFolder(resultsDir, runKey(input));
}

/** The folder of a run. */
export function runDir(input: VaeTrainingInput, resultsDir = e3ResultsDir()): string {
  return runFolder(input, resultsDir).dir;
}

/** The stored result of a run (finished or not), or null when it never wrote one. */
export function loadRunResult(input: VaeTrainingInput, resultsDir = e3ResultsDir()): VaeRunResult | null {
  return runFolder(input, resultsDir).readResult<VaeRunResult>();
}

/** The weights of a run kept after `epoch` (config.snapshotEpochs), as a model. */
export function loadSnapshot(input: VaeTrainingInput, epoch: number, resultsDir = e3ResultsDir()): Vae {
  const c = normaliseConfig(input);
  const folder = runFolder(c, resultsDir);
  const weights = folder.readSnapshot(epoch);
  if (weights == null) throw new Error(`loadSnapshot: ${folder.snapshotFile(epoch)} does not exist (snapshotEpochs: [${c.snapshotEpochs}]; has the run reached epoch ${epoch}?)`);
  const vae = Vae.create({ C: c.C, numLatents: c.numLatents, hidden: c.hidden }, Random.fromSeed(0));
  unpackVariables(vae.variables(), weights, folder.snapshotFile(epoch));
  return vae;
}

// ------------------------------------------------------------------------------ the steps

export interface TrainOptions {
  /** folder of all runs (default e3ResultsDir()) */
  resultsDir?: string;
  /** progress reporting: a sink, true (bar on stderr, default) or false */
  progress?: ProgressSink | boolean;
  /** called after each checkpoint is written (the resume test kills the process there) */
  onCheckpoint?: (epoch: number) => void;
}

/** Mean single-sample −ELBO of `data` (nats per image), noise from `rng`. */
export function evaluateNegElbo(vae: Vae, data: Mnist, binarisation: Binarisation, rng: Random, chunk = 500): number {
  let sum = 0;
  for (let from = 0; from < data.count; from += chunk) {
    const idx = Array.from({ length: Math.min(chunk, data.count - from) }, (_, i) => from + i);
    const t = batchTargets(data, idx, binarisation, rng);
    sum += tf.tidy(() => negElboPerImage(vae, tf.tensor2d(t, [idx.length, MNIST_PIXELS]), rng).sum().dataSync()[0]);
  }
  return sum / data.count;
}

/**
 * One optimiser step on a batch of targets [B × 784]: the estimator's gradient of the batch
 * −ELBO, then Adam. Returns the batch loss (what the bench times, too).
 */
export function trainStep(vae: Vae, adam: Adam, targets: Float32Array, estimator: ResolvedEstimator, rng: Random): number {
  const variables = adam.variables;
  return tf.tidy(() => {
    const x = tf.tensor2d(targets, [targets.length / vae.inputSize, vae.inputSize]);
    const { value, grads } = tf.variableGrads(() => negElboLoss(vae, x, estimator, rng), variables as tf.Variable[]);
    adam.apply(variables.map((v) => grads[v.name]));
    return value.dataSync()[0];
  });
}

function checksum(vae: Vae): string {
  return createHash('sha256').update(floatsToBytes(packVariables(vae.variables()))).digest('hex').slice(0, 16);
}

/** A run in progress: its model and optimiser, its random streams, and what is done so far. */
interface Session {
  config: VaeTrainingConfig;
  folder: RunFolder;
  vae: Vae;
  /** Adam or RAdam; `adam.step` and its moments are part of every checkpoint */
  adam: Adam;
  /** shuffling, binarisation and estimator noise: saved in every checkpoint */
  trainRng: Random;
  /** evaluation noise: a clone of it is used at every epoch */
  evalRng: Random;
  epoch: number;
  step: number;
  history: EpochRecord[];
  /** training time (s) of the sessions before this one (a run resumed after an interruption) */
  earlierWallTimeS: number;
  resumes: number;
  /** Date.now() when this session began training */
  startedAt: number;
}

/**
 * A fresh session. The random stream of the seed is split into three: weight initialisation,
 * training and evaluation.
 */
function openSession(config: VaeTrainingConfig, folder: RunFolder): Session {
  const root = Random.fromSeed(config.seed);
  const initRng = root.split();
  const trainRng = root.split();
  const evalRng = root.split();
  const vae = Vae.create({ C: config.C, numLatents: config.numLatents, hidden: config.hidden }, initRng);
  const variables = vae.variables();
  const adam = config.optimizer === 'radam' ? new RAdam(variables, { lr: config.lr }) : new Adam(variables, { lr: config.lr });
  return { config, folder, vae, adam, trainRng, evalRng, epoch: 0, step: 0, history: [], earlierWallTimeS: 0, resumes: 0, startedAt: Date.now() };
}

/** Weights, Adam moments and step, the training stream and the history from the last checkpoint; false when there is none. */
function resumeFromCheckpoint(s: Session): boolean {
  const saved = s.folder.readCheckpoint<VaeCheckpoint>();
  if (saved == null) return false;
  const { record } = saved;
  unpackVariables([...s.vae.variables(), ...s.adam.stateTensors()], saved.state, saved.stateFile);
  s.adam.step = record.adamStep;
  s.trainRng = Random.fromState(record.rng);
  ({ history: s.history, epoch: s.epoch, step: s.step } = record);
  s.earlierWallTimeS = record.wallTimeS;
  s.resumes = record.resumes + 1;
  return true;
}

/** A run that starts from nothing: its folder, and the snapshot at initialisation when asked for. */
function startAfresh(s: Session): void {
  s.folder.create();
  if (s.config.snapshotEpochs.includes(0)) s.folder.writeSnapshot(0, packVariables(s.vae.variables()));
}

const stepsPerEpoch = (c: VaeTrainingConfig) => Math.floor(c.trainSize / c.batchSize); // the last partial batch is dropped

/** One epoch of optimiser steps over a fresh shuffle of the training images; returns the mean training loss. */
function trainEpoch(s: Session, train: Mnist, estimator: ResolvedEstimator, report: (u: ProgressUpdate) => void): number {
  const { config } = s;
  const steps = stepsPerEpoch(config);
  s.epoch += 1;
  const perm = s.trainRng.permutation(config.trainSize);
  let lossSum = 0;
  for (let i = 0; i < steps; i++) {
    const idx = perm.subarray(i * config.batchSize, (i + 1) * config.batchSize);
    const targets = batchTargets(train, idx, config.binarisation, s.trainRng);
    const loss = trainStep(s.vae, s.adam, targets, estimator, s.trainRng);
    if (!Number.isFinite(loss)) throw new Error(`trainVae ${s.folder.key}: the loss is ${loss} at epoch ${s.epoch}, step ${i + 1}`);
    lossSum += loss;
    s.step += 1;
    report({ step: s.step, total: steps * config.epochs, epoch: s.epoch, epochs: config.epochs, loss: lossSum / (i + 1), epochEnd: i === steps - 1 });
  }
  return lossSum / steps;
}

/** The epoch's record: its training loss, the test −ELBO (the same evaluation noise every epoch), the time so far. */
function evaluate(s: Session, trainNegElbo: number, test: Mnist): EpochRecord {
  const testNegElbo = evaluateNegElbo(s.vae, test, s.config.binarisation, s.evalRng.clone());
  const wallTimeS = s.earlierWallTimeS + (Date.now() - s.startedAt) / 1000;
  const record: EpochRecord = { epoch: s.epoch, step: s.step, trainNegElbo, testNegElbo, wallTimeS };
  s.history = [...s.history, record];
  return record;
}

/** After an epoch: its snapshot when asked for, the checkpoint, then the result it lets a reader see. */
function writeCheckpoint(s: Session, label: string): VaeRunResult {
  const { config, folder, vae, adam, epoch } = s;
  const variables = vae.variables();
  if (config.snapshotEpochs.includes(epoch)) folder.writeSnapshot(epoch, packVariables(variables));
  const checkpoint: VaeCheckpoint = { key: folder.key, epoch, step: s.step, adamStep: adam.step, rng: s.trainRng.getState(), wallTimeS: s.history.at(-1)!.wallTimeS, resumes: s.resumes, history: s.history };
  folder.writeCheckpoint(checkpoint, packVariables([...variables, ...adam.stateTensors()]));
  return writeRunResult(s, label);
}

/** The run's result as of the session's last epoch. */
function writeRunResult(s: Session, label: string): VaeRunResult {
  const { config, folder, vae, epoch } = s;
  const wallTimeS = s.history.at(-1)?.wallTimeS ?? 0;
  const result: VaeRunResult = {
    key: folder.key,
    label,
    config,
    history: s.history,
    done: epoch === config.epochs,
    weightsChecksum: checksum(vae),
    resumes: s.resumes,
    provenance: provenance({ seed: config.seed, wallTimeS }),
  };
  folder.writeResult(result);
  return result;
}

// ------------------------------------------------------------------------------ the loop

/**
 * Train one configuration (or resume it, or return it when finished): resume or start, then
 * epoch by epoch train, evaluate and checkpoint; once finished the checkpoint goes.
 */
export async function trainVae(input: VaeTrainingInput, options: TrainOptions = {}): Promise<VaeRunResult> {
  const config = normaliseConfig(input);
  const folder = new RunFolder(options.resultsDir ?? e3ResultsDir(), runKey(config));
  const finished = folder.readResult<VaeRunResult>();
  if (finished?.done) return finished;

  await initBackend(undefined, true);
  const label = estimatorLabel(config.estimator);
  const estimator = resolveEstimator(config.estimator);
  const sink: ProgressSink | null =
    options.progress === false ? null : typeof options.progress === 'function' ? options.progress : progressBar(`${folder.key.replace(/-[0-9a-f]{10}$/, '')}`);
  const report = (u: ProgressUpdate & { final?: boolean }) => sink?.({ ...u, label });
  const train = loadMnist('train', { limit: config.trainSize });
  const test = loadMnist('test', { limit: config.testSize });

  const s = openSession(config, folder);
  let result: VaeRunResult | null = null;
  try {
    if (!resumeFromCheckpoint(s)) startAfresh(s);
    s.startedAt = Date.now(); // this session's clock starts once its state is loaded
    while (s.epoch < config.epochs) {
      const trainNegElbo = trainEpoch(s, train, estimator, report);
      evaluate(s, trainNegElbo, test);
      result = writeCheckpoint(s, label);
      options.onCheckpoint?.(s.epoch);
    }
    // killed after the last checkpoint but before its result: the resumed session writes it now
    if (result == null) result = writeRunResult(s, label);
    // finished: the result is final, so the checkpoint (weights + Adam state, MBs per run) can go
    folder.clearCheckpoint();
    report({ step: s.step, total: stepsPerEpoch(config) * config.epochs, epoch: s.epoch, epochs: config.epochs, loss: s.history.at(-1)?.trainNegElbo ?? NaN, final: true });
  } finally {
    s.adam.dispose();
    s.vae.dispose();
  }
  return result;
}
