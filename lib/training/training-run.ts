/**
 * One training run of any task — the VAE of E3 (vae-task.ts) or a quantised classifier of
 * E5 (quantised-task.ts) — with the properties every experiment relies on. A run
 *   - shows a progress bar with ETA and the running training loss;
 *   - writes its per-epoch record (the task's metrics) to `<resultsDir>/<key>/result.json`;
 *   - writes a checkpoint after every epoch (weights, optimiser state, random-stream state) and,
 *     when started again after an interruption (even kill -9), resumes from it, giving the same
 *     final numbers, bit for bit, as an uninterrupted run with the same seed (the checkpoint is
 *     deleted once the run has finished);
 *   - is keyed by a hash of its full configuration (the task's `key`), so a rerun returns
 *     finished work at once.
 * A task says what differs: its configuration, data, model, one optimiser step on a batch of
 * example indices, and the metrics of an epoch. `trainRun` is the loop; each step of it
 * (resume, one epoch, evaluate, checkpoint) is a function over the `Session` of the run; the files
 * are the checkpoint store's.
 *
 * Nothing on the training path reads a tensor synchronously (webgpu in Node cannot; PLATFORM.md):
 * a step returns its loss as a tensor, the losses stay on the device and are read once per epoch
 * with `await data()`, together with the estimators' deferred input checks (validate.ts); weights
 * are read for checkpoints, snapshots and the checksum with `await data()`. Every number is the
 * same as with per-step synchronous reads: the float32 losses are summed in float64 in step order.
 */
import { createHash } from 'node:crypto';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend';
import { settleDeferredChecks } from '../estimators/validate';
import { Adam } from '../models/adam';
import { RAdam } from '../models/radam';
import { packVariables, unpackVariables } from '../models/vae';
import { Random } from '../random';
import { floatsToBytes, RunFolder } from '../results/checkpoint-store';
import { provenance, type Provenance } from '../results/provenance';
import { progressBar, shortKey, type ProgressSink, type ProgressUpdate } from './progress';

/** 'adam' or 'radam' (RAdam, Liu et al. 2020: many cells of the protocol's tuned table, PAPER.md E3). */
export type Optimizer = 'adam' | 'radam';
export const OPTIMIZERS: readonly Optimizer[] = ['adam', 'radam'];

/** The fields of a configuration that the loop itself reads (every task's configuration has them). */
export interface RunConfig {
  /** learning rate of the optimiser */
  lr: number;
  /** 'adam' or 'radam' (RAdam, Liu et al. 2020: many cells of the protocol's tuned table, PAPER.md E3) */
  optimizer: Optimizer;
  batchSize: number;
  epochs: number;
  /** training examples used: the first trainSize images of the training split */
  trainSize: number;
  seed: number;
  /** epochs after which the weights are kept as snapshots (0 = at initialisation) */
  snapshotEpochs: number[];
}

/** What the loop needs of a model: its weights in a fixed order, and to free them. */
export interface Trainable {
  variables(): tf.Variable[];
  dispose(): void;
}

/** A run's setting, estimator label × lr × optimiser: the runs of one setting differ only by seed. */
export const settingKey = (r: { label: string; config: { lr: number; optimizer: Optimizer } }): string =>
  `${r.label}|${r.config.lr}|${r.config.optimizer}`;

/** An epoch's record: where the run is, the task's metrics, the time so far. */
export type EpochRecord<M> = {
  epoch: number;
  /** optimiser steps done so far */
  step: number;
  /** training time so far (s), summed over interrupted sessions */
  wallTimeS: number;
} & M;

export interface RunResult<C, M> {
  key: string;
  /** legend label of the estimator, e.g. "GR-MC10(τ=1)" */
  label: string;
  config: C;
  history: EpochRecord<M>[];
  /** all epochs done */
  done: boolean;
  /** sha256 (first 16 hex) of the weights after the last epoch done: equal runs, equal weights */
  weightsChecksum: string;
  /** number of times the run was resumed from a checkpoint */
  resumes: number;
  provenance: Provenance;
}

/**
 * A kind of training run. `Input` is what a caller gives (defaults left out), `C` the normalised
 * configuration, `M` the metrics of an epoch, `D` the loaded data.
 */
