/**
 * Train E5's quantised classifiers (lib/experiments/e5-quantised-network.ts) from the command line.
 *
 *   npm run train-e5 -- --estimator zgr --epochs 5 --seed 0
 *   npm run train-e5 -- --estimator grMck --tau 1 --K 10 --hidden 256,256 --levels binary
 *   npm run train-e5 -- --sweep                      # every run of ZGR_PROFILE (quick|medium|paper)
 *   ZGR_PROFILE=medium npm run train-e5 -- --sweep --only-estimator rloo
 *
 * Runs resume from their last epoch checkpoint when started again; finished runs are not repeated.
 */
import * as path from 'node:path';
import { initBackend } from '../lib/backend';
import { DATASETS } from '../lib/data/classification';
import { ALL_ESTIMATORS } from '../lib/estimators/registry';
import { E5_DEFAULTS, E5_MODELS, e5RunKey, normaliseE5Config } from '../lib/training/quantised-config';
import { e5Profile, runE5 } from '../lib/experiments/e5-quantised-network';
import { E5_TASK, e5ResultsDir, loadE5RunResult, trainQuantised } from '../lib/training/quantised-task';
import { finishedBefore, runSummary } from '../lib/training/progress';
import { parseShard } from '../lib/training/process-pool';
import { OPTIMIZERS } from '../lib/training/training-run';
import { LEVEL_PRESETS, type LevelPreset } from '../lib/models/quantised-layer';
import { PROFILES, profileName } from '../lib/results/profile';
import { runCommand, UsageError, type OptionValues } from './cli';

const USAGE = `usage: train-e5 [options]
single run:
  --estimator NAME   one of ${ALL_ESTIMATORS.map((e) => e.name).join(', ')} (default zgr)
  --tau X --t X --K N --a X --M N --eta X   estimator options
  --model M          ${E5_MODELS.join(' | ')} (default ${E5_DEFAULTS.model})
  --dataset D        ${DATASETS.join(' | ')} (default ${E5_DEFAULTS.dataset})
  --hidden W,W       MLP hidden widths (default ${E5_DEFAULTS.hidden.join(',')})
  --levels L         ${Object.keys(LEVEL_PRESETS).join(' | ')} (default ${E5_DEFAULTS.levels})
  --lr X             (default ${E5_DEFAULTS.lr})
  --optimizer O      ${OPTIMIZERS.join(' | ')} (default ${E5_DEFAULTS.optimizer})
  --epochs N         (default ${E5_DEFAULTS.epochs})
  --batch N          (default ${E5_DEFAULTS.batchSize})
  --train-size N     first N training images (default all 60000)
  --test-size N      first N test images (default all 10000)
  --seed N           (default 0)
sweep:
  --sweep            every run of the profile (ZGR_PROFILE or --profile), in parallel processes
  --profile P        ${PROFILES.join(' | ')}
  --workers N        parallel processes (default: one per core)
  --shard I/N        only runs I, I+N, I+2N, … of the sweep
  --only-estimator NAME   only this estimator (repeatable)
both:
  --results-dir DIR  where runs are stored (default: a profile's own folder, results/e5-medium for
                     medium; else ${e5ResultsDir()})
  --no-progress      no progress bar`;

const ESTIMATOR_NAMES = ALL_ESTIMATORS.map((e) => e.name);

const COMMAND = {
  name: 'train-e5',
  usage: USAGE,
  options: {
    estimator: { type: 'string', choices: ESTIMATOR_NAMES },
    tau: { type: 'number' },
    t: { type: 'number' },
    K: { type: 'number' },
    a: { type: 'number' },
    M: { type: 'number' },
    eta: { type: 'number' },
    model: { type: 'string', choices: E5_MODELS },
    dataset: { type: 'string', choices: DATASETS },
    hidden: { type: 'string' },
    levels: { type: 'string', choices: Object.keys(LEVEL_PRESETS) as LevelPreset[] },
    lr: { type: 'number' },
    optimizer: { type: 'string', choices: OPTIMIZERS },
    epochs: { type: 'integer' },
    batch: { type: 'integer' },
    'train-size': { type: 'integer' },
    'test-size': { type: 'integer' },
    seed: { type: 'integer' },
    sweep: { type: 'boolean' },
    profile: { type: 'string', choices: PROFILES },
    workers: { type: 'integer', min: 1 },
    shard: { type: 'string' },
    'only-estimator': { type: 'string', multiple: true, choices: ESTIMATOR_NAMES },
    'results-dir': { type: 'string' },
    'no-progress': { type: 'boolean' },
  },
} as const;

