/**
 * The E3 protocol's tuned settings (PAPER.md E3 table, from the ReinMax paper's hyperparameter
 * table as public reproductions carry it): learning rate, temperature and optimiser per estimator
 * and latent configuration. A run with default flags uses them (`protocolSettings`); every flag
 * overrides. Choices of ours, stated here and in the README:
 * - ST's τ is the backward temperature of ST(t). ReinMax's code backpropagates through
 *   softmax(η/τ) including its 1/τ factor; this project's ST(t) leaves the factor out
 *   (lib/estimators/st.ts). The factor is a constant scale of the gradient, which Adam and RAdam
 *   undo up to their ε, so the tuned learning rate carries over.
 * - ST's 10×30 learning rate reads 7e-3 in the table, probably a typo for 7e-4: 7e-4 is used.
 * - GR-MCK uses K = 100 there (the table's setting).
 * - ZGR, ST-ZGR and RLOO are not in the table: they are tuned on the documented grid UNTUNED_GRID
 *   by a screening run of ours (e3-grid.ts: 8×4, 2 epochs of the full split, seed 0, the lowest
 *   final-epoch train −ELBO wins); its winners are GRID_WINNERS, equal to results/e3-grid.json
 *   (tested). A short screen favours large steps, so the lr is re-selected at epoch 30 (the
 *   horizon grid, HORIZON_WINNERS, equal to results/e3-grid-30.json): once recorded, its winners
 *   are the defaults (`defaultWinner`). Other configurations and estimators fall back to lr 1e-3
 *   with Adam.
 */
import type { EstimatorSpec } from '../estimators/spec';
import type { Optimizer } from '../training/vae-config';

/** The protocol's latent configurations, C×L. */
export const PROTOCOL_CONFIGS = ['8x4', '4x24', '8x16', '16x12', '64x8', '10x30'] as const;
export type ProtocolConfig = (typeof PROTOCOL_CONFIGS)[number];

export interface TunedSetting {
  lr: number;
  /** the temperature of the row's estimator (ST: the backward temperature t) */
  tau: number;
  optimizer: Optimizer;
}

const s = (lr: number, tau: number, optimizer: Optimizer): TunedSetting => ({ lr, tau, optimizer });

/** PAPER.md E3's table, row by row (columns in PROTOCOL_CONFIGS order). */
export const TUNED_SETTINGS: Record<
  'st' | 'stGs' | 'grMck' | 'gst' | 'reinmax',
  Record<ProtocolConfig, TunedSetting>
> = {
  st: {
    '8x4': s(1e-3, 1.3, 'adam'),
    '4x24': s(1e-3, 1.5, 'radam'),
    '8x16': s(1e-3, 1.5, 'radam'),
    '16x12': s(5e-4, 1.5, 'adam'),
    '64x8': s(5e-4, 1.5, 'adam'),
    '10x30': s(7e-4, 1.4, 'radam'),
  },
  stGs: {
    '8x4': s(3e-4, 0.5, 'adam'),
    '4x24': s(5e-4, 0.3, 'radam'),
    '8x16': s(5e-4, 0.5, 'radam'),
    '16x12': s(7e-4, 0.7, 'radam'),
    '64x8': s(7e-4, 0.7, 'radam'),
    '10x30': s(5e-4, 0.5, 'radam'),
  },
  grMck: {
    '8x4': s(5e-4, 0.5, 'adam'),
    '4x24': s(5e-4, 0.3, 'radam'),
    '8x16': s(7e-4, 0.7, 'radam'),
    '16x12': s(5e-4, 1.0, 'adam'),
    '64x8': s(7e-4, 2.0, 'adam'),
    '10x30': s(5e-4, 1.0, 'radam'),
  },
  gst: {
    '8x4': s(5e-4, 1.0, 'adam'),
    '4x24': s(5e-4, 0.5, 'radam'),
    '8x16': s(7e-4, 0.5, 'radam'),
    '16x12': s(7e-4, 0.5, 'radam'),
    '64x8': s(7e-4, 0.7, 'radam'),
    '10x30': s(5e-4, 0.5, 'radam'),
  },
  reinmax: {
    '8x4': s(5e-4, 1.3, 'adam'),
    '4x24': s(5e-4, 1.5, 'radam'),
    '8x16': s(7e-4, 1.5, 'radam'),
    '16x12': s(7e-4, 1.5, 'radam'),
    '64x8': s(5e-4, 1.5, 'radam'),
    '10x30': s(5e-4, 1.3, 'radam'),
  },
};

