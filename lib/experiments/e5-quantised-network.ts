/**
 * E5: a classifier with stochastic quantised hidden layers trained with each estimator (PAPER.md
 * E5, the paper's second motivating benchmark; the setup is ours). The E5 module: the profiles
 * (what a sweep runs), `runE5`, `loadE5Results` and `finishedE5Results`. Runs go through the one
 * runner (training-run.ts, task e5-training.ts) and the one sweep (sweep.ts), as E3's do.
 *
 * Ours, not the paper's: the net (784–256–256–10, ternary levels, logistic noise of scale 1), the
 * data split of Fashion-MNIST (data/fashion-mnist.ts), every estimator at Adam lr 1e-3 and the
 * estimators' temperatures (τ = 1; ReinMax 1.3, its tuned VAE value), none of them screened.
 */
import * as path from 'node:path';
import type { DatasetName } from '../data/classification';
import { MNIST_SIZES } from '../data/mnist';
import type { EstimatorSpec } from '../estimators/spec';
import type { LevelPreset } from '../models/quantised-layer';
import { repoRoot } from '../results/paths';
import { profileName, type ProfileName } from '../results/profile';
import { normaliseE5Config, type E5Model, type E5TrainingConfig } from './e5-config';
import { e5ResultsDir, loadE5RunResult, type E5RunResult } from './e5-training';
import { shard } from './process-pool';
import { runTaskSweep, type SweepOptions } from './sweep';

/** What E5 runs in a profile: the sweep is estimators × seeds on one net. */
export interface E5Profile {
  model: E5Model;
  dataset: DatasetName;
  /** MLP hidden widths */
  hidden: number[];
  levels: LevelPreset;
  estimators: EstimatorSpec[];
  seeds: number[];
  lr: number;
  epochs: number;
  trainSize: number;
  testSize: number;
  batchSize: number;
  /** where its runs are kept, relative to the repository root (default: the git-ignored cache) */
  resultsDir?: string;
}

/**
 * Every estimator of the issue at one setting each (ours): ST, DARN, ZGR, ST-ZGR(½), ST-GS(τ = 1),
 * GR-MC10(τ = 1) (K = 10: GR's cost grows with K × units, 0.4 s a step here), ReinMax(τ = 1.3),
 * and RLOO(2), the unbiased reference at twice ZGR's forward cost.
 */
export const E5_ESTIMATORS: EstimatorSpec[] = [
  { name: 'st' },
  { name: 'darn' },
  { name: 'zgr' },
  { name: 'stZgr', options: { a: 0.5 } },
  { name: 'stGs', options: { tau: 1 } },
  { name: 'grMck', options: { tau: 1, K: 10 } },
  { name: 'reinmax', options: { tau: 1.3 } },
  { name: 'rloo', options: { M: 2 } },
];

const NET = { model: 'mlp' as E5Model, dataset: 'fashion-mnist' as DatasetName, levels: 'ternary' as LevelPreset, lr: 1e-3, batchSize: 100 };

export const E5_PROFILES: Record<ProfileName, E5Profile> = {
  quick: {
    // CI: a narrower net on 5k images, 3 epochs, 2 seeds: about 2 min on 2 cores
    ...NET,
    hidden: [128, 128],
    estimators: E5_ESTIMATORS,
    seeds: [0, 1],
    epochs: 3,
    trainSize: 5_000,
    testSize: 2_000,
  },
  medium: {
    // ≤ 2 h on 2 cores, committed under results/e5-medium: the full split, 4 epochs, 3 seeds
    ...NET,
    hidden: [256, 256],
    estimators: E5_ESTIMATORS,
    seeds: [0, 1, 2],
    epochs: 4, // 2,400 steps; measured cost ≈ 1 h on 2 cores (GR-MC10 two thirds of it)
    trainSize: MNIST_SIZES.train,
    testSize: MNIST_SIZES.test,
    resultsDir: 'results/e5-medium',
  },
  long: {
    // E3's long profile has no E5 counterpart yet: the medium runs
    ...NET,
    hidden: [256, 256],
    estimators: E5_ESTIMATORS,
    seeds: [0, 1, 2],
    epochs: 4,
    trainSize: MNIST_SIZES.train,
    testSize: MNIST_SIZES.test,
    resultsDir: 'results/e5-medium',
  },
  paper: {
    // the default net 784–512–512–10, 50 epochs, 10 seeds: a cluster's job (GR-MC10 ≈ 1.2 s a step on wasm)
    ...NET,
    hidden: [512, 512],
    estimators: E5_ESTIMATORS,
    seeds: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    epochs: 50,
    trainSize: MNIST_SIZES.train,
    testSize: MNIST_SIZES.test,
  },
};

/** The profile by name (env ZGR_PROFILE by default). */
export function e5Profile(name: ProfileName = profileName()): E5Profile {
  return E5_PROFILES[name];
}

/** Every run of a profile: estimators × seeds, normalised. */
export function e5Configs(profile: E5Profile): E5TrainingConfig[] {
  const { estimators, seeds, resultsDir: _, ...net } = profile;
  return estimators.flatMap((estimator) => seeds.map((seed) => normaliseE5Config({ ...net, estimator, seed })));
}

/** Where a profile's runs are kept: its own folder under the repository (committed results), else the cache. */
export function e5ProfileResultsDir(profile: E5Profile): string {
  return profile.resultsDir != null ? path.join(repoRoot(), profile.resultsDir) : e5ResultsDir();
}

/**
 * E5 for a profile: run (or resume, or load) every configuration in parallel processes and return
 * the results. `shard: [i, n]` runs every n-th configuration from i; `only` filters them.
 */
export async function runE5(
  options: SweepOptions & { profile?: ProfileName | E5Profile; shard?: [number, number]; only?: (c: E5TrainingConfig) => boolean } = {},
): Promise<E5RunResult[]> {
  const profile = typeof options.profile === 'object' ? options.profile : e5Profile(options.profile);
  let configs = e5Configs(profile);
  if (options.only) configs = configs.filter(options.only);
  if (options.shard) configs = shard(configs, options.shard);
  return runTaskSweep('e5', configs, { ...options, resultsDir: options.resultsDir ?? e5ProfileResultsDir(profile) });
}

/** The results already stored for a profile (finished or not), without running anything. */
export function loadE5Results(profile: ProfileName | E5Profile = profileName(), resultsDir?: string): E5RunResult[] {
  const p = typeof profile === 'object' ? profile : e5Profile(profile);
  const dir = resultsDir ?? e5ProfileResultsDir(p);
  return e5Configs(p).map((c) => loadE5RunResult(c, dir)).filter((r): r is E5RunResult => r != null);
}

/** The results of a profile when every one of its runs has finished (e.g. the committed medium profile), else null. */
export function finishedE5Results(profile: ProfileName | E5Profile, resultsDir?: string): E5RunResult[] | null {
  const p = typeof profile === 'object' ? profile : e5Profile(profile);
  const results = loadE5Results(p, resultsDir);
  return results.length === e5Configs(p).length && results.every((r) => r.done) ? results : null;
}
