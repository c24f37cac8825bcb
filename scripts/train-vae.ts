/**
 * Train the categorical VAE of E3 (lib/experiments/e3-vae-training.ts) from the command line.
 *
 *   npm run train -- --C 8 --latents 4 --estimator zgr --epochs 10 --seed 0
 *   npm run train -- --estimator reinmax --config 4x24 --epochs 10   # the protocol's lr 5e-4, τ 1.5, RAdam
 *   npm run train -- --estimator grMck --tau 0.5 --K 100 --train-size 5000
 *   npm run train -- --sweep                      # every run of ZGR_PROFILE (quick|medium|paper), one process per core
 *   npm run train -- --grid                       # tune ZGR, ST-ZGR, RLOO on the grid (results/e3-grid.json)
 *   ZGR_PROFILE=paper npm run train -- --sweep --shard 0/4 --workers 16
 *   npm run train -- --sweep-file cluster/examples/ci-sweep.json --shard 1/4 --results-dir /shared/zgr
 *
 * A run that was interrupted (Ctrl-C, kill -9, a reboot) resumes from its last epoch checkpoint
 * when started again with the same options; a finished run is not repeated.
 */
import { runCommand, type OptionValues } from './cli';
import { initBackend } from '../lib/backend';
import { BINARISATIONS } from '../lib/data/mnist';
import { E3_GRID, profileOfRuns, runE3Grid } from '../lib/experiments/e3-grid';
import { protocolSettings } from '../lib/experiments/protocol';
import {
  E3_DEFAULTS,
  e3Profile,
  e3ResultsDir,
  loadRunResult,
  normaliseConfig,
  OPTIMIZERS,
  runDir,
  runE3,
  runSweep,
  trainVae,
  type VaeTrainingConfig,
} from '../lib/experiments/e3-vae-training';
import { finishedBefore, runSummary } from '../lib/training/progress';
import { VAE_TASK } from '../lib/training/vae-task';
import { parseShard, shard as shardOf } from '../lib/training/process-pool';
import { readSweepFile } from '../lib/training/sweep-file';
import { CATEGORICAL_ESTIMATORS } from '../lib/estimators/registry';
import { PROFILES, profileName } from '../lib/results/profile';

const USAGE =
  `usage: train-vae [options]
single run:
  --C N              categories per latent variable (default 8)
  --latents N        number of latent variables (default 4)
  --estimator NAME   one of ${CATEGORICAL_ESTIMATORS.map((e) => e.name).join(', ')} (default zgr)
  --tau X --t X --K N --a X --M N   estimator options
  --config CxL       the latent configuration, e.g. 4x24 (instead of --C and --latents)
  --lr X             learning rate         (default: the protocol's tuned value for the estimator
  --optimizer O      ${OPTIMIZERS.join(' | ')}         ` +
  `and configuration, PAPER.md E3; else ${E3_DEFAULTS.lr}, ${E3_DEFAULTS.optimizer})
  --epochs N         (default ${E3_DEFAULTS.epochs})
  --batch N          (default ${E3_DEFAULTS.batchSize})
  --train-size N     first N training images (default all 60000)
  --test-size N      first N test images (default all 10000)
  --binarisation B   ${BINARISATIONS.join(' | ')} (default ${E3_DEFAULTS.binarisation})
  --seed N           (default 0)
sweep:
  --sweep            every run of the profile (ZGR_PROFILE or --profile), in parallel processes
  --profile P        ${PROFILES.join(' | ')}
  --workers N        parallel processes (default: one per core)
  --shard I/N        only runs I, I+N, I+2N, … of the sweep (spread a sweep over machines)
  --config CxL       only this latent configuration, e.g. 8x4 (repeatable)
  --only-estimator NAME   only this estimator (repeatable)
  --sweep-file FILE  instead of a profile: the runs of FILE, a JSON array of run configurations
                     (lib/training/sweep-file.ts); with --shard, --workers, --results-dir
grid:
  --grid             the grid of ZGR, ST-ZGR(½) and RLOO(2), selected at epoch 30 (lib/experiments/
                     e3-grid.ts: lr {1,2,3,5,7}e-4, Adam, in results/e3-long); writes results/e3-grid-30.json
both:
  --results-dir DIR  where runs are stored (default: a profile's own folder, results/e3-medium for
                     medium; else ${e3ResultsDir()})
  --no-progress      no progress bar`;

