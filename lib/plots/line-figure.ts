/**
 * The generic line figure: y against x for several series, each optionally with a band (the
 * spread over seeds: min–max, quantiles), error bars on its points (± k standard errors of an
 * estimate) and a label on each point (the τ or a of a family drawn against other quantities).
 * Estimator series take their registry colour; every series its own marker symbol, so curves that
 * overlap stay apart, and a series that coincides with an earlier one says so in its legend entry.
 * Axes are titled with units, switch to log scale where asked or where the values span decades,
 * and label log ticks as numbers (decades or 1-2-5, never bare minor digits) and integer axes
 * (epochs, steps) with whole numbers.
 */
import {
  checkValues,
  plotlyErrorBars,
  resolveErrorBars,
  resolveStyle,
  type ErrorBars,
  type SeriesStyle,
} from './series';
import { axis, baseLayout, SYMBOLS, useLog, withAlpha, type AxisSpec } from './style';
import type { Figure, Trace } from './types';

export interface LineSeries extends SeriesStyle {
  x: readonly number[];
  y: readonly number[];
  /** a band drawn around the line, same length as x: the spread over seeds (min–max, quantiles) */
  band?: { lower: readonly number[]; upper: readonly number[] };
  /** error bars on y: half-widths (e.g. 2 standard errors of each estimate), same length as x */
  yError?: ErrorBars;
  /** error bars on x, likewise (e.g. the standard error of an estimated standard deviation) */
  xError?: ErrorBars;
  /** a label of each point, e.g. "τ=0.5" for a family indexed by a parameter not on an axis ('' for none) */
  pointLabels?: readonly string[];
  /** draw the point labels beside the points (default true); false: in the hover only */
  showPointLabels?: boolean;
  dash?: string;
  /** marker symbol; default one per series (SYMBOLS, in series order) */
  symbol?: string;
  /** default 'lines+markers' for estimators, 'lines' for references (guides, levels) */
  mode?: 'lines' | 'markers' | 'lines+markers';
}

export interface LineFigureSpec {
  title?: string;
  x: AxisSpec;
  y: AxisSpec;
  series: readonly LineSeries[];
}

/** Series with more points than this show markers at only about this many of them (plotly maxdisplayed). */
const MAX_MARKERS = 16;

/**
 * Whether series b lies on series a everywhere: same x, and every y within half a percent of the
 * y axis's span (in decades on a log axis) — two curves a reader cannot tell apart.
 */
function coincides(a: LineSeries, b: LineSeries, yLog: boolean, ySpan: number): boolean {
  if (a.x.length !== b.x.length || a.x.length === 0) return false;
  if (a.x.some((x, i) => Math.abs(x - b.x[i]) > 1e-9 * Math.max(1, Math.abs(x)))) return false;
  const t = (v: number) => (yLog ? Math.log10(v) : v);
  return a.y.every((y, i) => Math.abs(t(y) - t(b.y[i])) <= 0.005 * ySpan);
}

/** Point labels alternate above and below their points, so that labels of close points do not run together. */
function labelPositions(labels: readonly string[]): string[] {
  let k = 0;
  return labels.map((l) => (l === '' ? 'top right' : k++ % 2 === 0 ? 'top right' : 'bottom right'));
}