/** The grid on which the estimators the table lacks (ZGR, ST-ZGR, RLOO) are to be tuned. */
export const UNTUNED_GRID = { lrs: [3e-4, 5e-4, 7e-4], optimizers: ['adam', 'radam'] as Optimizer[] };

/** The winners of the grid for the estimators the table lacks, per configuration screened (results/e3-grid.json). */
export const GRID_WINNERS: Record<string, Partial<Record<ProtocolConfig, { lr: number; optimizer: Optimizer }>>> = {
  // all three at the grid's largest lr with Adam: after 2 epochs a larger step still wins, and
  // RAdam's warm-up costs it the first steps; the screen cannot say what 160 epochs would prefer
  zgr: { '8x4': { lr: 7e-4, optimizer: 'adam' } },
  stZgr: { '8x4': { lr: 7e-4, optimizer: 'adam' } },
  rloo: { '8x4': { lr: 7e-4, optimizer: 'adam' } },
};

/**
 * The horizon grid (PAPER.md E3: select at the horizon that is reported): lr ∈ HORIZON_GRID_LRS,
 * Adam, 8×4, seed 0, selected by train −ELBO at epoch 30 (e3-grid.ts E3_HORIZON_GRID). Its winners,
 * recorded in results/e3-grid-30.json when the grid has finished (tested equal), are used by the
 * long profile's other seeds and are the defaults of runs (`defaultWinner`); empty until then.
 */
export const HORIZON_GRID_LRS = [1e-4, 2e-4, 3e-4, 5e-4, 7e-4];
export const HORIZON_WINNERS: Record<string, Partial<Record<ProtocolConfig, { lr: number; optimizer: Optimizer }>>> = {
  // ZGR inside the grid (1e-4: 145.0, 3e-4: 142.7, 7e-4: 148.2 after 30 epochs); ST-ZGR(½) and
  // RLOO(2) at its largest lr, the edge: a larger step might train them better still
  zgr: { '8x4': { lr: 2e-4, optimizer: 'adam' } },
  stZgr: { '8x4': { lr: 7e-4, optimizer: 'adam' } },
  rloo: { '8x4': { lr: 7e-4, optimizer: 'adam' } },
};

/**
 * The default lr and optimiser of an estimator the table lacks, on C×L: the horizon grid's winner
 * once it is recorded (selected where it is reported), else the 2-epoch screen's.
 */
export function defaultWinner(name: string, config: ProtocolConfig): { lr: number; optimizer: Optimizer } | undefined {
  return HORIZON_WINNERS[name]?.[config] ?? GRID_WINNERS[name]?.[config];
}

/** The protocol's default when no setting is known: lr 1e-3, Adam. */
const FALLBACK = { lr: 1e-3, optimizer: 'adam' as Optimizer };

/** The name of an estimator option that the table's τ sets (ST: t; GR-MCK: tau and K = 100). */
function tunedOptions(name: string, tau: number): Record<string, number> {
  if (name === 'st') return { t: tau };
  if (name === 'grMck') return { tau, K: 100 };
  return { tau };
}

/**
 * The settings of a run of `name` on C×L: the table's (lr, optimiser, options) where it has the
 * cell, else the grid's winner, else the fallback; `given` options and flags override. `tuned` says
 * whether a table cell or a grid winner was found.
 */
export function protocolSettings(
  name: string,
  C: number,
  numLatents: number,
  given: { options?: Record<string, number>; lr?: number; optimizer?: Optimizer } = {},
): { estimator: EstimatorSpec; lr: number; optimizer: Optimizer; tuned: boolean } {
  const key = `${C}x${numLatents}`;
  const row = (TUNED_SETTINGS as Record<string, Record<string, TunedSetting>>)[name];
  const cell = row?.[key];
  const won = defaultWinner(name, key as ProtocolConfig);
  const base = cell
    ? { lr: cell.lr, optimizer: cell.optimizer, options: tunedOptions(name, cell.tau) }
    : { ...(won ?? FALLBACK), options: {} };
  return {
    estimator: { name, options: { ...base.options, ...(given.options ?? {}) } },
    lr: given.lr ?? base.lr,
    optimizer: given.optimizer ?? base.optimizer,
    tuned: cell != null || won != null,
  };
}