const COMMAND = {
  name: 'train-vae',
  usage: USAGE,
  options: {
    C: { type: 'integer' },
    latents: { type: 'integer' },
    estimator: { type: 'string', choices: CATEGORICAL_ESTIMATORS.map((e) => e.name) },
    tau: { type: 'number' },
    t: { type: 'number' },
    K: { type: 'number' },
    a: { type: 'number' },
    M: { type: 'number' },
    lr: { type: 'number' },
    optimizer: { type: 'string', choices: OPTIMIZERS },
    epochs: { type: 'integer' },
    batch: { type: 'integer' },
    'train-size': { type: 'integer' },
    'test-size': { type: 'integer' },
    binarisation: { type: 'string', choices: BINARISATIONS },
    seed: { type: 'integer' },
    sweep: { type: 'boolean' },
    grid: { type: 'boolean' },
    profile: { type: 'string', choices: PROFILES },
    workers: { type: 'integer', min: 1 },
    shard: { type: 'string' },
    config: { type: 'string', multiple: true },
    'only-estimator': { type: 'string', multiple: true, choices: CATEGORICAL_ESTIMATORS.map((e) => e.name) },
    'results-dir': { type: 'string' },
    'sweep-file': { type: 'string' },
    'no-progress': { type: 'boolean' },
  },
} as const;