/** A plotly spec of lines (bands, error bars, point labels) — pure: no sampling, no training, no I/O. */
export function lineFigure(spec: LineFigureSpec): Figure {
  if (spec.series.length === 0) throw new Error('lineFigure: no series');
  const styles = spec.series.map((s) => resolveStyle('lineFigure', s));
  const bars = spec.series.map((s, i) => {
    const n = s.x.length;
    const label = styles[i].label;
    checkValues('lineFigure', label, 'x', s.x, n);
    checkValues('lineFigure', label, 'y', s.y, n);
    if (s.band) {
      checkValues('lineFigure', label, 'band.lower', s.band.lower, n);
      checkValues('lineFigure', label, 'band.upper', s.band.upper, n);
    }
    if (s.pointLabels && s.pointLabels.length !== n)
      throw new Error(
        `lineFigure: series ${JSON.stringify(label)}: pointLabels has ${s.pointLabels.length} labels, expected ${n}`,
      );
    return {
      y: s.yError ? resolveErrorBars('lineFigure', label, 'yError', s.yError, n) : null,
      x: s.xError ? resolveErrorBars('lineFigure', label, 'xError', s.xError, n) : null,
    };
  });
  const xs = spec.series.flatMap((s) => [...s.x]);
  const ys = spec.series.flatMap((s) => [...s.y, ...(s.band ? [...s.band.lower, ...s.band.upper] : [])]);
  const xLog = useLog(spec.x, xs);
  const yLog = useLog(spec.y, ys);
  for (const [log, values, name] of [
    [xLog, xs, 'x'],
    [yLog, ys, 'y'],
  ] as const) {
    // plotly silently drops non-positive points on a log axis: say so instead
    if (log && values.some((v) => v <= 0))
      throw new Error(`lineFigure: the ${name} axis is log-scale but some ${name} values (or band limits) are <= 0`);
  }
  // what the axes must show, error bars included (on a log axis a bar reaching 0 runs to the edge)
  const reach = (values: readonly number[], b: { minus: number[]; plus: number[] } | null) =>
    b == null ? [] : values.flatMap((v, i) => [v - b.minus[i], v + b.plus[i]]);
  const xShown = [...xs, ...spec.series.flatMap((s, i) => reach(s.x, bars[i].x))];
  const yShown = [...ys, ...spec.series.flatMap((s, i) => reach(s.y, bars[i].y))];

  const t = (v: number) => (yLog ? Math.log10(v) : v);
  const ySpan = Math.max(...ys.map(t)) - Math.min(...ys.map(t));
  const notes = spec.series.map((s, j) => {
    const i = spec.series.findIndex((a, k) => k < j && coincides(a, s, yLog, ySpan));
    return i >= 0 ? ` (coincides with ${styles[i].label})` : '';
  });

  const data: Trace[] = [];
  spec.series.forEach((s, i) => {
    const { label, colour } = styles[i];
    const group = `s${i}`;
    if (s.band) {
      // lower edge first (invisible), then the upper edge filled down to it
      data.push({
        type: 'scatter',
        mode: 'lines',
        x: [...s.x],
        y: [...s.band.lower],
        line: { width: 0, color: colour },
        legendgroup: group,
        showlegend: false,
        hoverinfo: 'skip',
        name: `${label} band`,
      });
      data.push({
        type: 'scatter',
        mode: 'lines',
        x: [...s.x],
        y: [...s.band.upper],
        line: { width: 0, color: colour },
        fill: 'tonexty',
        fillcolor: withAlpha(colour, 0.18),
        legendgroup: group,
        showlegend: false,
        hoverinfo: 'skip',
        name: `${label} band`,
      });
    }
    const mode = s.mode ?? (s.estimator != null ? 'lines+markers' : 'lines');
    // a coinciding series is drawn dotted over the one it covers, so both stay visible
    const dash = s.dash ?? (notes[i] ? 'dot' : 'solid');
    data.push({
      type: 'scatter',
      mode: s.pointLabels && s.showPointLabels !== false ? `${mode}+text` : mode,
      name: label + notes[i],
      x: [...s.x],
      y: [...s.y],
      line: { color: colour, width: 2, dash },
      marker: {
        color: colour,
        size: notes[i] ? 9 : 7,
        symbol: s.symbol ?? SYMBOLS[i % SYMBOLS.length],
        ...(s.x.length > MAX_MARKERS ? { maxdisplayed: MAX_MARKERS } : {}),
      },
      ...(s.pointLabels
        ? {
            text: [...s.pointLabels],
            textposition: labelPositions(s.pointLabels),
            textfont: { size: 10, color: colour },
            cliponaxis: false,
          }
        : {}),
      ...(bars[i].y ? { error_y: plotlyErrorBars(bars[i].y!, colour) } : {}),
      ...(bars[i].x ? { error_x: plotlyErrorBars(bars[i].x!, colour) } : {}),
      legendgroup: group,
    });
  });

  return {
    data,
    layout: { ...baseLayout(spec.title), xaxis: axis(spec.x, xLog, xShown), yaxis: axis(spec.y, yLog, yShown) },
  };
}
