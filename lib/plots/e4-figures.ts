/**
 * Figures and tables of the bias–variance comparison (C7; notebook 07 for the VAE, notebook 03 for
 * the toys): pure builders, measured EstimatorPoints (lib/exact/family-quality.ts) in, a plotly
 * spec or a markdown table out. Every estimate is drawn with its confidence interval; a bias not
 * resolved from zero shows an interval that reaches zero (the axis is linear for that reason).
 */
import type { C7Report } from '../checks/c7-bias-variance';
import type { EstimatorPoint, Family } from '../exact/family-quality';
import type { Interval } from '../exact/quality';
import { lineFigure, type LineSeries } from './line-figure';
import { intervalBars } from './series';
import { DASHES } from './style';
import { markdownTable } from './table';
import type { Figure } from './types';

const fmt = (n: number) => String(Number(n.toPrecision(3)));
const show = (i: Interval | null, digits = 3) =>
  i == null ? 'undefined (E g·∇ ≤ 0)' : i.low === i.high ? i.estimate.toFixed(digits) : `${i.estimate.toFixed(digits)} [${i.low.toFixed(digits)}, ${i.high.toFixed(digits)}]`;

/** Which points go on the plane: the curves of C7 and ReinMax, and the points DARN and RLOO(M) (ST(t) is in the table: ST(t=1) is ST-ZGR(a=0)). */
function planeSeries(points: readonly EstimatorPoint[]): LineSeries[] {
  const series: LineSeries[] = [];
  const curve = (members: EstimatorPoint[], style: Omit<LineSeries, 'x' | 'y'>, labelOf: (p: EstimatorPoint, k: number) => string) => {
    if (members.length === 0) return; // every member's mean points away from ∇: listed under the title instead
    const sorted = [...members].sort((a, b) => (a.param ?? 0) - (b.param ?? 0));
    const beta = sorted.map((p) => p.quality.scaleFreeBias!);
    const sigma = sorted.map((p) => p.quality.scaleFreeStd!);
    series.push({
      ...style,
      x: sigma.map((i) => i.estimate),
      y: beta.map((i) => i.estimate),
      xError: intervalBars(sigma.map((i) => i.estimate), sigma.map((i) => i.low), sigma.map((i) => i.high)),
      yError: intervalBars(beta.map((i) => i.estimate), beta.map((i) => i.low), beta.map((i) => i.high)),
      pointLabels: sorted.map(labelOf),
    });
  };
  const finite = (p: EstimatorPoint) => p.quality.scaleFreeBias != null && p.quality.scaleFreeStd != null;
  const of = (family: Family, extra: (p: EstimatorPoint) => boolean = () => true) => points.filter((p) => p.family === family && finite(p) && extra(p));
  const stZgr = of('ST-ZGR(a)');
  curve(stZgr, { estimator: 'stZgr', label: 'ST-ZGR(a): ST (a=0) … ZGR (a=1)', mode: 'lines+markers' }, (p) => (p.param === 0 || p.param === 0.5 || p.param === 1 ? `a=${fmt(p.param)}` : ''));
  const Ks = [...new Set(of('GR-MCK(τ)').map((p) => p.K!))].sort((a, b) => a - b);
  Ks.forEach((K, k) =>
    curve(
      of('GR-MCK(τ)', (p) => p.K === K),
      { estimator: K === 1 ? 'stGs' : 'grMck', options: K === 1 ? undefined : { K }, label: K === 1 ? 'ST-GS(τ) = GR-MC1' : `GR-MC${K}(τ)`, dash: DASHES[k % DASHES.length], mode: 'lines+markers' },
      (p) => (K === Ks[Ks.length - 1] ? `τ=${fmt(p.param!)}` : ''),
    ),
  );
  curve(of('ReinMax(τ)'), { estimator: 'reinmax', label: 'ReinMax(τ ≥ 1; τ=1 ≡ ZGR)', mode: 'lines+markers' }, (p) => `τ=${fmt(p.param!)}`);
  for (const p of points.filter((q) => q.family === 'point' && finite(q))) {
    curve([p], { estimator: p.name, options: p.options, label: p.label, mode: 'markers' }, () => '');
  }
  return series;
}

