/**
 * E3: training the categorical VAE on MNIST with each estimator (PAPER.md "Experiment protocols";
 * claim C7: "ZGR trains about as well as, or better than, GR-MCK at its best temperature").
 *
 * The E3 module: the profiles (what a sweep runs), `runSweep` (many runs in parallel processes),
 * `runE3` and `loadE3Results`. Its parts, in lib/training/, each usable on its own:
 *   vae-config.ts                   one run's configuration, its defaults and its key
 *   vae-task.ts                     one run (`trainVae`): resumable, checkpointed, keyed
 *   ../results/checkpoint-store.ts  the files of a run's folder
 *   sweep.ts, process-pool.ts       runs in worker processes (sweep-worker.ts is the worker)
 * It re-exports the names of these parts that other files import from here.
 */
import { MNIST_SIZES, type Binarisation } from '../data/mnist';
import type { EstimatorSpec } from '../estimators/spec';
import {
  GRID_WINNERS,
  HORIZON_GRID_LRS,
  HORIZON_WINNERS,
  PROTOCOL_CONFIGS,
  protocolSettings,
  type ProtocolConfig,
} from './protocol';
import { profileName, type ProfileName } from '../results/profile';
import { runTaskSweep, type SweepOptions } from '../training/sweep';
import { normaliseConfig, type Optimizer, type VaeTrainingConfig, type VaeTrainingInput } from '../training/vae-config';
import type { VaeRunResult } from '../training/vae-task';
import {
  finishedProfileResults,
  loadProfileResults,
  profileRunsDir,
  runProfile,
  type ProfileRuns,
  type RunProfileOptions,
} from '../training/profile-runs';

export type { SweepOptions, SweepEvent } from '../training/sweep';

export {
  E3_DEFAULTS,
  OPTIMIZERS,
  normaliseConfig,
  runKey,
  type Optimizer,
  type VaeTrainingConfig,
  type VaeTrainingInput,
} from '../training/vae-config';
export {
  trainVae,
  trainStep,
  evaluateNegElbo,
  e3ResultsDir,
  runDir,
  loadRunResult,
  loadSnapshot,
  type TrainOptions,
  type EpochRecord,
  type VaeRunResult,
} from '../training/vae-task';

/** Run many VAE configurations, each in its own process (sweep.ts `runTaskSweep` with the VAE task). */
export function runSweep(inputs: readonly VaeTrainingInput[], options: SweepOptions = {}): Promise<VaeRunResult[]> {
  return runTaskSweep('vae', inputs, options);
}

// ------------------------------------------------------------------------------ profiles

/** A latent configuration C × numLatents. */
export interface LatentConfiguration {
  C: number;
  numLatents: number;
}

/** An estimator of a profile, with its own learning rate and optimiser where the protocol tunes them. */
export interface E3ProfileEstimator extends EstimatorSpec {
  /**
   * its learning rate; 'protocol': lr, optimiser and temperature of each configuration's cell in
   * the protocol's table (protocol.ts protocolSettings: the PAPER.md E3 table, or the recorded
   * grid winner; given options override); 'horizon': every lr of the horizon grid at the first
   * seed (the selection, protocol.ts HORIZON_GRID_LRS, Adam) and the recorded winner
   * (HORIZON_WINNERS) at the other seeds once the grid has finished; without it, each of the
   * profile's lrs
   */
  lr?: number | 'protocol' | 'horizon';
  /** its optimiser; without it, Adam (or the protocol's, with lr 'protocol') */
  optimizer?: Optimizer;
}

/** What E3 runs in a profile: the sweep is the product of configurations × estimators × lrs × seeds. */
export interface E3Profile {
  /** latent configurations C × numLatents */
  configurations: LatentConfiguration[];
  /** estimators with options (a temperature grid is several entries) and, if tuned, their lr */
  estimators: E3ProfileEstimator[];
  /** seeds; curves show mean and band over them */
  seeds: number[];
  /** Adam learning rates of the estimators without their own lr (each is run with each) */
  lrs: number[];
  epochs: number;
  trainSize: number;
  testSize: number;
  batchSize: number;
  binarisation: Binarisation;
  /** where its runs are kept, relative to the repository root (default: the git-ignored cache,
   *  e3ResultsDir()); a profile whose results are committed keeps them under results/ */
  resultsDir?: string;
}

