/**
 * C7's grid (PAPER.md C7, E4): the estimators every C7 measurement compares — on the exact toys
 * (lib/experiments/c7-toys.ts), the VAE (E4) and the quantised net (E5). Defined once here, below
 * both the experiments that measure on it and the check that judges it (lib/checks/c7-bias-variance.ts),
 * with the declared margins that check reads and the adaptive draws aim at.
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

/**
 * The declared margins of "practically" (PAPER.md C7), fixed before measuring. β + 0.02 is an
 * angle of about 1.1° between E g and ∇ — a direction error far below what separates estimators in
 * training — and σ × 1.05 is what 10 % more samples per step buy back, less than one step of any
 * learning-rate grid; within them the family and GR are practically equal.
 */
export const C7_MARGINS = { beta: 0.02, sigmaFactor: 1.05 } as const;

/**
 * The C7 grid with adaptive GR draws (PAPER.md C7: measured until decided, never passed by noise):
 * rounds of a profile's Monte Carlo, pooled, until se(β) and se(σ) of every member at a τ are
 * below a third of C7's declared margins, or `maxRounds` rounds are spent — then the verdict says
 * the budget ran out and the member may stay undecided (family-quality.ts, FamilyGrid.adaptive).
 */
export function c7Grid(maxRounds: number): FamilyGrid {
  return { ...C7_GRID, adaptive: { maxRounds, betaMargin: C7_MARGINS.beta, sigmaFactor: C7_MARGINS.sigmaFactor } };
}
