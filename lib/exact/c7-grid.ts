/**
 * C7's grid (PAPER.md C7, E4): the estimators every C7 measurement compares — on the exact toys
 * (lib/experiments/c7-toys.ts), the VAE (E4) and the quantised net (E5). Defined once here, below
 * both the experiments that measure on it and the check that judges it (lib/checks/c7-bias-variance.ts,
 * whose declared margins are C7_MARGINS).
 */
import type { FamilyGrid } from './family-quality';

/** τ ∈ {0.1, 0.3, 0.5, 1, 2, 3}, K ∈ {1, 10, 100, 1000}; the ST-ZGR family continuous in a. */
export const C7_GRID: FamilyGrid = {
  taus: [0.1, 0.3, 0.5, 1, 2, 3],
  Ks: [1, 10, 100, 1000],
  as: [0, 0.5, 1], // ST, the midpoint, ZGR: the family between follows in closed form (st-zgr-curve.ts)
  reinmaxTaus: [1, 1.3, 1.5, 2, 3], // its official API refuses τ < 1
  Ms: [2, 4, 8],
};
