/**
 * The numbers of panels (a) and (b), all from the package (lib/package/index.ts), in float64:
 *
 * (a) the exact gradient ∇E f (exactGradient, by enumerating the C outcomes) and each chosen
 *     estimator's mean: exact for the functions of the sample (registryStats → estimatorStats),
 *     exact for RLOO(M) (rlooMoments, the U-statistic identity: unbiased), and for ST-GS and
 *     GR-MCK exact over the sample and Monte Carlo over the Gumbel noise given it (registryStats
 *     with a seeded Random), with 95% intervals from its 20 replicates;
 * (b) the bias–variance plane of C7: latentSums of the problem, logitMoments, familyQuality over
 *     the grids below (the ST-ZGR curve over a ∈ [0, 1], the GR family over τ per K, ReinMax over
 *     τ ≥ 1, DARN and RLOO(M)), and estimatorQuality of each chosen estimator at its options.
 *
 * Which of these applies to an estimator is read from its registry row (resolveEstimator): its
 * kind (score-function or pathwise), whether it is a function of the sample, its family.
 */
import {
  dot,
  estimatorQuality,
  estimatorStyle,
  exactGradient,
  familyQuality,
  float64,
  latentSums,
  logitMoments,
  norm,
  oneHotConcat,
  Random,
  registryStats,
  resolveEstimator,
  rlooMoments,
  softmax,
  studentQuantile,
  type EstimatorPoint,
  type FamilyGrid,
  type Measured,
  type MomentSource,
  type Problem,
  type Quality,
  type ResolvedEstimator,
} from '../../lib/package';
import type { ToyFunction } from './problem';
import { chosenNames, optionsOf, type ChoiceName, type State } from './state';

/** Independent replicates of every Monte Carlo part (the package's REPLICATES for registryStats). */
const REPLICATES = 20;

/**
 * Gumbel-noise draws per sample x for the Monte Carlo means of panel (a): about 4000 perturbations
 * in all (C samples × K perturbations per draw), at least 2 per replicate, at most 400.
 */
export function drawsPerSample(C: number, K: number): number {
  return Math.max(2 * REPLICATES, Math.min(400, REPLICATES * Math.round(4000 / (REPLICATES * C * K))));
}

/** Conditional draws per category and replicate for the GR family of panel (b). */
export const PLANE_DRAWS = 25;

/** The grids of panel (b) (the chosen K, when GR-MCK is chosen, joins the Ks). */
export const PLANE_GRID = {
  taus: [0.1, 0.2, 0.3, 0.5, 0.7, 1, 1.5, 2, 3],
  Ks: [1, 10, 100],
  as: Array.from({ length: 11 }, (_, k) => k / 10),
  reinmaxTaus: [1, 1.3, 1.5, 2, 3],
} as const;

export interface MeanRow {
  name: ChoiceName;
  options: Record<string, number>;
  label: string;
  colour: string;
  method: 'exact' | 'monte-carlo';
  /** E g per category */
  mean: number[];
  /** its 95% interval per category (= mean when exact) */
  low: number[];
  high: number[];
  /** ‖E g − ∇‖ and E‖g − E g‖² */
  biasNorm: number;
  /** the 95% interval of ‖E g − ∇‖ (= biasNorm when exact; reaches 0 where a bias is not resolved) */
  biasInterval: [number, number];
  variance: number;
  /** noise draws per sample x (0 when exact) */
  samplesPerState: number;
}

export interface PanelA {
  p: number[];
  objective: number;
  gradient: number[];
  /** min over the outcomes of f (what the optimisation can reach) */
  minimum: number;
  /** f(e_j) per category */
  values: number[];
  rows: MeanRow[];
}

const oneHot = (C: number, x: number) => oneHotConcat(float64, [C], [x]);

/** The problem of the package's exact analysis: one variable, p = softmax(logits). */
export function problemOf(s: State, f: ToyFunction): Problem<number> {
  return { F: float64, p: [softmax(s.logits)], loss: f.loss };
}

/** A seed per estimator, so that each one's Monte Carlo draws do not depend on which others are chosen. */
const seedOf = (s: State, name: string) =>
  s.seed * 1009 + [...name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 100_000, 7);

