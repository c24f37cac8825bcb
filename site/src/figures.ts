/**
 * Plotly specs of the three panels, built by the project's own figure builders from the package
 * entry (groupedBarFigure, biasVarianceFigure, lineFigure: the figures of the notebooks), so the
 * page draws in the one figure style: the package's FONT, one colour and label per estimator
 * (estimatorStyle), REFERENCE_COLOUR for references, log ticks without bare minor digits.
 */
import {
  axis,
  baseLayout,
  biasVarianceFigure,
  groupedBarFigure,
  intervalBars,
  isReinmaxAtOne,
  lineFigure,
  REFERENCE_COLOUR,
  withAlpha,
  type EstimatorPoint,
  type Figure,
  type LineSeries,
} from '../../lib/package';
import type { ChosenPoint, PanelA } from './compute';

export type { Figure } from '../../lib/package';

/**
 * Panel (a): grouped bars, the exact gradient (hatched, reference colour) beside each estimator's mean
 * (95% intervals on Monte Carlo means).
 */
export function meansFigure(a: PanelA, title: string): Figure {
  return groupedBarFigure({
    title,
    categories: a.gradient.map((_g, j) => `j = ${j + 1}`),
    x: { title: 'category j' },
    y: { title: '∂L/∂η<sub>j</sub> and E[g<sub>j</sub>]' },
    series: [
      { label: 'exact ∂L/∂η', colour: REFERENCE_COLOUR, values: a.gradient, pattern: '/' },
      ...a.rows.map((r) =>
        r.method === 'exact'
          ? { label: r.label, colour: r.colour, values: r.mean }
          : {
              label: `${r.label} (MC, 95%)`,
              colour: r.colour,
              values: r.mean,
              error: intervalBars(r.mean, r.low, r.high),
            },
      ),
    ],
  });
}

/** the families biasVarianceFigure draws (ST(t) and the means of M are in the notebook's tables) */
const ON_PLANE: readonly string[] = ['ST-ZGR(a)', 'GR-MCK(τ)', 'ReinMax(τ)', 'point'];
const drawable = (q: { quality: { scaleFreeBias: unknown; scaleFreeStd: unknown } }) =>
  q.quality.scaleFreeBias != null && q.quality.scaleFreeStd != null;

/**
 * Panel (b): C7's bias–variance plane as notebook 03 draws it (biasVarianceFigure): scale-free std
 * σ (log) against scale-free bias β = tan∠(E g, ∇), intervals on Monte Carlo points; curves for
 * ST-ZGR(a), GR-MCK(τ) per K and ReinMax(τ ≥ 1); points for DARN and RLOO(M); the chosen
 * estimators as points of their own ("▶ label"), drawn as large outlined stars. Lower left is better.
 * Not drawn, and listed: estimators whose mean points away from ∇ (`notDrawn`: β and σ undefined)
 * and those without noise (`noNoise`: σ = 0, e.g. ST on a linear f, off the log axis).
 */
