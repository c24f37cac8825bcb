/**
 * The estimators of the bias–variance comparison (PAPER.md C7, E4) measured on one enumerable
 * problem: every member of the ST-ZGR family, the GR family (ST-GS = GR-MC1 and GR-MCK for each
 * K, across τ), ST(t), ReinMax(τ), DARN and RLOO(M), each with its exact (or, for the GR family,
 * conditionally Monte Carlo) moments and the quality metrics of quality.ts. The problem is a list
 * of independent blocks of categorical variables — the images of a VAE batch, or one toy — whose
 * gradient is the concatenation of the blocks' gradients times `scale` (1/B for a batch mean).
 */
import type { EstimatorFamily } from '../estimators/registry';
import { estimatorStyle } from '../estimators/spec';
import type { Random } from '../random';
import { averaged, concatenated, fromReplicates, type Moments } from './estimator-moments';
import { rlooLatentMoments, type LatentSums } from './latent-sums';
import { conditionalFamilyMoments, conditionalFamilyMomentsExact, sampleFunctionMoments } from './latent-moments';
import { estimatorQuality, type Quality } from './quality';

/**
 * The ST-ZGR members every grid must hold: the closed form of the whole family (st-zgr-curve.ts) is
 * built from them.
 */
export const CURVE_MEMBERS = [0, 0.5, 1] as const;

/** One independent block: its sums and the logits of its variables ([L][C]). */
export interface Block {
  sums: LatentSums;
  logits: number[][];
}

export interface FamilyGrid {
  /** temperatures of ST-GS, GR-MCK and ST(t) */
  taus: number[];
  /** K of GR-MCK (1 = ST-GS) */
  Ks: number[];
  /**
   * a of the ST-ZGR members measured (0 = ST, 1 = ZGR); must hold 0, ½ and 1, from which the whole
   * family follows in closed form (st-zgr-curve.ts)
   */
  as: number[];
  /** temperatures of ReinMax (its official API refuses τ < 1) */
  reinmaxTaus: number[];
  /** M of RLOO(M), and of the equal-cost means of M ST-ZGR samples */
  Ms: number[];
  /**
   * Adaptive draws for a Monte Carlo GR family (PAPER.md C7: measure until decided): repeat the
   * source's draws (each round another set of replicates, pooled) until every member at that τ has
   * se(β) < m_β/3 and se(σ) < (f_σ − 1) σ/3 — a third of C7's declared margins — or `maxRounds`
   * rounds are spent (then its intervals may leave it undecided, and `rounds` says so). Absent: one round.
   */
  adaptive?: { maxRounds: number; betaMargin: number; sigmaFactor: number };
}

/**
 * A curve of the bias–variance plane (indexed by `param`): the estimator's family in the registry
 * ('ST-ZGR(a)', 'GR-MCK(τ)', 'ST(t)', 'ReinMax(τ)'), or the equal-cost means of M ST-ZGR samples;
 * or a point (param null: DARN, RLOO(M)).
 */
export type Family = EstimatorFamily | 'ST-ZGR(a) mean of M' | 'point';

export interface EstimatorPoint {
  /** registry name and options */
  name: string;
  options: Record<string, number>;
  label: string;
  family: Family;
  /** τ, t or a along the family; null for points */
  param: number | null;
  /** K for the GR family, M for RLOO and the means of M samples */
  K?: number;
  M?: number;
  /** loss evaluations per estimate (M for RLOO(M) and the mean of M samples) */
  cost: number;
  /** GR family with adaptive draws: the rounds drawn, of at most maxRounds, and whether the precision target was met */
  draws?: { rounds: number; maxRounds: number; precise: boolean };
  quality: Quality;
}

const fmt = (n: number) => String(Number(n.toPrecision(3)));

/** An estimator's moments and the exact gradient, in one coordinate system (what quality.ts takes). */
export interface Measured {
  gradient: ArrayLike<number>;
  moments: Moments;
}

/**
 * Where an estimator's moments come from, per kind of estimator: w.r.t. the logits of a batch
 * (`logitMoments`), or w.r.t. a network's weights (lib/exact/weight-moments.ts).
 */
export interface MomentSource {
  sampleFunction(name: string, options: Record<string, number>): Measured;
  /** GR-MCK at τ for every K of Ks (K = 1: ST-GS) */
  conditionalFamily(tau: number, Ks: readonly number[]): Measured[];
  rloo(M: number): Measured;
}

/**
 * Moments w.r.t. the logits of independent blocks, concatenated and scaled (1/B for a batch mean).
 * The GR family's: by Monte Carlo over its noise given the state (`mc`), or, where C ≤ 4, exact by
 * quadrature of the conditional Gumbel density (`'quadrature'`).
 */
