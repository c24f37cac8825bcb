/**
 * C7 on exact toys (notebook 03; PAPER.md E1, claim C7 — the problems are ours): random polynomial
 * losses of a few categorical variables, every estimator of the C7 grid measured exactly — by
 * enumeration, and the GR family's noise given the state by quadrature (conditional-jacobian.ts) —
 * for the C7 verdict of lib/checks/c7-bias-variance.ts (computed by the caller), the same verdict as
 * the VAE's (notebook 07), here with no measurement noise to decide it.
 */
import { C7_GRID } from '../exact/c7-grid';
import { draws } from '../exact/moments';
import {
  familyQuality,
  logitMoments,
  type EstimatorPoint,
  type FamilyGrid,
  type MomentSource,
} from '../exact/family-quality';
import { latentSums } from '../exact/latent-sums';
import { randomPolynomialProblem } from '../exact/toy-problems';
import { float64 } from '../math/field';
import { Random } from '../random';

export interface C7Toy {
  /** a short name for tables and figures */
  name: string;
  /** variables (all with C categories) */
  numVariables: number;
  C: number;
  /** polynomial degree of the loss in the one-hot vectors (2: ZGR unbiased, C3; 3: biased) */
  degree: 2 | 3;
  /** seed of the problem's probabilities and coefficients */
  seed: number;
}

export const C7_TOYS: C7Toy[] = [
  { name: 'quadratic, 2 × C=3 (the cold-GR toy)', numVariables: 2, C: 3, degree: 2, seed: 7 },
  { name: 'cubic, 2 × C=3', numVariables: 2, C: 3, degree: 3, seed: 7 },
  { name: 'quadratic, 3 × C=4', numVariables: 3, C: 4, degree: 2, seed: 11 },
];

/** Replicates and draws of the GR family's Monte Carlo (per variable, category and replicate): the cross-check only. */
export const C7_TOY_MC = { replicates: 20, drawsPerReplicate: 200 };

/**
 * The moments of every estimator on one toy: exact, the GR family's too (quadrature of the
 * conditional Gumbel density); with `monteCarloSeed`, the GR family's by Monte Carlo instead
 * (C7_TOY_MC draws), the cross-check of the quadrature.
 */
export function c7ToySource(toy: C7Toy, monteCarloSeed?: number): MomentSource {
  const problem = randomPolynomialProblem(
    float64,
    Random.fromSeed(toy.seed),
    new Array<number>(toy.numVariables).fill(toy.C),
    toy.degree,
  );
  const all = draws(problem);
  const sums = latentSums(problem.p, (s) => ({ f: all[s].draw.f, v: all[s].draw.v.flat() }));
  const logits = problem.p.map((pi) => pi.map(Math.log));
  return logitMoments(
    [{ sums, logits }],
    1,
    monteCarloSeed == null ? 'quadrature' : { ...C7_TOY_MC, rng: Random.fromSeed(monteCarloSeed) },
  );
}

/**
 * Measure every estimator on one toy (C7's grid unless `grid`); the verdict is c7BiasVariance(points,
 * toy.name), computed by the caller.
 */
export function runC7Toy(
  toy: C7Toy,
  options: { grid?: FamilyGrid; monteCarloSeed?: number } = {},
): { toy: C7Toy; points: EstimatorPoint[] } {
  return { toy, points: familyQuality(c7ToySource(toy, options.monteCarloSeed), options.grid ?? C7_GRID) };
}
