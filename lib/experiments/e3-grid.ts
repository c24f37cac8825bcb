/**
 * The grids on which E3 tunes the estimators that the protocol's table (PAPER.md E3) lacks: ZGR,
 * ST-ZGR(½) and RLOO(2). The protocol is silent on how; the selection is ours, stated in the
 * README and notebook 06: 8×4 on the full 60k split, seed 0, and the lowest final-epoch train
 * −ELBO wins (the table's estimators were tuned on train −ELBO too).
 * - E3_SCREEN, the first screen: lr ∈ {3e-4, 5e-4, 7e-4} × {Adam, RAdam}, 2 epochs. A short screen
 *   favours fast starters: all three won at 7e-4, the edge of its grid. Its winners are recorded in
 *   results/e3-grid.json and are GRID_WINNERS (protocol.ts, tested equal) until the horizon grid
 *   has finished.
 * - E3_HORIZON_GRID, selection at the horizon that is reported (PAPER.md E3): lr ∈ {1e-4, 2e-4,
 *   3e-4, 5e-4, 7e-4}, Adam, 30 epochs — the horizon of the long profile, whose folder it shares
 *   (runs are keyed by their full configuration, so the winner's seed-0 run is the long profile's).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MNIST_SIZES } from '../data/mnist';
import type { EstimatorSpec } from '../estimators/spec';
import { repoRoot } from '../results/paths';
import { PROFILES, type ProfileName } from '../results/profile';
import { provenance, type Provenance } from '../results/provenance';
import { writeJsonAtomic } from '../results/write';
import { e3Configs, e3Profile, runSweep, type SweepOptions } from './e3-vae-training';
import { HORIZON_GRID_LRS, HORIZON_WINNERS, UNTUNED_GRID, type ProtocolConfig } from './protocol';
import { normaliseConfig, runKey, type Optimizer, type VaeTrainingConfig } from '../training/vae-config';
import type { VaeRunResult } from '../training/vae-task';

/** A grid: what is run for every (estimator, lr, optimiser) cell, and where it is kept. */
export interface E3Grid {
  configuration: { C: number; numLatents: number };
  estimators: EstimatorSpec[];
  lrs: readonly number[];
  optimizers: readonly Optimizer[];
  seed: number;
  /** the horizon: selection by the train −ELBO of this epoch */
  epochs: number;
  trainSize: number;
  testSize: number;
  /** the runs' folder, relative to the repository root (committed) */
  resultsDir: string;
  /** the summary with the winners, relative to the repository root */
  file: string;
  /** the profile whose defaults it selects (its summary's provenance records it) */
  profile: ProfileName;
}

const UNTUNED_ESTIMATORS: EstimatorSpec[] = [
  { name: 'zgr' },
  { name: 'stZgr', options: { a: 0.5 } },
  { name: 'rloo', options: { M: 2 } },
];

/** The first screen: 2 epochs (its winners are today's GRID_WINNERS). */
export const E3_SCREEN: E3Grid = {
  configuration: { C: 8, numLatents: 4 },
  estimators: UNTUNED_ESTIMATORS,
  lrs: UNTUNED_GRID.lrs,
  optimizers: UNTUNED_GRID.optimizers,
  seed: 0,
  epochs: 2,
  trainSize: MNIST_SIZES.train,
  testSize: MNIST_SIZES.test,
  resultsDir: 'results/e3-grid',
  file: 'results/e3-grid.json',
  profile: 'medium',
};

/** Selection at the long profile's horizon, 30 epochs (PAPER.md E3's grid, Adam). */
export const E3_HORIZON_GRID: E3Grid = {
  ...E3_SCREEN,
  lrs: HORIZON_GRID_LRS,
  optimizers: ['adam'],
  epochs: 30,
  resultsDir: 'results/e3-long',
  file: 'results/e3-grid-30.json',
  profile: 'long',
};

/** The grid `npm run train -- --grid` runs. */
export const E3_GRID = E3_HORIZON_GRID;

/** Every run of the grid, normalised. */
export function gridConfigs(grid: E3Grid = E3_GRID): VaeTrainingConfig[] {
  const { C, numLatents } = grid.configuration;
  return grid.estimators.flatMap((estimator) =>
    grid.lrs.flatMap((lr) =>
      grid.optimizers.map((optimizer) =>
        normaliseConfig({
          C,
          numLatents,
          estimator,
          lr,
          optimizer,
          seed: grid.seed,
          epochs: grid.epochs,
          trainSize: grid.trainSize,
          testSize: grid.testSize,
        }),
      ),
    ),
  );
}