export function logitMoments(
  blocks: readonly Block[],
  scale: number,
  mc: { replicates: number; drawsPerReplicate: number; rng: Random } | 'quadrature',
): MomentSource {
  if (blocks.length === 0) throw new Error('logitMoments: no blocks');
  const gradient = concatenated(
    blocks.map((b) => ({ mean: b.sums.gradient, secondMoment: 0, replicates: [] })),
    scale,
  ).mean;
  const joint = (perBlock: (b: Block) => Moments): Measured => ({
    gradient,
    moments: concatenated(blocks.map(perBlock), scale),
  });
  return {
    sampleFunction: (name, options) => joint((b) => sampleFunctionMoments(b.sums, b.logits, name, options)),
    conditionalFamily: (tau, Ks) => {
      const perK = blocks.map((b) =>
        mc === 'quadrature'
          ? conditionalFamilyMomentsExact(b.sums, b.logits, tau, Ks)
          : conditionalFamilyMoments(b.sums, b.logits, tau, Ks, mc),
      );
      return Ks.map((_, k) => ({
        gradient,
        moments: concatenated(
          perK.map((ms) => ms[k]),
          scale,
        ),
      }));
    },
    rloo: (M) => joint((b) => rlooLatentMoments(b.sums, M)),
  };
}

/** se(β) and se(σ) of every member below a third of the margins (exact moments: trivially). */
function precise(perK: readonly Measured[], a: NonNullable<FamilyGrid['adaptive']>): boolean {
  return perK.every((m) => {
    const q = estimatorQuality(m.gradient, m.moments);
    return (
      q.scaleFreeBias != null &&
      q.scaleFreeStd != null &&
      q.scaleFreeBias.se < a.betaMargin / 3 &&
      q.scaleFreeStd.se < ((a.sigmaFactor - 1) * q.scaleFreeStd.estimate) / 3
    );
  });
}

/**
 * The GR family at τ for every K: one round of the source's draws, or adaptive rounds pooled
 * (FamilyGrid.adaptive).
 */
function grFamilyAt(
  source: MomentSource,
  tau: number,
  grid: FamilyGrid,
): { perK: Measured[]; draws?: EstimatorPoint['draws'] } {
  let perK = source.conditionalFamily(tau, grid.Ks);
  const a = grid.adaptive;
  if (a == null || perK[0].moments.replicates.length === 0) return { perK };
  if (!(Number.isInteger(a.maxRounds) && a.maxRounds >= 1))
    throw new Error(`familyQuality: adaptive.maxRounds must be an integer ≥ 1, got ${a.maxRounds}`);
  let rounds = 1;
  while (!precise(perK, a) && rounds < a.maxRounds) {
    const more = source.conditionalFamily(tau, grid.Ks);
    // independent replicates of the same size: pooling them is one larger Monte Carlo
    perK = perK.map((m, k) => ({
      gradient: m.gradient,
      moments: fromReplicates([...m.moments.replicates, ...more[k].moments.replicates]),
    }));
    rounds++;
  }
  return { perK, draws: { rounds, maxRounds: a.maxRounds, precise: precise(perK, a) } };
}

/** Measure every estimator of the grid (GR family by conditional Monte Carlo, or exactly where the source can). */
export function familyQuality(source: MomentSource, grid: FamilyGrid): EstimatorPoint[] {
  if (CURVE_MEMBERS.some((a) => !grid.as.includes(a))) {
    throw new Error(
      `familyQuality: the ST-ZGR grid must hold a = ${CURVE_MEMBERS.join(', ')} ` +
        `(the family's closed form is built from them), got [${grid.as}]`,
    );
  }
  const label = (name: string, options: Record<string, number>) => estimatorStyle({ name, options }).label;
  // a member of a curve is drawn in its registry family; an estimator without a curve parameter is a point
  const point = (
    name: string,
    options: Record<string, number>,
    param: number | null,
    m: Measured,
    extra: Partial<EstimatorPoint> = {},
  ): EstimatorPoint => ({
    name,
    options,
    label: extra.label ?? label(name, options),
    family: param == null ? 'point' : estimatorStyle({ name, options }).family,
    param,
    cost: 1,
    ...extra,
    quality: estimatorQuality(m.gradient, m.moments),
  });
  const out: EstimatorPoint[] = [];
  const stZgr = grid.as.map((a) => ({ a, m: source.sampleFunction('stZgr', { a }) }));
  for (const { a, m } of stZgr) out.push(point('stZgr', { a }, a, m));
  for (const tau of grid.taus) {
    const { perK, draws } = grFamilyAt(source, tau, grid);
    grid.Ks.forEach((K, k) => {
      const [name, options] = K === 1 ? ['stGs', { tau }] : ['grMck', { tau, K }];
      out.push(
        point(name as string, options as Record<string, number>, tau, perK[k], { K, ...(draws ? { draws } : {}) }),
      );
    });
  }
  for (const t of grid.taus) out.push(point('st', { t }, t, source.sampleFunction('st', { t })));
  for (const tau of grid.reinmaxTaus) {
    const note = tau < 1 ? ' (below the official API’s τ ≥ 1)' : tau === 1 ? ' ≡ ZGR' : '';
    out.push(
      point('reinmax', { tau }, tau, source.sampleFunction('reinmax', { tau }), {
        label: `ReinMax(τ=${fmt(tau)})${note}`,
      }),
    );
  }
  out.push(point('darn', {}, null, source.sampleFunction('darn', {})));
  for (const M of grid.Ms) {
    out.push(point('rloo', { M }, null, source.rloo(M), { M, cost: M }));
    for (const { a, m } of stZgr) {
      out.push(
        point(
          'stZgr',
          { a },
          a,
          { gradient: m.gradient, moments: averaged(m.moments, M) },
          { family: 'ST-ZGR(a) mean of M', label: `mean of ${M} ${label('stZgr', { a })}`, M, cost: M },
        ),
      );
    }
  }
  return out;
}