/** The protocol's estimators at their tuned settings per configuration, and ours at the grid's winners. */
const PROTOCOL_ESTIMATORS: E3ProfileEstimator[] = [
  { name: 'st', lr: 'protocol' },
  { name: 'stGs', lr: 'protocol' },
  { name: 'grMck', lr: 'protocol' },
  { name: 'gst', lr: 'protocol' },
  { name: 'reinmax', lr: 'protocol' },
  { name: 'zgr', lr: 'protocol' },
  { name: 'stZgr', options: { a: 0.5 }, lr: 'protocol' },
  { name: 'rloo', options: { M: 2 }, lr: 'protocol' },
];

/**
 * The medium profile ran before the horizon grid: ZGR, ST-ZGR(½) and RLOO(2) stay at the 2-epoch
 * screen's winners (GRID_WINNERS), not today's defaults, so its committed runs keep their keys.
 */
const SCREENED_ESTIMATORS: E3ProfileEstimator[] = PROTOCOL_ESTIMATORS.map((e) => {
  const won = GRID_WINNERS[e.name]?.['8x4'];
  return won != null ? { ...e, lr: won.lr, optimizer: won.optimizer } : e;
});

export const E3_PROFILES: Record<ProfileName, E3Profile> = {
  quick: {
    // CI: one configuration, the main estimators, a few minutes on 2 cores
    configurations: [{ C: 8, numLatents: 4 }], // the E4 configuration
    // the main estimators at their tuned 8×4 settings (PAPER.md E3 table, all with Adam; ZGR at
    // its grid winner). ReinMax at its tuned τ = 1.3: ReinMax(τ = 1) is ZGR sample by sample, and
    // its official API refuses τ < 1. ST's τ = 1.3 is the backward temperature of ST(t).
    estimators: ['st', 'stGs', 'grMck', 'zgr', 'reinmax'].map((name): E3ProfileEstimator => ({ name, lr: 'protocol' })),
    seeds: [0, 1], // two seeds: a band, not a confidence interval
    lrs: [],
    epochs: 4, // far from convergence: the curves show the start of training only
    trainSize: 5_000, // first 5k training images: 50 steps per epoch
    testSize: 1_000, // first 1k test images
    batchSize: 100, // protocol
    binarisation: 'grey', // protocol (ReinMax): grey values as Bernoulli targets
  },
  medium: {
    // ≤ 2 h on 2 cores, results committed under results/e3-medium: 8×4 on the full split, every
    // estimator of the tuned table at its 8×4 cell plus ZGR, ST-ZGR(½) and RLOO(2) at the winners
    // of their grid (protocol.ts GRID_WINNERS). 8 epochs × 3 seeds, sized by the measured cost
    // (results/e3-cost.json) to fit 2 h; notebook 06's table gives each gap to ZGR a 95% interval,
    // which says which differences three seeds resolve.
    configurations: [{ C: 8, numLatents: 4 }],
    estimators: SCREENED_ESTIMATORS,
    seeds: [0, 1, 2],
    lrs: [],
    epochs: 8, // 4,800 steps: 3 % of the protocol's 96,000
    trainSize: MNIST_SIZES.train,
    testSize: MNIST_SIZES.test,
    batchSize: 100,
    binarisation: 'grey',
    resultsDir: 'results/e3-medium',
  },
  long: {
    // a horizon long enough for the ranking to settle (PAPER.md C7, training half): 8×4 on the full
    // split, 30 epochs × 3 seeds. ZGR, ST-ZGR(½) and RLOO(2) at each lr of the horizon grid (seed 0:
    // the selection, e3-grid.ts E3_HORIZON_GRID shares this folder) and at the selected lr (seeds
    // 1, 2); ReinMax(1.3), ST-GS(0.5) and GR-MC100(0.5) at the protocol's 8×4 cells. About 10
    // core-hours on wasm: run over several sittings, each finished run committed as it completes.
    configurations: [{ C: 8, numLatents: 4 }],
    estimators: [
      { name: 'zgr', lr: 'horizon' },
      { name: 'stZgr', options: { a: 0.5 }, lr: 'horizon' },
      { name: 'rloo', options: { M: 2 }, lr: 'horizon' },
      { name: 'reinmax', lr: 'protocol' },
      { name: 'stGs', lr: 'protocol' },
      { name: 'grMck', lr: 'protocol' },
    ],
    seeds: [0, 1, 2],
    lrs: [],
    epochs: 30, // 18,000 steps: 19 % of the protocol's 96,000
    trainSize: MNIST_SIZES.train,
    testSize: MNIST_SIZES.test,
    batchSize: 100,
    binarisation: 'grey',
    resultsDir: 'results/e3-long',
  },
  paper: {
    // the protocol (PAPER.md E3): all six configurations, every estimator of the tuned table at
    // each configuration's cell, ZGR, ST-ZGR(½) and RLOO(2) at their grid winners (lr 1e-3 with
    // Adam where the grid has not screened the configuration), 160 epochs, 10 seeds; about 2,000
    // core-hours on wasm (README, measured by npm run bench -- --all-configs): a cluster's job
    configurations: PROTOCOL_CONFIGS.map((c) => {
      const [C, numLatents] = c.split('x').map(Number);
      return { C, numLatents };
    }),
    estimators: PROTOCOL_ESTIMATORS,
    seeds: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], // protocol
    lrs: [],
    epochs: 160, // protocol
    trainSize: MNIST_SIZES.train, // full official split
    testSize: MNIST_SIZES.test,
    batchSize: 100, // protocol
    binarisation: 'grey', // protocol (ReinMax)
  },
};

