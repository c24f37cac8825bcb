/**
 * C7, bias–variance (PAPER.md): "the simple ST-ZGR family of estimators practically dominates in
 * the bias–variance trade-offs the whole GR family while also outperforming SOTA unbiased
 * estimators". Measured (lib/exact/family-quality.ts) and judged here, once, for the toys
 * (notebook 03) and the VAE (notebook 07):
 *
 * 1. Dominance. A GR member g (ST-GS or GR-MCK at some τ, K) is practically dominated when some
 *    ST-ZGR(a) has bias and std each no larger than g's within the measured uncertainty:
 *        β_a − β_g ≤ z·√(se_a² + se_g²)   and   σ_a − σ_g ≤ z·√(se_a² + se_g²),
 *    z the two-sided normal quantile of the confidence. β and σ are the scale-free bias and std
 *    (quality.ts: bias and std after rescaling the estimator so that its mean projects onto ∇),
 *    because Adam undoes a scalar scale: raw bias/std would credit hot GR's 1/τ shrinkage. The
 *    same rule on the raw relative bias and std is reported beside it. A member whose mean does
 *    not point along ∇ (E g·∇ ≤ 0: no positive rescaling makes it a descent direction) has no
 *    scale-free bias and std; it is beaten by any member whose mean does, and the count says so.
 * 2. Equal cost. For each M, the mean of M samples of the best ST-ZGR member has a rescaled MSE
 *    no larger than RLOO(M)'s (both need M loss evaluations; both exact).
 */
import type { EstimatorPoint } from '../exact/family-quality';
import { normalQuantile, type Interval } from '../exact/quality';
import { atMost, claimReport, formatNumber, type ClaimReport, type Comparison } from './report';

export const C7_THRESHOLDS = {
  /** confidence of "no larger within the measured uncertainty" (two-sided) */
  confidence: 0.95,
  /** the ST-ZGR grid must have at least this many values of a in [0, 1] */
  minStZgrMembers: 11,
  /** GR members allowed to stay undominated (the claim: none) */
  maxUndominated: 0,
  /** rescaled MSE of the best mean of M ST-ZGR samples over RLOO(M)'s, at most */
  maxEqualCostRatio: 1,
};

type Metric = 'scaleFree' | 'raw';

export interface C7Row {
  gr: EstimatorPoint;
  /** the ST-ZGR member that dominates it with the smallest β (scale-free), or null */
  by: EstimatorPoint | null;
  /** the same on the raw relative bias and std */
  byRaw: EstimatorPoint | null;
}

export interface C7EqualCostRow {
  M: number;
  rloo: EstimatorPoint;
  /** the mean of M samples of the ST-ZGR member with the smallest rescaled MSE */
  best: EstimatorPoint;
  /** the mean of M ZGR samples */
  zgr: EstimatorPoint;
  /** best / RLOO rescaled MSE */
  ratio: number;
}

export type C7Report = ClaimReport<typeof C7_THRESHOLDS> & { rows: C7Row[]; equalCost: C7EqualCostRow[]; where: string };

const pair = (q: EstimatorPoint, metric: Metric): [Interval | null, Interval | null] =>
  metric === 'scaleFree' ? [q.quality.scaleFreeBias, q.quality.scaleFreeStd] : [q.quality.relativeBias, q.quality.relativeStd];

/** a's interval no larger than g's within the uncertainty (null — a mean not along ∇ — is worse than any value). */
function noLarger(a: Interval | null, g: Interval | null, z: number): boolean {
  if (a == null) return false;
  if (g == null) return true;
  return a.estimate - g.estimate <= z * Math.hypot(a.se, g.se);
}

/** The ST-ZGR member dominating `gr` with the smallest bias, or null. */
export function dominatedBy(gr: EstimatorPoint, family: readonly EstimatorPoint[], metric: Metric, confidence = C7_THRESHOLDS.confidence): EstimatorPoint | null {
  const z = normalQuantile((1 + confidence) / 2);
  const [gb, gs] = pair(gr, metric);
  const winners = family.filter((a) => {
    const [ab, as] = pair(a, metric);
    return noLarger(ab, gb, z) && noLarger(as, gs, z);
  });
  return winners.length === 0 ? null : winners.reduce((x, y) => (pair(y, metric)[0]!.estimate < pair(x, metric)[0]!.estimate ? y : x));
}