export interface TrainingTask<Input, C extends RunConfig, M, Model extends Trainable, D> {
  /** the name in run keys' errors and the progress bar, e.g. 'trainVae' */
  name: string;
  /** where runs go when the caller names no folder */
  defaultResultsDir(): string;
  /** defaults filled in, every field checked (errors name the field and value) */
  normalise(input: Input): C;
  /** readable prefix + hash of the normalised configuration */
  key(config: C): string;
  /** the estimator's legend label */
  label(config: C): string;
  loadData(config: C): D;
  createModel(config: C, initRng: Random): Model;
  /**
   * The optimiser step of the task, made once per session (it resolves the estimator): the
   * training loss of one step on the examples `indices` (a scalar tensor the caller disposes; it is
   * not read at once), all noise (targets, estimator) from `rng`.
   */
  stepper(config: C): Step<Model, D>;
  /**
   * the metrics of an epoch, given its mean training loss; evaluation noise from `evalRng` (the same
   * stream every epoch)
   */
  evaluate(model: Model, data: D, config: C, trainLoss: number, evalRng: Random): Promise<M>;
  /** the training loss in a record (for the progress bar's last line) */
  trainLoss(record: M): number;
  /** the name of the training loss in progress lines, e.g. '−ELBO' */
  lossName: string;
  /** the record's test metric in one phrase for logs, e.g. "test −ELBO 98.12" */
  summary(record: M): string;
}

/** What a checkpoint records beside its state file (weights then optimiser moments m_0, v_0, m_1, …). */
interface Checkpoint<M> {
  key: string;
  epoch: number;
  step: number;
  adamStep: number;
  rng: { seed: number; state: number[] };
  wallTimeS: number;
  resumes: number;
  history: EpochRecord<M>[];
}

// ------------------------------------------------------------------------------ results on disk

/** The stored result of a run (finished or not), or null when it never wrote one. */
export function loadResult<Input, C extends RunConfig, M, Model extends Trainable, D>(
  task: TrainingTask<Input, C, M, Model, D>,
  input: Input,
  resultsDir = task.defaultResultsDir(),
): RunResult<C, M> | null {
  return new RunFolder(resultsDir, task.key(task.normalise(input))).readResult<RunResult<C, M>>();
}

/** The weights of a run kept after `epoch` (config.snapshotEpochs), as a model. */
export function loadRunSnapshot<Input, C extends RunConfig, M, Model extends Trainable, D>(
  task: TrainingTask<Input, C, M, Model, D>,
  input: Input,
  epoch: number,
  resultsDir = task.defaultResultsDir(),
): Model {
  const config = task.normalise(input);
  const folder = new RunFolder(resultsDir, task.key(config));
  const weights = folder.readSnapshot(epoch);
  if (weights == null)
    throw new Error(
      `loadSnapshot: ${folder.snapshotFile(epoch)} does not exist (snapshotEpochs: ` +
        `[${config.snapshotEpochs}]; has the run reached epoch ${epoch}?)`,
    );
  const model = task.createModel(config, Random.fromSeed(0));
  unpackVariables(model.variables(), weights, folder.snapshotFile(epoch));
  return model;
}

async function checksum(model: Trainable): Promise<string> {
  return createHash('sha256')
    .update(floatsToBytes(await packVariables(model.variables())))
    .digest('hex')
    .slice(0, 16);
}

// ------------------------------------------------------------------------------ the steps

export interface TrainOptions {
  /** folder of all runs (default: the task's) */
  resultsDir?: string;
  /** progress reporting: a sink, true (bar on stderr, default) or false */
  progress?: ProgressSink | boolean;
  /** called after each checkpoint is written (the resume test kills the process there) */
  onCheckpoint?: (epoch: number) => void;
}