export function planeFigure(
  points: readonly EstimatorPoint[],
  chosen: readonly ChosenPoint[],
  title: string,
): { figure: Figure; notDrawn: string[]; noNoise: string[] } {
  const stars: EstimatorPoint[] = chosen.map((c) => ({
    name: c.name,
    options: c.options,
    label: `▶ ${c.label}`,
    family: 'point',
    param: null,
    cost: c.cost,
    quality: c.quality,
  }));
  const all = [...points, ...stars].filter((p) => ON_PLANE.includes(p.family));
  const silent = all.filter((p) => drawable(p) && !(p.quality.scaleFreeStd!.estimate > 0));
  const shown = all.filter((p) => !silent.includes(p));
  const notDrawn = all.filter((p) => !drawable(p)).map((p) => p.label);
  const noNoise = silent.map((p) => p.label);
  if (!shown.some(drawable)) {
    // nothing to draw (a zero gradient, or no mean along ∇): the empty plane
    const layout = {
      ...baseLayout(title),
      xaxis: axis({ title: 'scale-free std σ', log: true }),
      yaxis: axis({ title: 'scale-free bias β' }),
    };
    return { figure: { data: [], layout }, notDrawn, noNoise };
  }
  const figure = biasVarianceFigure(shown, title);
  // the stars are the last traces (biasVarianceFigure draws the points last, in order); their
  // names stay "▶ label" (a chosen DARN or RLOO(M) is exact, so it lies on the family's point).
  // Stars shrink in drawing order, so that coinciding ones (ZGR and RLOO on a quadratic) nest
  // instead of hiding each other.
  const drawn = stars.filter((p) => drawable(p) && shown.includes(p));
  const first = figure.data.length - drawn.length;
  const starSize = (k: number) => Math.max(9, 22 - 2 * k);
  const data = figure.data.map((t, i) =>
    i < first
      ? fewLabels(t, figure.data)
      : {
          ...t,
          name: drawn[i - first].label,
          hovertext: drawn[i - first].label,
          marker: {
            ...(t.marker as object),
            symbol: 'star',
            size: starSize(i - first),
            line: { color: '#111111', width: 1.5 },
          },
          legendgroup: 'chosen',
        },
  );
  return { figure: { data, layout: figure.layout }, notDrawn, noNoise };
}

/** Share of the plane's top β below which point labels are left to hover: the crowded corner near β = 0. */
const CROWDED_BETA = 0.3;

/**
 * A curve's point labels (τ=…, a=…) only away from the crowded bottom of the plane; every label
 * stays in the hover text.
 */
function fewLabels(trace: Record<string, unknown>, all: readonly Record<string, unknown>[]): Record<string, unknown> {
  const { text, y } = trace;
  if (!Array.isArray(text) || !Array.isArray(y)) return trace;
  const top = Math.max(
    0,
    ...all.flatMap((t) =>
      Array.isArray(t.y)
        ? (t.y as unknown[]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v))
        : [],
    ),
  );
  return {
    ...trace,
    hovertext: text,
    text: text.map((label, i) => (typeof y[i] === 'number' && y[i] >= CROWDED_BETA * top ? label : '')),
  };
}

export interface Curve {
  name: string;
  options: Record<string, number>;
  label: string;
  colour: string;
  steps: number[];
  objective: number[];
}

/** Panel (c): the exact E f along each estimator's optimisation, and min f as a dashed reference. */
export function optimisationFigure(curves: readonly Curve[], minimum: number, start: number, title: string): Figure {
  const last = Math.max(1, ...curves.map((c) => c.steps[c.steps.length - 1] ?? 0));
  const series: LineSeries[] = curves.map((c) => {
    // a run that diverged (non-finite E f) is drawn up to where it left the reals
    const end = c.objective.findIndex((v) => !Number.isFinite(v));
    const n = end < 0 ? c.objective.length : end;
    return {
      label: c.label,
      colour: c.colour,
      x: c.steps.slice(0, n),
      y: c.objective.slice(0, n),
      mode: 'lines',
      dash: isReinmaxAtOne(c.name, c.options) ? 'dot' : 'solid',
    };
  });
  const figure = lineFigure({
    title,
    x: { title: 'step', integer: true },
    y: { title: 'exact E f' },
    series: [
      ...series,
      { label: 'min f (best outcome)', colour: REFERENCE_COLOUR, x: [0, last], y: [minimum, minimum], dash: 'dash' },
      {
        label: 'E f at the start',
        colour: withAlpha(REFERENCE_COLOUR, 0.35),
        x: [0, last],
        y: [start, start],
        dash: 'dot',
      },
    ],
  });
  // every run starts at the same point: name the curves by their estimator alone, not "coincides with"
  return {
    data: figure.data.map((t, i) => (i < curves.length ? { ...t, name: curves[i].label } : t)),
    layout: figure.layout,
  };
}