/** Panel (a): the exact gradient and each chosen estimator's mean. */
export function computeMeans(s: State, f: ToyFunction): PanelA {
  const problem = problemOf(s, f);
  const p = problem.p[0];
  const { objective, gradient } = exactGradient(problem);
  const grad = gradient[0];
  const values = Array.from({ length: s.C }, (_, x) => f.loss.value(oneHot(s.C, x)));
  const rows = chosenNames(s).map((name): MeanRow => {
    const r = resolveEstimator({ name, options: optionsOf(name, s) });
    const options = r.options;
    const { label, colour } = estimatorStyle(r);
    if (r.kind === 'score') {
      // a score-function estimator: its exact moments from the losses of the outcomes (h = e_x − p)
      const m = rlooMoments(r.row.samples(options), s.C, (add) =>
        values.forEach((fx, x) =>
          add(
            p[x],
            fx,
            oneHot(s.C, x).map((zj, j) => zj - p[j]),
          ),
        ),
      );
      const mean = Array.from(m.mean);
      const biasNorm = norm(mean.map((mj, j) => mj - grad[j]));
      return {
        name,
        options,
        label,
        colour,
        method: 'exact',
        mean,
        low: mean,
        high: mean,
        biasNorm,
        biasInterval: [biasNorm, biasNorm],
        variance: m.secondMoment - dot(mean, mean),
        samplesPerState: 0,
      };
    }
    const K = options.K ?? 1; // Gumbel perturbations per draw
    const st = registryStats(problem, name, options, {
      samplesPerState: drawsPerSample(s.C, K),
      rng: Random.fromSeed(seedOf(s, name)),
    });
    const mean = st.mean[0];
    // the package's 95% intervals: Student's t over the replicates (none when exact)
    const t = st.method === 'exact' ? 0 : studentQuantile((1 + st.quality.confidence) / 2, REPLICATES - 1);
    return {
      name,
      options,
      label,
      colour,
      method: st.method,
      mean,
      low: mean.map((m, j) => m - t * st.se.mean[0][j]),
      high: mean.map((m, j) => m + t * st.se.mean[0][j]),
      biasNorm: st.biasNorm,
      biasInterval: [
        st.quality.relativeBias.low * st.quality.gradientNorm,
        st.quality.relativeBias.high * st.quality.gradientNorm,
      ],
      variance: st.variance,
      samplesPerState: st.samplesPerState,
    };
  });
  return { p, objective, gradient: grad, minimum: Math.min(...values), values, rows };
}

export interface ChosenPoint {
  name: ChoiceName;
  options: Record<string, number>;
  label: string;
  colour: string;
  /** loss evaluations per estimate (M for a score-function estimator, else 1) */
  cost: number;
  quality: Quality;
}

export interface PanelB {
  /** the families of C7 (familyQuality's points) */
  points: EstimatorPoint[];
  /** the chosen estimators at their options */
  chosen: ChosenPoint[];
}

/** The moment sources of a problem: one for the family grid, one (own seed) for the chosen points. */
function sources(s: State, f: ToyFunction): { family: MomentSource; chosen: MomentSource } {
  const p = softmax(s.logits);
  const sums = latentSums([p], (_s, digits) => {
    const z = oneHotConcat(float64, [s.C], digits);
    return { f: f.loss.value(z), v: f.loss.gradient(z) };
  });
  const blocks = [{ sums, logits: [s.logits] }];
  const mc = (seed: number) => ({ replicates: REPLICATES, drawsPerReplicate: PLANE_DRAWS, rng: Random.fromSeed(seed) });
  return {
    family: logitMoments(blocks, 1, mc(seedOf(s, 'family'))),
    chosen: logitMoments(blocks, 1, mc(seedOf(s, 'chosen'))),
  };
}

/** The family grid of a state (its K and M). */
export function gridOf(s: State): FamilyGrid {
  const Ks: number[] = [...PLANE_GRID.Ks];
  if (s.chosen.grMck && !Ks.includes(s.K)) Ks.push(s.K);
  return {
    taus: [...PLANE_GRID.taus],
    Ks: Ks.sort((a, b) => a - b),
    as: [...PLANE_GRID.as],
    reinmaxTaus: [...PLANE_GRID.reinmaxTaus],
    Ms: [s.M],
  };
}

/** The part of a state the family grid depends on (τ and a do not move it: a cache key). */
export function familyKey(s: State): string {
  return JSON.stringify([s.C, s.logits, s.fn, s.q, s.fseed, s.seed, gridOf(s)]);
}

/** Panel (b)'s families (slow part: the GR family by conditional Monte Carlo). */
export function computeFamily(s: State, f: ToyFunction): EstimatorPoint[] {
  return familyQuality(sources(s, f).family, gridOf(s));
}

/** Panel (b)'s chosen estimators at their options. */
export function computeChosen(s: State, f: ToyFunction): ChosenPoint[] {
  const source = sources(s, f).chosen;
  // the moment source that applies, from the registry row: exact for RLOO and for functions of
  // the sample, conditional Monte Carlo for the GR family (ST-GS is GR-MC1)
  const measured = (r: ResolvedEstimator): Measured => {
    if (r.kind === 'score') return source.rloo(r.row.samples(r.options));
    if (r.kind === 'pathwise' && r.row.sampleFunction) return source.sampleFunction(r.name, r.options);
    if (r.kind === 'pathwise' && r.row.family === 'GR-MCK(τ)')
      return source.conditionalFamily(r.options.tau, [r.options.K ?? 1])[0];
    throw new Error(
      `panel (b): no moment source for ${r.name} (neither a function of the sample, nor of the ` +
        `GR family, nor score-function)`,
    );
  };
  return chosenNames(s).map((name) => {
    const r = resolveEstimator({ name, options: optionsOf(name, s) });
    const m = measured(r);
    const cost = r.kind === 'score' ? r.row.samples(r.options) : 1;
    return { name, options: r.options, ...estimatorStyle(r), cost, quality: estimatorQuality(m.gradient, m.moments) };
  });
}
