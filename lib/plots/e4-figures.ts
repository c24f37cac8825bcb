/**
 * Figures and tables of notebook 07 (E4, gradient quality in the VAE): pure builders, E4 results
 * of lib/experiments/e4-gradient-quality in, a plotly spec or a markdown table out.
 */
import type { E4CheckpointResult, EstimatorQuality } from '../experiments/e4-gradient-quality';
import { lineFigure, type LineSeries } from './line-figure';
import { DASHES } from './style';
import { markdownTable } from './table';
import type { Figure, Trace } from './types';

const SYMBOLS = ['circle', 'square', 'diamond', 'triangle-up', 'x'] as const;

/** Bias drawn on a log axis: below its own standard error (std/√N) it is drawn at that level. */
export function plottedBias(q: EstimatorQuality): number {
  return Math.max(q.bias, q.std / Math.sqrt(q.samples), 1e-12 * q.exactNorm) / q.exactNorm;
}

/**
 * C7's bias–variance figure at one checkpoint: relative bias ‖E ĝ − ∇J‖/‖∇J‖ against relative
 * standard deviation √tr Cov(ĝ)/‖∇J‖, log–log. Families indexed by temperature (ST(t), ST-GS(τ),
 * GR-MCK(τ) for each K, ReinMax(τ)) and the ST-ZGR(a) family are curves (hover: the parameter);
 * ZGR, DARN and RLOO(M) are points.
 */
export function e4BiasVarianceFigure(result: E4CheckpointResult, title?: string): Figure {
  const families = new Map<string, EstimatorQuality[]>();
  for (const q of result.estimators) families.set(q.family, [...(families.get(q.family) ?? []), q]);
  const grKs = [...new Set(result.estimators.filter((q) => q.estimator.name === 'grMck').map((q) => q.estimator.options!.K))].sort((a, b) => a - b);
  const series: (LineSeries & { text: string[]; symbol: string })[] = [];
  let point = 0;
  for (const [family, members] of families) {
    const sorted = [...members].sort((a, b) => (a.param ?? 0) - (b.param ?? 0));
    const q0 = sorted[0];
    const curve = q0.param != null;
    const K = q0.estimator.name === 'grMck' ? q0.estimator.options!.K : null;
    series.push({
      estimator: q0.estimator.name,
      options: q0.estimator.options,
      label: curve ? family : q0.label,
      x: sorted.map((q) => q.std / q.exactNorm),
      y: sorted.map(plottedBias),
      mode: curve ? 'lines+markers' : 'markers',
      dash: K != null ? DASHES[(grKs.indexOf(K) + 1) % DASHES.length] : 'solid',
      text: sorted.map((q) => (curve ? `${family.replace(/\(.*\)$/, '')} ${family.match(/\((.)\)$/)?.[1] ?? ''} = ${q.param}` : q.label)),
      symbol: curve ? 'circle' : SYMBOLS[point++ % SYMBOLS.length],
    });
  }
  const c = result.checkpoint;
  const figure = lineFigure({
    title: title ?? `E4 · bias and standard deviation of ∂J/∂η, ${c.name} of training (epoch ${c.epoch})<br><sup>relative to ‖∇J‖ = ${result.exactNorm.toPrecision(3)}; bias below its standard error drawn at it</sup>`,
    x: { title: 'std / ‖∇J‖', log: true },
    y: { title: 'bias / ‖∇J‖', log: true },
    series,
  });
  const data = figure.data.map((t: Trace, i: number) => ({
    ...t,
    text: series[i].text,
    hovertemplate: '%{text}<br>std %{x:.3g}, bias %{y:.3g}<extra></extra>',
    marker: { ...(t.marker as object), symbol: series[i].symbol, size: series[i].mode === 'markers' ? 10 : 6 },
  }));
  // up to a dozen legend entries: a smaller font keeps them inside the figure's height
  const legend = { ...(figure.layout.legend as object), font: { size: 11 }, tracegroupgap: 2 };
  return { data, layout: { ...figure.layout, legend, margin: { ...(figure.layout.margin as object), t: 70 } } };
}

/** The E4 table at one checkpoint: bias, std, MSE (relative to ‖∇J‖) and cosine per estimator. */
export function e4Table(result: E4CheckpointResult): string {
  return markdownTable(
    ['estimator', 'loss evaluations', 'bias / ‖∇J‖', 'std / ‖∇J‖', 'MSE / ‖∇J‖²', 'cosine'],
    result.estimators.map((q) => [q.label, String(q.evaluations), q.bias / q.exactNorm, q.std / q.exactNorm, q.mse / q.exactNorm ** 2, q.cosine]),
    4,
  );
}