async function main({ values }: { values: OptionValues<typeof COMMAND.options> }): Promise<void> {
  const progress = !values['no-progress'];
  if (values.grid) {
    const summary = await runE3Grid({ workers: values.workers, resultsDir: values['results-dir'], progress });
    for (const c of summary.cells)
      console.log(
        `${c.estimator}\tlr ${c.lr}\t${c.optimizer}\ttrain −ELBO ` +
          `${c.trainNegElbo.toFixed(3)}\ttest −ELBO ${c.testNegElbo.toFixed(3)}`,
      );
    console.log(`winners: ${JSON.stringify(summary.winners)} (written to ${E3_GRID.file})`);
    return;
  }

  if (values['sweep-file'] != null) {
    if (values.sweep || values.profile != null)
      throw new Error('--sweep-file replaces --sweep and --profile: give one of them');
    if (values.config != null || values['only-estimator'] != null)
      throw new Error(
        '--config and --only-estimator choose from a profile; with --sweep-file, list the runs in the file',
      );
    const configs = readSweepFile(values['sweep-file']);
    // each result records its profile (provenance): the one these runs belong to, unless ZGR_PROFILE names one
    if (!process.env.ZGR_PROFILE) {
      const owner = profileOfRuns(configs);
      if (owner != null)
        process.env.ZGR_PROFILE = owner; // the workers inherit it
      else
        console.log(
          `train: the runs of ${values['sweep-file']} belong to no single profile; their ` +
            `provenance records profile ${profileName()} (set ZGR_PROFILE to name another)`,
        );
    }
    const results = await runSweep(values.shard != null ? shardOf(configs, parseShard(values.shard)) : configs, {
      workers: values.workers,
      resultsDir: values['results-dir'],
      progress,
    });
    for (const r of results)
      console.log(`${r.key}\ttest −ELBO ${r.history.at(-1)!.testNegElbo.toFixed(3)}\tweights ${r.weightsChecksum}`);
    return;
  }

  if (values.sweep) {
    const profile = values.profile ?? profileName();
    const shard = values.shard != null ? parseShard(values.shard) : undefined;
    const configs = values.config?.map((s) => s.toLowerCase());
    const names = values['only-estimator'];
    const results = await runE3({
      profile: e3Profile(profile),
      workers: values.workers,
      resultsDir: values['results-dir'], // default: the profile's own folder
      progress,
      shard,
      only: (c: VaeTrainingConfig) =>
        (configs == null || configs.includes(`${c.C}x${c.numLatents}`)) &&
        (names == null || names.includes(c.estimator.name)),
    });
    for (const r of results) {
      const last = r.history.at(-1)!;
      console.log(`${r.key}\ttrain −ELBO ${last.trainNegElbo.toFixed(3)}\ttest −ELBO ${last.testNegElbo.toFixed(3)}`);
    }
    return;
  }

  const options: Record<string, number> = {};
  for (const k of ['tau', 't', 'K', 'a', 'M'] as const) {
    const v = values[k];
    if (v != null) options[k] = v;
  }
  // one run: --config CxL (or --C and --latents); lr, optimiser and τ from the protocol's table unless given
  if ((values.config?.length ?? 0) > 1)
    throw new Error(
      `--config: one configuration for a single run, got ${values.config!.join(', ')} (use --sweep for several)`,
    );
  const cxl = values.config?.[0] != null ? /^(\d+)x(\d+)$/i.exec(values.config[0]) : null;
  if (values.config?.[0] != null && cxl == null)
    throw new Error(`--config must look like CxL, e.g. 8x4, got ${JSON.stringify(values.config[0])}`);
  const C = cxl ? Number(cxl[1]) : (values.C ?? 8);
  const numLatents = cxl ? Number(cxl[2]) : (values.latents ?? 4);
  const chosen = protocolSettings(values.estimator ?? 'zgr', C, numLatents, {
    options,
    lr: values.lr,
    optimizer: values.optimizer,
  });
  // every field checked (a bad --lr, --epochs … named) before anything is printed or started
  const config = normaliseConfig({
    C,
    numLatents,
    estimator: chosen.estimator,
    seed: values.seed ?? 0,
    lr: chosen.lr,
    optimizer: chosen.optimizer,
    epochs: values.epochs ?? E3_DEFAULTS.epochs,
    batchSize: values.batch ?? E3_DEFAULTS.batchSize,
    trainSize: values['train-size'] ?? E3_DEFAULTS.trainSize,
    testSize: values['test-size'] ?? E3_DEFAULTS.testSize,
    binarisation: values.binarisation ?? E3_DEFAULTS.binarisation,
  });
  const resultsDir = values['results-dir'] ?? e3ResultsDir();
  const folder = runDir(config, resultsDir);
  const before = loadRunResult(config, resultsDir);
  if (before?.done) return console.log(finishedBefore(before, (last) => VAE_TASK.summary(last), folder));
  await initBackend(); // says which backend runs
  console.log(
    `settings: ${JSON.stringify(chosen.estimator.options)}, lr ${chosen.lr}, ${chosen.optimizer}` +
      (chosen.tuned
        ? ` (the protocol's tuned ${C}x${numLatents} cell, PAPER.md E3, where no flag overrides it)`
        : ` (not in the protocol's table: the defaults, where no flag overrides them)`),
  );
  console.log(`results: ${folder}`);
  if (before != null) console.log(`resuming: ${before.history.length} of ${config.epochs} epochs done`);
  const result = await trainVae(config, {
    resultsDir,
    progress,
    // one line per checkpoint on stdout: tells a watcher (and the resume test) that it is on disk
    onCheckpoint: (epoch) => console.log(`checkpoint epoch ${epoch}`),
  });
  for (const h of result.history) {
    console.log(
      `epoch ${h.epoch}\ttrain −ELBO ${h.trainNegElbo.toFixed(3)}\ttest ` +
        `−ELBO ${h.testNegElbo.toFixed(3)}\t${h.wallTimeS.toFixed(1)} s`,
    );
  }
  console.log(runSummary(result, VAE_TASK.summary(result.history.at(-1)!), folder));
}

runCommand(COMMAND, main);