/** The profile by name (env ZGR_PROFILE by default). */
export function e3Profile(name: ProfileName = profileName()): E3Profile {
  return E3_PROFILES[name];
}

/** Every run of a profile: configurations × estimators × lrs (or the estimator's own lr) × seeds, normalised. */
export function e3Configs(profile: E3Profile): VaeTrainingConfig[] {
  const out: VaeTrainingConfig[] = [];
  for (const { C, numLatents } of profile.configurations) {
    for (const { lr: given, optimizer: givenOptimizer, ...spec } of profile.estimators) {
      const tuned =
        given === 'protocol'
          ? protocolSettings(spec.name, C, numLatents, { options: spec.options, optimizer: givenOptimizer })
          : null;
      const estimator = tuned?.estimator ?? spec;
      const optimizer = given === 'horizon' ? 'adam' : (tuned?.optimizer ?? givenOptimizer);
      for (const { lr, seeds } of runLrs(
        profile,
        given,
        tuned?.lr,
        `${C}x${numLatents}` as ProtocolConfig,
        spec.name,
      )) {
        for (const seed of seeds) {
          out.push(
            normaliseConfig({
              C,
              numLatents,
              estimator,
              lr,
              seed,
              ...(optimizer != null ? { optimizer } : {}),
              epochs: profile.epochs,
              trainSize: profile.trainSize,
              testSize: profile.testSize,
              batchSize: profile.batchSize,
              binarisation: profile.binarisation,
            }),
          );
        }
      }
    }
  }
  return out;
}

/** The lrs of a profile's estimator, each with the seeds it runs at. */
function runLrs(
  profile: E3Profile,
  given: E3ProfileEstimator['lr'],
  tunedLr: number | undefined,
  config: ProtocolConfig,
  name: string,
): { lr: number; seeds: number[] }[] {
  if (given === 'horizon') {
    const [first, ...rest] = profile.seeds;
    const won = HORIZON_WINNERS[name]?.[config];
    return [
      ...HORIZON_GRID_LRS.map((lr) => ({ lr, seeds: [first] })),
      ...(won != null ? [{ lr: won.lr, seeds: rest }] : []),
    ];
  }
  const lrs = tunedLr != null ? [tunedLr] : given != null ? [given as number] : profile.lrs;
  return lrs.map((lr) => ({ lr, seeds: profile.seeds }));
}

/**
 * E3's profiles of runs: the VAE task, a profile by name, a profile's configurations (the rest is
 * lib/training/profile-runs.ts).
 */
const E3_RUNS: ProfileRuns<'vae', E3Profile, VaeTrainingConfig> = {
  task: 'vae',
  profile: e3Profile,
  configs: e3Configs,
};

/**
 * E3 for a profile: run (or resume, or load) every configuration in parallel processes (runProfile:
 * `shard`, `only`).
 */
export function runE3(options: RunProfileOptions<E3Profile, VaeTrainingConfig> = {}): Promise<VaeRunResult[]> {
  return runProfile(E3_RUNS, options);
}

/** Where a profile's runs are kept: its own folder under the repository (committed results), else the cache. */
export function profileResultsDir(profile: E3Profile): string {
  return profileRunsDir(E3_RUNS, profile);
}

/** The results already stored for a profile (finished or not), without running anything. */
export function loadE3Results(profile: ProfileName | E3Profile = profileName(), resultsDir?: string): VaeRunResult[] {
  return loadProfileResults(E3_RUNS, profile, resultsDir);
}

/** The results of a profile when every one of its runs has finished (e.g. the committed medium profile), else null. */
export function finishedE3Results(profile: ProfileName | E3Profile, resultsDir?: string): VaeRunResult[] | null {
  return finishedProfileResults(E3_RUNS, profile, resultsDir);
}