/** A run in progress: its model and optimiser, its random streams, and what is done so far. */
interface Session<C extends RunConfig, M, Model extends Trainable> {
  config: C;
  folder: RunFolder;
  model: Model;
  /** Adam or RAdam; `optimizer.step` and its moments are part of every checkpoint */
  optimizer: Adam;
  /** shuffling and all training noise: saved in every checkpoint */
  trainRng: Random;
  /** evaluation noise: a clone of it is used at every epoch */
  evalRng: Random;
  epoch: number;
  step: number;
  history: EpochRecord<M>[];
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
function openSession<C extends RunConfig, M, Model extends Trainable>(
  createModel: (config: C, initRng: Random) => Model,
  config: C,
  folder: RunFolder,
): Session<C, M, Model> {
  const root = Random.fromSeed(config.seed);
  const initRng = root.split();
  const trainRng = root.split();
  const evalRng = root.split();
  const model = createModel(config, initRng);
  const variables = model.variables();
  const optimizer =
    config.optimizer === 'radam' ? new RAdam(variables, { lr: config.lr }) : new Adam(variables, { lr: config.lr });
  return {
    config,
    folder,
    model,
    optimizer,
    trainRng,
    evalRng,
    epoch: 0,
    step: 0,
    history: [],
    earlierWallTimeS: 0,
    resumes: 0,
    startedAt: Date.now(),
  };
}

/**
 * Weights, optimiser moments and step, the training stream and the history from the last checkpoint;
 * false when there is none.
 */
function resumeFromCheckpoint<M>(s: Session<RunConfig, M, Trainable>): boolean {
  const saved = s.folder.readCheckpoint<Checkpoint<M>>();
  if (saved == null) return false;
  const { record } = saved;
  unpackVariables([...s.model.variables(), ...s.optimizer.stateTensors()], saved.state, saved.stateFile);
  s.optimizer.step = record.adamStep;
  s.trainRng = Random.fromState(record.rng);
  ({ history: s.history, epoch: s.epoch, step: s.step } = record);
  s.earlierWallTimeS = record.wallTimeS;
  s.resumes = record.resumes + 1;
  return true;
}

/** A run that starts from nothing: its folder, and the snapshot at initialisation when asked for. */
async function startAfresh(s: Session<RunConfig, unknown, Trainable>): Promise<void> {
  s.folder.create();
  if (s.config.snapshotEpochs.includes(0)) s.folder.writeSnapshot(0, await packVariables(s.model.variables()));
}

// the last partial batch is dropped
export const stepsPerEpoch = (c: RunConfig) => Math.floor(c.trainSize / c.batchSize);

/** One optimiser step of a task: the batch's training loss as a scalar tensor (read later, by the caller). */
export type Step<Model, D> = (model: Model, optimizer: Adam, data: D, indices: Int32Array, rng: Random) => tf.Scalar;

/** The values of scalar tensors, read with one `await data()`; the tensors are disposed. */
async function readScalars(scalars: tf.Scalar[]): Promise<Float32Array> {
  try {
    const all = tf.stack(scalars);
    const values = (await all.data()) as Float32Array;
    all.dispose();
    return values;
  } finally {
    tf.dispose(scalars);
  }
}

/**
 * One epoch of optimiser steps over a fresh shuffle of the training examples; returns the mean
 * training loss. The losses are read once, at the end (progress lines in between show the last
 * epoch's mean); then the estimators' deferred checks are settled, so a bad input fails the run
 * with the estimator's own message before a non-finite loss does.
 */
async function trainEpoch<Model extends Trainable, D>(
  s: Session<RunConfig, unknown, Model>,
  where: string,
  data: D,
  step: Step<Model, D>,
  report: (u: ProgressUpdate) => void,
  lastLoss: number,
): Promise<number> {
  const { config } = s;
  const steps = stepsPerEpoch(config);
  s.epoch += 1;
  const perm = s.trainRng.permutation(config.trainSize);
  const losses: tf.Scalar[] = [];
  try {
    for (let i = 0; i < steps; i++) {
      losses.push(
        step(s.model, s.optimizer, data, perm.subarray(i * config.batchSize, (i + 1) * config.batchSize), s.trainRng),
      );
      if (i < steps - 1)
        report({
          step: s.step + i + 1,
          total: steps * config.epochs,
          epoch: s.epoch,
          epochs: config.epochs,
          loss: lastLoss,
        });
    }
  } catch (err) {
    tf.dispose(losses);
    await settleDeferredChecks(); // a bad input found on the device earlier is the first cause: its error wins
    throw err;
  }
  await settleDeferredChecks();
  const values = await readScalars(losses);
  let lossSum = 0;
  for (let i = 0; i < steps; i++) {
    if (!Number.isFinite(values[i]))
      throw new Error(`${where} ${s.folder.key}: the loss is ${values[i]} at epoch ${s.epoch}, step ${i + 1}`);
    lossSum += values[i]; // float32 values summed in float64, in step order
  }
  s.step += steps;
  report({
    step: s.step,
    total: steps * config.epochs,
    epoch: s.epoch,
    epochs: config.epochs,
    loss: lossSum / steps,
    epochEnd: true,
  });
  return lossSum / steps;
}

/** The epoch's record: the task's metrics (the same evaluation noise every epoch), the time so far. */
async function evaluate<C extends RunConfig, M, Model extends Trainable, D>(
  task: TrainingTask<unknown, C, M, Model, D>,
  s: Session<C, M, Model>,
  trainLoss: number,
  data: D,
): Promise<void> {
  const metrics = await task.evaluate(s.model, data, s.config, trainLoss, s.evalRng.clone());
  await settleDeferredChecks();
  const wallTimeS = s.earlierWallTimeS + (Date.now() - s.startedAt) / 1000;
  s.history = [...s.history, { epoch: s.epoch, step: s.step, ...metrics, wallTimeS } as EpochRecord<M>];
}

/** After an epoch: its snapshot when asked for, the checkpoint, then the result it lets a reader see. */
async function writeCheckpoint<C extends RunConfig, M>(
  s: Session<C, M, Trainable>,
  label: string,
): Promise<RunResult<C, M>> {
  const { config, folder, model, optimizer, epoch } = s;
  const variables = model.variables();
  if (config.snapshotEpochs.includes(epoch)) folder.writeSnapshot(epoch, await packVariables(variables));
  const checkpoint: Checkpoint<M> = {
    key: folder.key,
    epoch,
    step: s.step,
    adamStep: optimizer.step,
    rng: s.trainRng.getState(),
    wallTimeS: s.history.at(-1)!.wallTimeS,
    resumes: s.resumes,
    history: s.history,
  };
  folder.writeCheckpoint(checkpoint, await packVariables([...variables, ...optimizer.stateTensors()]));
  return writeRunResult(s, label);
}

/** The run's result as of the session's last epoch. */
async function writeRunResult<C extends RunConfig, M>(
  s: Session<C, M, Trainable>,
  label: string,
): Promise<RunResult<C, M>> {
  const { config, folder, model, epoch } = s;
  const wallTimeS = s.history.at(-1)?.wallTimeS ?? 0;
  const result: RunResult<C, M> = {
    key: folder.key,
    label,
    config,
    history: s.history,
    done: epoch === config.epochs,
    weightsChecksum: await checksum(model),
    resumes: s.resumes,
    provenance: provenance({ seed: config.seed, wallTimeS }),
  };
  folder.writeResult(result);
  return result;
}

// ------------------------------------------------------------------------------ the loop

/**
 * Train one configuration of a task (or resume it, or return it when finished): resume or start,
 * then epoch by epoch train, evaluate and checkpoint; once finished the checkpoint goes.
 */
export async function trainRun<Input, C extends RunConfig, M, Model extends Trainable, D>(
  task: TrainingTask<Input, C, M, Model, D>,
  input: Input,
  options: TrainOptions = {},
): Promise<RunResult<C, M>> {
  const config = task.normalise(input);
  const folder = new RunFolder(options.resultsDir ?? task.defaultResultsDir(), task.key(config));
  const finished = folder.readResult<RunResult<C, M>>();
  if (finished?.done) return finished;

  await initBackend(undefined, true);
  const label = task.label(config);
  const sink: ProgressSink | null =
    options.progress === false
      ? null
      : typeof options.progress === 'function'
        ? options.progress
        : progressBar(shortKey(folder.key), { lossName: task.lossName });
  const report = (u: ProgressUpdate & { final?: boolean }) => sink?.({ ...u, label });
  const data = task.loadData(config);
  const step = task.stepper(config);

  const s = openSession<C, M, Model>(task.createModel, config, folder);
  let result: RunResult<C, M> | null = null;
  try {
    if (!resumeFromCheckpoint(s)) await startAfresh(s);
    s.startedAt = Date.now(); // this session's clock starts once its state is loaded
    while (s.epoch < config.epochs) {
      const last = s.history.at(-1);
      const trainLoss = await trainEpoch(s, task.name, data, step, report, last != null ? task.trainLoss(last) : NaN);
      await evaluate(task, s, trainLoss, data);
      result = await writeCheckpoint(s, label);
      options.onCheckpoint?.(s.epoch);
    }
    // killed after the last checkpoint but before its result: the resumed session writes it now
    if (result == null) result = await writeRunResult(s, label);
    // finished: the result is final, so the checkpoint (weights + optimiser state, MBs per run) can go
    folder.clearCheckpoint();
    const last = s.history.at(-1);
    report({
      step: s.step,
      total: stepsPerEpoch(config) * config.epochs,
      epoch: s.epoch,
      epochs: config.epochs,
      loss: last != null ? task.trainLoss(last) : NaN,
      final: true,
    });
  } finally {
    s.optimizer.dispose();
    s.model.dispose();
  }
  return result;
}
