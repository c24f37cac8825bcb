/**
 * Figures of the experiment notebooks 04 (E2, toy optimisation) and 05 (E6, cost): pure builders,
 * result records of lib/experiments in, a plotly spec out (no training, no timing, no I/O), on top
 * of lineFigure and groupedBarFigure, so every estimator has its registry colour.
 */
import type { E2Curve } from '../experiments/e2-toy';
import type { E6Result } from '../experiments/e6-cost';
import { groupedBarFigure, type BarSeries } from './bar-figure';
import { slopeGuide } from './claims-figures';
import { lineFigure, type LineSeries } from './line-figure';
import { REFERENCE_COLOUR } from './style';
import type { Figure } from './types';

/**
 * Gaps to the minimum below this fraction of the largest gap are drawn at it (float64 rounding of E f
 * near a vertex).
 */
export const E2_GAP_FLOOR = 1e-9;

/**
 * E2: the exact objective over training steps as its gap to the best achievable value,
 * E f − min f, on a log axis; one line per estimator (mean over seeds) with a band from the
 * smallest to the largest value over seeds. Gaps below E2_GAP_FLOOR × the largest gap are drawn
 * at that floor.
 */
export function e2ObjectiveFigure(
  problem: { label: string; minimum: number },
  curves: readonly E2Curve[],
  title?: string,
): Figure {
  if (curves.length === 0) throw new Error('e2ObjectiveFigure: no curves');
  const largest = Math.max(...curves.flatMap((c) => c.max.map((m) => m - problem.minimum)));
  if (!(largest > 0))
    throw new Error(
      `e2ObjectiveFigure: every objective is at the minimum ${problem.minimum}; nothing to draw on a log axis`,
    );
  const gap = (values: readonly number[]) => values.map((v) => Math.max(v - problem.minimum, E2_GAP_FLOOR * largest));
  const seeds = curves[0].perSeed.length;
  const label = problem.label.replace(/\^([\d.]+)/g, '<sup>$1</sup>'); // "|b−0.45|^1.5" → superscript
  const minimum = Number(problem.minimum.toPrecision(4));
  const figure = lineFigure({
    title:
      title ??
      `E2 · ${label}<br><sup>exact E f − min f (min f = ${minimum}); ` +
        `mean over ${seeds} seeds, band: min–max over seeds</sup>`,
    x: { title: 'training step (Adam)', integer: true },
    y: { title: 'E f − min f', log: true },
    series: curves.map((c): LineSeries => ({
      estimator: c.estimator,
      options: c.options,
      x: c.steps,
      y: gap(c.mean),
      band: { lower: gap(c.min), upper: gap(c.max) },
    })),
  });
  return { ...figure, layout: { ...figure.layout, margin: { ...(figure.layout.margin as object), t: 70 } } };
}

/** Hatch patterns for bars of one estimator family after the first (e.g. GR-MC10, then GR-MC100). */
const PATTERNS = ['/', 'x', '.', '\\', '+'] as const;

/**
 * E6: time relative to ST per estimator call (forward + backward) and per toy training step, as
 * grouped bars on a log axis with a dotted line at 1 (= ST). The row of ST itself is ST timed a
 * second time: its distance from 1 shows the timing noise. Repeated estimators (GR-MCK at two K)
 * are told apart by hatching.
 */
export function e6RatioFigure(r: E6Result, title = 'E6: cost relative to ST (wall time)'): Figure {
  const seen = new Map<string, number>();
  const series: BarSeries[] = r.rows.map((row) => {
    const n = seen.get(row.estimator) ?? 0;
    seen.set(row.estimator, n + 1);
    return {
      estimator: row.estimator,
      options: row.options,
      ...(row.estimator === 'st' && Object.keys(row.options).length === 0 ? { label: 'ST (timed again)' } : {}),
      ...(n > 0 ? { pattern: PATTERNS[(n - 1) % PATTERNS.length] } : {}),
      values: [row.callRatio, row.stepRatio],
    };
  });
  const figure = groupedBarFigure({
    title,
    categories: ['one call (sample + backward)', 'one toy training step'],
    x: { title: '' },
    y: { title: 'time relative to ST', log: true },
    series,
  });
  const one = {
    type: 'line',
    xref: 'paper',
    x0: 0,
    x1: 1,
    yref: 'y',
    y0: 1,
    y1: 1,
    line: { color: REFERENCE_COLOUR, width: 1.5, dash: 'dot' },
  };
  return { ...figure, layout: { ...figure.layout, shapes: [one] } };
}

/**
 * E6: GR-MCK's time per call against K on log–log axes, a slope-1 guide (linear cost) through the
 * largest K, and ST's (the reference of the ratios) and ZGR's time per call as horizontal lines.
 */
export function e6GrByKFigure(r: E6Result, options: { tau: number; title?: string }): Figure {
  const Ks = r.grByK.map((g) => g.K);
  const range: [number, number] = [Math.min(...Ks), Math.max(...Ks)];
  const last = r.grByK[r.grByK.length - 1];
  const flat = (name: string, label: string, ms: number | undefined): LineSeries[] =>
    ms == null ? [] : [{ estimator: name, label, dash: 'dash', mode: 'lines', x: range, y: [ms, ms] }];
  // ST's reference time (the rows' denominator): callMs / callRatio of any row
  const stMs = r.rows.length > 0 ? r.rows[0].callMs / r.rows[0].callRatio : undefined;
  const zgrMs = r.rows.find((q) => q.estimator === 'zgr')?.callMs;
  return lineFigure({
    title:
      options.title ??
      `E6: time per call of GR-MCK(τ=${options.tau}) against K (log–log slope ${r.grSlope.toFixed(2)})`,
    x: { title: 'number of perturbations K', log: true },
    y: { title: 'time per call', unit: 'ms', log: true },
    series: [
      { estimator: 'grMck', label: 'GR-MCK', mode: 'lines+markers', x: Ks, y: r.grByK.map((g) => g.callMs) },
      slopeGuide(1, [last.K, last.callMs], range, '∝ K (slope 1)'),
      ...flat('st', 'ST', stMs),
      ...flat('zgr', 'ZGR', zgrMs),
    ],
  });
}