const show = (i: Interval | null) =>
  i == null ? 'undefined (E g·∇ ≤ 0)' : i.low === i.high ? formatNumber(i.estimate) : `${formatNumber(i.estimate)} [${formatNumber(i.low)}, ${formatNumber(i.high)}]`;

/** The C7 verdict on the measured estimators of one problem (`where` names it, e.g. "8×4, end"). */
export function c7BiasVariance(points: readonly EstimatorPoint[], where: string): C7Report {
  const family = points.filter((p) => p.family === 'ST-ZGR(a)');
  const gr = points.filter((p) => p.family === 'GR-MCK(τ)');
  const as = new Set(family.map((p) => p.param));
  if (as.size < C7_THRESHOLDS.minStZgrMembers) throw new Error(`c7BiasVariance: the ST-ZGR grid has ${as.size} values of a, at least ${C7_THRESHOLDS.minStZgrMembers} are required`);
  if (gr.length === 0) throw new Error('c7BiasVariance: no GR members measured');
  const rows: C7Row[] = gr.map((g) => ({ gr: g, by: dominatedBy(g, family, 'scaleFree'), byRaw: dominatedBy(g, family, 'raw') }));
  const open = rows.filter((r) => r.by == null);
  const openRaw = rows.filter((r) => r.byRaw == null);
  const opposed = gr.filter((g) => g.quality.scaleFreeBias == null).length;
  const list = (rs: C7Row[]) =>
    rs.map((r) => `${r.gr.label} (β ${show(r.gr.quality.scaleFreeBias)}, σ ${show(r.gr.quality.scaleFreeStd)})`).join('; ');
  const comparisons: Comparison[] = [
    {
      ...atMost('undominatedGr', `${where}: GR members not practically dominated by an ST-ZGR(a) on scale-free bias and std`, open.length, C7_THRESHOLDS.maxUndominated),
      text:
        `${where}: ${gr.length - open.length} of ${gr.length} GR members practically dominated by an ST-ZGR(a) (scale-free bias and std, ${100 * C7_THRESHOLDS.confidence}%` +
        (opposed > 0 ? `; ${opposed} of them have a mean not along ∇, E g·∇ ≤ 0, beaten by any member whose mean is` : '') +
        ')' +
        (open.length ? `; not: ${list(open)}` : '') +
        ` [raw relative bias and std: ${gr.length - openRaw.length} of ${gr.length}]`,
    },
  ];
  const equalCost: C7EqualCostRow[] = [];
  for (const rloo of points.filter((p) => p.name === 'rloo')) {
    const M = rloo.M!;
    const means = points.filter((p) => p.family === 'ST-ZGR(a) mean of M' && p.M === M);
    if (means.length === 0) continue;
    const best = means.reduce((x, y) => (y.quality.rescaledMse.estimate < x.quality.rescaledMse.estimate ? y : x));
    const zgr = means.find((p) => p.param === 1) ?? best;
    const ratio = best.quality.rescaledMse.estimate / rloo.quality.rescaledMse.estimate;
    equalCost.push({ M, rloo, best, zgr, ratio });
    comparisons.push({
      ...atMost(`equalCostM${M}`, '', ratio, C7_THRESHOLDS.maxEqualCostRatio),
      text:
        `${where}, M = ${M}: rescaled MSE of the ${best.label} = ${formatNumber(best.quality.rescaledMse.estimate)} vs RLOO(M=${M}) ${formatNumber(rloo.quality.rescaledMse.estimate)}` +
        ` (ratio ${formatNumber(ratio)}, ≤ ${C7_THRESHOLDS.maxEqualCostRatio}; mean of ${M} ZGR: ${formatNumber(zgr.quality.rescaledMse.estimate)})`,
    });
  }
  const statement = 'the ST-ZGR family practically dominates the whole GR family in bias and std, and beats RLOO(M) at equal cost';
  return { ...claimReport('C7', statement, C7_THRESHOLDS, comparisons), rows, equalCost, where };
}
