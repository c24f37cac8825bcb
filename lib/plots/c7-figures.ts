/**
 * Figures and tables of the bias–variance comparison (C7; notebook 07 for the VAE, notebook 03 for
 * the toys): pure builders, measured EstimatorPoints (lib/exact/family-quality.ts) in, a plotly
 * spec or a markdown table out. Every estimate is drawn with its confidence interval; a bias not
 * resolved from zero shows an interval that reaches zero (the axis is linear for that reason).
 */
import type { C7Report, Outcome } from '../checks/c7-bias-variance';
import type { EstimatorPoint, Family } from '../exact/family-quality';
import { curveAt, stZgrCurve } from '../exact/st-zgr-curve';
import type { Interval } from '../exact/quality';
import { lineFigure, type LineSeries } from './line-figure';
import { intervalBars } from './series';
import { DASHES } from './style';
import { markdownTable } from './table';
import type { Figure } from './types';

const fmt = (n: number) => String(Number(n.toPrecision(3)));
const show = (i: Interval | null, digits = 3) =>
  i == null
    ? 'undefined (E g·∇ ≤ 0)'
    : i.low === i.high
      ? i.estimate.toFixed(digits)
      : `${i.estimate.toFixed(digits)} [${i.low.toFixed(digits)}, ${i.high.toFixed(digits)}]`;

/**
 * Which points go on the plane: the curves of C7 and ReinMax, and the points DARN and RLOO(M) (ST(t)
 * is in the table: ST(t=1) is ST-ZGR(a=0)).
 */
