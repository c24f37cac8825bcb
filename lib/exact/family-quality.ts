/**
 * The estimators of the bias–variance comparison (PAPER.md C7, E4) measured on one enumerable
 * problem: every member of the ST-ZGR family, the GR family (ST-GS = GR-MC1 and GR-MCK for each
 * K, across τ), ST(t), ReinMax(τ), DARN and RLOO(M), each with its exact (or, for the GR family,
 * conditionally Monte Carlo) moments and the quality metrics of quality.ts. The problem is a list
 * of independent blocks of categorical variables — the images of a VAE batch, or one toy — whose
 * gradient is the concatenation of the blocks' gradients times `scale` (1/B for a batch mean).
 */
import { estimator } from '../estimators/registry';
import type { Random } from '../random';
import { averaged, concatenated, type Moments } from './estimator-moments';
import { rlooLatentMoments, type LatentSums } from './latent-sums';
import { conditionalFamilyMoments, sampleFunctionMoments } from './latent-moments';
import { estimatorQuality, type Quality } from './quality';

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
  /** a of ST-ZGR (0 = ST, 1 = ZGR) */
  as: number[];
  /** temperatures of ReinMax (its official API refuses τ < 1) */
  reinmaxTaus: number[];
  /** M of RLOO(M), and of the equal-cost means of M ST-ZGR samples */
  Ms: number[];
}

/** A curve of the bias–variance plane (indexed by `param`) or a point (param null). */
export type Family = 'ST-ZGR(a)' | 'GR-MCK(τ)' | 'ST(t)' | 'ReinMax(τ)' | 'ST-ZGR(a) mean of M' | 'point';

export interface EstimatorPoint {
  /** registry name (or 'rloo') and options */
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
  quality: Quality;
}

const fmt = (n: number) => String(Number(n.toPrecision(3)));

/** Measure every estimator of the grid on the blocks (GR family by conditional Monte Carlo). */
export function familyQuality(
  blocks: readonly Block[],
  scale: number,
  grid: FamilyGrid,
  mc: { replicates: number; drawsPerReplicate: number; rng: Random },
): EstimatorPoint[] {
  if (blocks.length === 0) throw new Error('familyQuality: no blocks');
  if (grid.as.length < 2) throw new Error(`familyQuality: the ST-ZGR grid needs at least 2 values of a, got ${grid.as.length}`);
  const gradient = concatenated(blocks.map((b) => ({ mean: b.sums.gradient, secondMoment: 0, replicates: [] })), scale).mean;
  const joint = (perBlock: (b: Block) => Moments) => concatenated(blocks.map(perBlock), scale);
  const label = (name: string, options: Record<string, number>) => estimator(name).label(options);
  const point = (name: string, options: Record<string, number>, family: Family, param: number | null, m: Moments, extra: Partial<EstimatorPoint> = {}): EstimatorPoint => ({
    name,
    options,
    label: extra.label ?? label(name, options),
    family,
    param,
    cost: 1,
    ...extra,
    quality: estimatorQuality(gradient, m),
  });
  const out: EstimatorPoint[] = [];
  const stZgr = grid.as.map((a) => ({ a, m: joint((b) => sampleFunctionMoments(b.sums, b.logits, 'stZgr', { a })) }));
  for (const { a, m } of stZgr) out.push(point('stZgr', { a }, 'ST-ZGR(a)', a, m));
  for (const tau of grid.taus) {
    const perK = blocks.map((b) => conditionalFamilyMoments(b.sums, b.logits, tau, grid.Ks, mc));
    grid.Ks.forEach((K, k) => {
      const m = concatenated(perK.map((ms) => ms[k]), scale);
      const [name, options] = K === 1 ? ['stGs', { tau }] : ['grMck', { tau, K }];
      out.push(point(name as string, options as Record<string, number>, 'GR-MCK(τ)', tau, m, { K }));
    });
  }
  for (const t of grid.taus) out.push(point('st', { t }, 'ST(t)', t, joint((b) => sampleFunctionMoments(b.sums, b.logits, 'st', { t }))));
  for (const tau of grid.reinmaxTaus) {
    const note = tau < 1 ? ' (below the official API’s τ ≥ 1)' : tau === 1 ? ' ≡ ZGR' : '';
    out.push(point('reinmax', { tau }, 'ReinMax(τ)', tau, joint((b) => sampleFunctionMoments(b.sums, b.logits, 'reinmax', { tau })), { label: `ReinMax(τ=${fmt(tau)})${note}` }));
  }
  out.push(point('darn', {}, 'point', null, joint((b) => sampleFunctionMoments(b.sums, b.logits, 'darn'))));
  for (const M of grid.Ms) {
    out.push(point('rloo', { M }, 'point', null, joint((b) => rlooLatentMoments(b.sums, M)), { label: `RLOO(M=${M})`, M, cost: M }));
    for (const { a, m } of stZgr) {
      out.push(point('stZgr', { a }, 'ST-ZGR(a) mean of M', a, averaged(m, M), { label: `mean of ${M} ${label('stZgr', { a })}`, M, cost: M }));
    }
  }
  return out;
}
