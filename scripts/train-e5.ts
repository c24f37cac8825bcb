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
import { parseArgs } from 'node:util';
import { numberOption } from './cli';
import { DATASETS, type DatasetName } from '../lib/data/classification';
import { ALL_ESTIMATORS } from '../lib/estimators/registry';
import { E5_DEFAULTS, E5_MODELS, type E5Model } from '../lib/experiments/e5-config';
import { e5Profile, runE5 } from '../lib/experiments/e5-quantised-network';
import { e5ResultsDir, trainQuantised } from '../lib/experiments/e5-training';
import { parseShard } from '../lib/experiments/process-pool';
import { OPTIMIZERS, type Optimizer } from '../lib/experiments/training-run';
import { BINARY_ESTIMATORS, LEVEL_PRESETS, type LevelPreset } from '../lib/models/quantised-layer';
import { PROFILES, type ProfileName } from '../lib/results/profile';

const USAGE = `usage: train-e5 [options]
single run:
  --estimator NAME   one of ${[...ALL_ESTIMATORS.map((e) => e.name), ...Object.keys(BINARY_ESTIMATORS)].join(', ')} (default zgr)
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

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      estimator: { type: 'string' }, tau: { type: 'string' }, t: { type: 'string' }, K: { type: 'string' }, a: { type: 'string' }, M: { type: 'string' }, eta: { type: 'string' },
      model: { type: 'string' }, dataset: { type: 'string' }, hidden: { type: 'string' }, levels: { type: 'string' },
      lr: { type: 'string' }, optimizer: { type: 'string' }, epochs: { type: 'string' }, batch: { type: 'string' },
      'train-size': { type: 'string' }, 'test-size': { type: 'string' }, seed: { type: 'string' },
      sweep: { type: 'boolean' }, profile: { type: 'string' }, workers: { type: 'string' }, shard: { type: 'string' },
      'only-estimator': { type: 'string', multiple: true }, 'results-dir': { type: 'string' }, 'no-progress': { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const progress = !values['no-progress'];
  if (values.sweep) {
    const name = (values.profile ?? process.env.ZGR_PROFILE ?? 'quick') as ProfileName;
    if (!PROFILES.includes(name)) throw new Error(`--profile must be one of ${PROFILES.join(', ')}, got ${JSON.stringify(name)}`);
    const names = values['only-estimator'];
    const results = await runE5({
      profile: e5Profile(name),
      workers: numberOption(values, 'workers'),
      resultsDir: values['results-dir'],
      progress,
      shard: values.shard != null ? parseShard(values.shard) : undefined,
      only: (c) => names == null || names.includes(c.estimator.name),
    });
    for (const r of results) {
      const last = r.history.at(-1)!;
      console.log(`${r.key}\ttrain CE ${last.trainLoss.toFixed(4)}\ttest accuracy ${(100 * last.testAccuracy).toFixed(2)} %`);
    }
    return;
  }
  const options: Record<string, number> = {};
  for (const k of ['tau', 't', 'K', 'a', 'M', 'eta']) {
    const v = numberOption(values, k);
    if (v != null) options[k] = v;
  }
  const hidden = values.hidden?.split(',').map((w) => Number(w));
  const result = await trainQuantised(
    {
      estimator: { name: values.estimator ?? 'zgr', options },
      seed: numberOption(values, 'seed') ?? 0,
      ...(values.model != null ? { model: values.model as E5Model } : {}),
      ...(values.dataset != null ? { dataset: values.dataset as DatasetName } : {}),
      ...(hidden != null ? { hidden } : {}),
      ...(values.levels != null ? { levels: values.levels as LevelPreset } : {}),
      ...(values.optimizer != null ? { optimizer: values.optimizer as Optimizer } : {}),
      lr: numberOption(values, 'lr'),
      epochs: numberOption(values, 'epochs'),
      batchSize: numberOption(values, 'batch'),
      trainSize: numberOption(values, 'train-size'),
      testSize: numberOption(values, 'test-size'),
    },
    { resultsDir: values['results-dir'] ?? e5ResultsDir(), progress, onCheckpoint: (epoch) => console.log(`checkpoint epoch ${epoch}`) },
  );
  for (const h of result.history) {
    console.log(`epoch ${h.epoch}\ttrain CE ${h.trainLoss.toFixed(4)}\ttest CE ${h.testLoss.toFixed(4)}\ttest accuracy ${(100 * h.testAccuracy).toFixed(2)} % (sampled ${(100 * h.testAccuracySampled).toFixed(2)} %)\t${h.wallTimeS.toFixed(1)} s`);
  }
  console.log(`done ${result.done} weights ${result.weightsChecksum} resumes ${result.resumes}`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