/** --hidden 256,256: the widths, or a UsageError naming the flag. */
function hiddenWidths(text: string): number[] {
  const widths = text.split(',').map((w) => (/^\s*\d+\s*$/.test(w) ? Number(w) : NaN));
  if (!widths.every((w) => Number.isSafeInteger(w) && w >= 1))
    throw new UsageError(
      `--hidden must be positive integer widths separated by commas, e.g. 256,256, got ${JSON.stringify(text)}`,
    );
  return widths;
}

async function main({ values }: { values: OptionValues<typeof COMMAND.options> }): Promise<void> {
  const progress = !values['no-progress'];
  if (values.sweep) {
    const name = values.profile ?? profileName();
    const names = values['only-estimator'];
    const results = await runE5({
      profile: e5Profile(name),
      workers: values.workers,
      resultsDir: values['results-dir'],
      progress,
      shard: values.shard != null ? parseShard(values.shard) : undefined,
      only: (c) => names == null || names.includes(c.estimator.name),
    });
    for (const r of results) {
      const last = r.history.at(-1)!;
      console.log(
        `${r.key}\ttrain cross-entropy ${last.trainLoss.toFixed(4)}\ttest ` +
          `accuracy ${(100 * last.testAccuracy).toFixed(2)} %`,
      );
    }
    return;
  }
  const options: Record<string, number> = {};
  for (const k of ['tau', 't', 'K', 'a', 'M', 'eta'] as const) {
    const v = values[k];
    if (v != null) options[k] = v;
  }
  const hidden = values.hidden != null ? hiddenWidths(values.hidden) : undefined;
  // every field checked (a bad --lr, --epochs … named) before anything is printed or started
  const config = normaliseE5Config({
    estimator: { name: values.estimator ?? 'zgr', options },
    seed: values.seed ?? 0,
    // a field left undefined takes its default
    model: values.model,
    dataset: values.dataset,
    hidden,
    levels: values.levels,
    optimizer: values.optimizer,
    lr: values.lr,
    epochs: values.epochs,
    batchSize: values.batch,
    trainSize: values['train-size'],
    testSize: values['test-size'],
  });
  const resultsDir = values['results-dir'] ?? e5ResultsDir();
  const folder = path.join(resultsDir, e5RunKey(config));
  const before = loadE5RunResult(config, resultsDir);
  if (before?.done) return console.log(finishedBefore(before, (last) => E5_TASK.summary(last), folder));
  await initBackend(); // says which backend runs
  console.log(`results: ${folder}`);
  if (before != null) console.log(`resuming: ${before.history.length} of ${config.epochs} epochs done`);
  const result = await trainQuantised(config, {
    resultsDir,
    progress,
    onCheckpoint: (epoch) => console.log(`checkpoint epoch ${epoch}`),
  });
  for (const h of result.history) {
    console.log(
      `epoch ${h.epoch}\ttrain cross-entropy ${h.trainLoss.toFixed(4)}\ttest ` +
        `cross-entropy ${h.testLoss.toFixed(4)}\ttest accuracy ` +
        `${(100 * h.testAccuracy).toFixed(2)} % (sampled ` +
        `${(100 * h.testAccuracySampled).toFixed(2)} %)\t${h.wallTimeS.toFixed(1)} s`,
    );
  }
  console.log(runSummary(result, E5_TASK.summary(result.history.at(-1)!), folder));
}

runCommand(COMMAND, main);