/**
 * C7's bias–variance plane for one measured problem: scale-free std σ (log) against scale-free
 * bias β = tan∠(E g, ∇) (linear, from 0), each with its interval; curves for ST-ZGR(a), GR-MCK(τ)
 * per K and ReinMax(τ ≥ 1); points for DARN and RLOO(M). Lower left is better.
 */
export function biasVarianceFigure(points: readonly EstimatorPoint[], title: string): Figure {
  const opposed = points.filter((p) => p.family !== 'ST-ZGR(a) mean of M' && p.family !== 'ST(t)' && p.quality.scaleFreeBias == null).map((p) => p.label);
  const figure = lineFigure({
    title: opposed.length ? `${title}<br><sup>not drawn, mean not along ∇ (E g·∇ ≤ 0): ${opposed.join(', ')}</sup>` : title,
    x: { title: 'scale-free std σ = √tr Cov g / (E g·∇̂)  (ratio)', log: true },
    y: { title: 'scale-free bias β = tan∠(E g, ∇)  (ratio)', log: false },
    series: planeSeries(points),
  });
  const legend = { ...(figure.layout.legend as object), font: { size: 11 }, tracegroupgap: 2 };
  return { data: figure.data, layout: { ...figure.layout, legend } };
}

/** The quality table of one measured problem: every estimator but the equal-cost means. */
export function qualityTable(points: readonly EstimatorPoint[]): string {
  return markdownTable(
    ['estimator', 'loss evaluations', 'scale-free bias β', 'scale-free std σ', 'relative bias', 'relative std', 'cos(E g, ∇)', 'rescaled MSE'],
    points
      .filter((p) => p.family !== 'ST-ZGR(a) mean of M')
      .map((p) => {
        const q = p.quality;
        return [p.label, String(p.cost), show(q.scaleFreeBias), show(q.scaleFreeStd), show(q.relativeBias), show(q.relativeStd), show(q.cosine, 4), show(q.rescaledMse, 4)];
      }),
  );
}

/** The C7 verdict as a table: each GR member, its β and σ, and the ST-ZGR member that dominates it. */
export function c7Table(report: C7Report): string {
  const by = (p: EstimatorPoint | null) => (p == null ? '**none**' : p.label);
  return markdownTable(
    ['GR member', 'β', 'σ', 'dominated by (scale-free)', 'dominated by (raw relative bias, std)'],
    report.rows.map((r) => [r.gr.label, show(r.gr.quality.scaleFreeBias), show(r.gr.quality.scaleFreeStd), by(r.by), by(r.byRaw)]),
  );
}

/** The equal-cost half of C7 as a table: RLOO(M) against the best mean of M ST-ZGR samples. */
export function equalCostTable(report: C7Report): string {
  return markdownTable(
    ['M', 'RLOO(M) rescaled MSE', 'best mean of M ST-ZGR', 'its rescaled MSE', 'mean of M ZGR', 'ratio best / RLOO'],
    report.equalCost.map((e) => [String(e.M), e.rloo.quality.rescaledMse.estimate, e.best.label, e.best.quality.rescaledMse.estimate, e.zgr.quality.rescaledMse.estimate, e.ratio]),
  );
}

/**
 * The same estimators measured w.r.t. the logits and w.r.t. the encoder weights of one batch:
 * averaging over a batch of images shrinks the variance of a gradient w.r.t. shared weights, not
 * its bias. One row per estimator of `labels` found in both.
 */
export function spaceTable(logits: readonly EstimatorPoint[], weights: readonly EstimatorPoint[], labels: readonly string[]): string {
  const rows = labels.flatMap((label) => {
    const a = logits.find((p) => p.label === label);
    const b = weights.find((p) => p.label === label);
    if (a == null || b == null) return [];
    return [[label, show(a.quality.relativeBias), show(b.quality.relativeBias), show(a.quality.relativeStd), show(b.quality.relativeStd), show(a.quality.scaleFreeBias), show(b.quality.scaleFreeBias)]];
  });
  return markdownTable(['estimator', 'relative bias, logits', 'relative bias, weights', 'relative std, logits', 'relative std, weights', 'β, logits', 'β, weights'], rows);
}