function planeSeries(points: readonly EstimatorPoint[]): LineSeries[] {
  const series: LineSeries[] = [];
  const curve = (
    members: EstimatorPoint[],
    style: Omit<LineSeries, 'x' | 'y'>,
    labelOf: (p: EstimatorPoint, k: number) => string,
  ) => {
    if (members.length === 0) return; // every member's mean points away from ∇: listed under the title instead
    const sorted = [...members].sort((a, b) => (a.param ?? 0) - (b.param ?? 0));
    const beta = sorted.map((p) => p.quality.scaleFreeBias!);
    const sigma = sorted.map((p) => p.quality.scaleFreeStd!);
    series.push({
      ...style,
      x: sigma.map((i) => i.estimate),
      y: beta.map((i) => i.estimate),
      xError: intervalBars(
        sigma.map((i) => i.estimate),
        sigma.map((i) => i.low),
        sigma.map((i) => i.high),
      ),
      yError: intervalBars(
        beta.map((i) => i.estimate),
        beta.map((i) => i.low),
        beta.map((i) => i.high),
      ),
      pointLabels: sorted.map(labelOf),
    });
  };
  const finite = (p: EstimatorPoint) => p.quality.scaleFreeBias != null && p.quality.scaleFreeStd != null;
  const of = (family: Family, extra: (p: EstimatorPoint) => boolean = () => true) =>
    points.filter((p) => p.family === family && finite(p) && extra(p));
  // the ST-ZGR family from its closed form (exact, continuous in a), labelled at its ends and middle;
  // 15 points (a = k/14): at most MAX_MARKERS, so plotly thins neither markers nor labels
  const family = Array.from({ length: 15 }, (_, k) => curveAt(stZgrCurve(points), k / 14)).filter(
    (m) => m.beta != null,
  );
  if (family.length > 0) {
    series.push({
      estimator: 'stZgr',
      label: 'ST-ZGR(a): ST (a=0) … ZGR (a=1), closed form',
      mode: 'lines+markers',
      x: family.map((m) => m.sigma!),
      y: family.map((m) => m.beta!),
      pointLabels: family.map((m) => (m.a === 0 || m.a === 0.5 || m.a === 1 ? `a=${fmt(m.a)}` : '')),
    });
  }
  const Ks = [...new Set(of('GR-MCK(τ)').map((p) => p.K!))].sort((a, b) => a - b);
  Ks.forEach((K, k) => {
    const members = of('GR-MCK(τ)', (p) => p.K === K);
    const taus = members.map((p) => p.param!);
    // τ labelled at the coldest and the hottest point of the last K only: the legend names the rest
    const labelled = (p: EstimatorPoint) =>
      K === Ks[Ks.length - 1] && (p.param === Math.min(...taus) || p.param === Math.max(...taus));
    curve(
      members,
      {
        estimator: K === 1 ? 'stGs' : 'grMck',
        options: K === 1 ? undefined : { K },
        label: K === 1 ? 'ST-GS(τ) = GR-MC1' : `GR-MC${K}(τ)`,
        dash: DASHES[k % DASHES.length],
        mode: 'lines+markers',
      },
      (p) => (labelled(p) ? `τ=${fmt(p.param!)}` : ''),
    );
  });
  const reinmax = of('ReinMax(τ)');
  const hottest = Math.max(...reinmax.map((p) => p.param!));
  curve(reinmax, { estimator: 'reinmax', label: 'ReinMax(τ ≥ 1; τ=1 ≡ ZGR)', mode: 'lines+markers' }, (p) =>
    p.param === hottest ? `τ=${fmt(p.param!)}` : '',
  );
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
  const opposed = points
    .filter((p) => p.family !== 'ST-ZGR(a) mean of M' && p.family !== 'ST(t)' && p.quality.scaleFreeBias == null)
    .map((p) => p.label);
  const figure = lineFigure({
    title: opposed.length
      ? `${title}<br><sup>not drawn, mean not along ∇ (E g·∇ ≤ 0): ${opposed.join(', ')}</sup>`
      : title,
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
    [
      'estimator',
      'loss evaluations',
      'scale-free bias β',
      'scale-free std σ',
      'relative bias',
      'relative std',
      'cos(E g, ∇)',
      'rescaled MSE',
    ],
    points
      .filter((p) => p.family !== 'ST-ZGR(a) mean of M')
      .map((p) => {
        const q = p.quality;
        return [
          p.label,
          String(p.cost),
          show(q.scaleFreeBias),
          show(q.scaleFreeStd),
          show(q.relativeBias),
          show(q.relativeStd),
          show(q.cosine, 4),
          show(q.rescaledMse, 4),
        ];
      }),
  );
}

/**
 * Some estimators' quality across measured cases side by side (e.g. one net at two noise scales):
 * scale-free bias β, std σ and rescaled MSE with their 95% intervals, one row per case and
 * estimator, in the order of `labels`; an estimator a case lacks is an error, not a blank.
 */
export function qualityAcrossTable(
  cases: readonly { name: string; points: readonly EstimatorPoint[] }[],
  labels: readonly string[],
): string {
  const rows = cases.flatMap(({ name, points }) =>
    labels.map((label) => {
      const p = points.find((x) => x.label === label);
      if (p == null)
        throw new Error(
          `qualityAcrossTable: no estimator ${JSON.stringify(label)} in case ${JSON.stringify(name)} ` +
            `(it has ${points.map((x) => x.label).join(', ')})`,
        );
      const q = p.quality;
      return [name, label, show(q.scaleFreeBias), show(q.scaleFreeStd), show(q.rescaledMse)];
    }),
  );
  return markdownTable(['case', 'estimator', 'scale-free bias β', 'scale-free std σ', 'rescaled MSE'], rows);
}

/**
 * C7's bias–variance half as a table: each GR member, its β and σ, the three-valued outcome with the
 * declared margins and strict, the margin it needs and what decides it.
 */
export function c7Table(report: C7Report): string {
  return markdownTable(
    ['GR member', 'β', 'σ', 'outcome (β + 0.02, σ × 1.05)', 'strict (margins 0)', 'needs × margins', 'what decides it'],
    report.biasVariance.rows.map((r) => [
      r.gr.label,
      show(r.gr.quality.scaleFreeBias),
      show(r.gr.quality.scaleFreeStd),
      r.outcome === 'dominated' ? r.outcome : `**${r.outcome}**`,
      r.strict,
      r.needed == null ? '—' : fmt(r.needed),
      r.decides,
    ]),
  );
}

/**
 * C7 case by case in one table (for the secondary cases of a notebook): the three-valued verdict,
 * how many GR members are dominated / not dominated / undecided with the declared margins, the
 * largest margin any member needs, how many members ran out of draws, and the equal-cost outcome.
 */
export function c7CasesTable(reports: readonly C7Report[]): string {
  const count = (r: C7Report, o: Outcome) => r.biasVariance.rows.filter((x) => x.outcome === o).length;
  return markdownTable(
    [
      'case',
      'verdict (β + 0.02, σ × 1.05)',
      'dominated / not / undecided',
      'largest margin needed',
      'GR members out of draws',
      'equal cost (winning a per M)',
    ],
    reports.map((r) => [
      r.where,
      r.biasVariance.verdict === 'holds' ? r.biasVariance.verdict : `**${r.biasVariance.verdict}**`,
      `${count(r, 'dominated')} / ${count(r, 'not dominated')} / ${count(r, 'undecided')}`,
      r.biasVariance.worst?.needed == null
        ? '—'
        : `${fmt(r.biasVariance.worst.needed)} × (${r.biasVariance.worst.gr.label})`,
      String(r.biasVariance.rows.filter((x) => x.gr.draws != null && !x.gr.draws.precise).length),
      `${r.equalCost.holds ? 'holds' : '**fails**'} ` +
        `(${r.equalCost.rows.map((e) => `M=${e.M}: a=${fmt(e.a)}`).join(', ')})`,
    ]),
  );
}

/**
 * The GR family's adaptive draws in one line: rounds spent per τ, and where the budget ran out before
 * the precision target.
 */
export function grDrawsLine(points: readonly EstimatorPoint[]): string {
  const byTau = new Map<number, NonNullable<EstimatorPoint['draws']>>();
  for (const p of points) if (p.draws != null && p.param != null) byTau.set(p.param, p.draws);
  if (byTau.size === 0) return 'GR draws: one round (not adaptive)';
  const parts = [...byTau].map(
    ([tau, d]) => `τ=${fmt(tau)}: ${d.rounds}${d.precise ? '' : ` of ${d.maxRounds}, budget spent`}`,
  );
  return `GR draws (rounds until se(β), se(σ) < a third of the margins): ${parts.join('; ')}`;
}

/** C7's equal-cost half as a table: RLOO(M) against the best mean of M ST-ZGR samples, and which a wins. */
export function equalCostTable(report: C7Report): string {
  return markdownTable(
    ['M', 'RLOO(M) rescaled MSE', 'winning a (0 = ST, 1 = ZGR)', 'its rescaled MSE (mean of M)', 'ratio best / RLOO'],
    report.equalCost.rows.map((e) => [
      String(e.M),
      e.rloo.quality.rescaledMse.estimate,
      fmt(e.a),
      e.rescaledMse,
      e.ratio,
    ]),
  );
}

/**
 * The same estimators measured w.r.t. the logits and w.r.t. the encoder weights of one batch:
 * averaging over a batch of images shrinks the variance of a gradient w.r.t. shared weights, not
 * its bias. One row per estimator of `labels` found in both.
 */
export function spaceTable(
  logits: readonly EstimatorPoint[],
  weights: readonly EstimatorPoint[],
  labels: readonly string[],
): string {
  const rows = labels.flatMap((label) => {
    const a = logits.find((p) => p.label === label);
    const b = weights.find((p) => p.label === label);
    if (a == null || b == null) return [];
    return [
      [
        label,
        show(a.quality.relativeBias),
        show(b.quality.relativeBias),
        show(a.quality.relativeStd),
        show(b.quality.relativeStd),
        show(a.quality.scaleFreeBias),
        show(b.quality.scaleFreeBias),
      ],
    ];
  });
  return markdownTable(
    [
      'estimator',
      'relative bias, logits',
      'relative bias, weights',
      'relative std, logits',
      'relative std, weights',
      'β, logits',
      'β, weights',
    ],
    rows,
  );
}