export interface GridCell {
  estimator: string;
  lr: number;
  optimizer: Optimizer;
  /** final-epoch train −ELBO (nats per image): the criterion */
  trainNegElbo: number;
  testNegElbo: number;
  key: string;
}

export interface GridSummary {
  config: ProtocolConfig;
  cells: GridCell[];
  /** per estimator name, the cell with the lowest final train −ELBO */
  winners: Record<string, { lr: number; optimizer: Optimizer }>;
  criterion: string;
  provenance: Provenance;
}

/** The cells of finished grid runs and, per estimator, the winner (lowest final train −ELBO). */
export function gridWinners(results: readonly VaeRunResult[]): { cells: GridCell[]; winners: GridSummary['winners'] } {
  const cells = results.map((r) => {
    if (!r.done)
      throw new Error(`gridWinners: run ${r.key} has not finished (${r.history.length}/${r.config.epochs} epochs)`);
    const last = r.history[r.history.length - 1];
    return {
      estimator: r.config.estimator.name,
      lr: r.config.lr,
      optimizer: r.config.optimizer,
      trainNegElbo: last.trainNegElbo,
      testNegElbo: last.testNegElbo,
      key: r.key,
    };
  });
  const winners: GridSummary['winners'] = {};
  for (const name of new Set(cells.map((c) => c.estimator))) {
    const best = cells.filter((c) => c.estimator === name).reduce((a, b) => (b.trainNegElbo < a.trainNegElbo ? b : a));
    winners[name] = { lr: best.lr, optimizer: best.optimizer };
  }
  return { cells, winners };
}

/** Run (or resume, or load) a grid, then write its summary with the winners (grid.file). */
export async function runE3Grid(options: SweepOptions = {}, grid: E3Grid = E3_GRID): Promise<GridSummary> {
  const results = await runSweep(gridConfigs(grid), {
    ...options,
    resultsDir: options.resultsDir ?? path.join(repoRoot(), grid.resultsDir),
  });
  const summary = gridSummary(grid, results);
  writeJsonAtomic(path.join(repoRoot(), grid.file), summary);
  return summary;
}

/**
 * A finished grid's summary: its cells, the winners, the criterion, and a provenance with the
 * grid's profile, the runs' backend and their training time summed (core-seconds).
 */
export function gridSummary(grid: E3Grid, results: readonly VaeRunResult[]): GridSummary {
  const { C, numLatents } = grid.configuration;
  const backends = [...new Set(results.map((r) => r.provenance?.backend ?? null))];
  return {
    config: `${C}x${numLatents}` as ProtocolConfig,
    ...gridWinners(results),
    criterion:
      `lowest final-epoch train −ELBO after ${grid.epochs} epochs ` + `of ${grid.trainSize} images, seed ${grid.seed}`,
    provenance: provenance({
      seed: grid.seed,
      profile: grid.profile,
      backend: backends.length === 1 ? backends[0] : backends.join(', '),
      wallTimeS: results.reduce((t, r) => t + (r.history[r.history.length - 1]?.wallTimeS ?? 0), 0),
    }),
  };
}

/** A grid's committed summary (the screen's by default: results/e3-grid.json), or null when it has not been run. */
export function loadGridSummary(file = path.join(repoRoot(), E3_SCREEN.file)): GridSummary | null {
  if (!fs.existsSync(file)) return null;
  return JSON.parse(fs.readFileSync(file, 'utf8')) as GridSummary;
}

/**
 * The runs at the settings a long profile reports: an estimator of the horizon grid only at its
 * recorded winner (its other lrs are the grid's cells, which the grid figure shows); every run of
 * an estimator without a recorded winner.
 */
export function atReportedSettings<R extends { config: VaeTrainingConfig }>(
  results: readonly R[],
  winners: typeof HORIZON_WINNERS = HORIZON_WINNERS,
): R[] {
  return results.filter((r) => {
    const won = winners[r.config.estimator.name]?.[`${r.config.C}x${r.config.numLatents}` as ProtocolConfig];
    return won == null || (r.config.lr === won.lr && r.config.optimizer === won.optimizer);
  });
}

/**
 * The E3 profile whose runs (with the horizon grid's, for long: they share its folder) include
 * every one of `configs`, or null: what a sweep file's results record as their profile.
 */
export function profileOfRuns(configs: readonly VaeTrainingConfig[]): ProfileName | null {
  const keys = configs.map((c) => runKey(c));
  return (
    PROFILES.find((name) => {
      const own = new Set(
        [...e3Configs(e3Profile(name)), ...(name === 'long' ? gridConfigs(E3_HORIZON_GRID) : [])].map((c) => runKey(c)),
      );
      return keys.every((k) => own.has(k));
    }) ?? null
  );
}
