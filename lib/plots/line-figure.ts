/**
 * The generic line figure: y against x for several series, each optionally with a band (±k
 * standard errors, min–max over seeds…). Estimator series take their registry colour; axes are
 * titled with units and switch to log scale where asked or where the values span decades.
 */
import { checkValues, resolveStyle, type SeriesStyle } from './series';
import { axis, baseLayout, useLog, withAlpha, type AxisSpec } from './style';
import type { Figure, Trace } from './types';

export interface LineSeries extends SeriesStyle {
  x: readonly number[];
  y: readonly number[];
  /** a band drawn around the line, same length as x */
  band?: { lower: readonly number[]; upper: readonly number[] };
  dash?: string;
  mode?: 'lines' | 'markers' | 'lines+markers';
}

export interface LineFigureSpec {
  title?: string;
  x: AxisSpec;
  y: AxisSpec;
  series: readonly LineSeries[];
}

/** A plotly spec of lines (and bands) — pure: no sampling, no training, no I/O. */
export function lineFigure(spec: LineFigureSpec): Figure {
  if (spec.series.length === 0) throw new Error('lineFigure: no series');
  const styles = spec.series.map((s) => resolveStyle('lineFigure', s));
  spec.series.forEach((s, i) => {
    const n = s.x.length;
    checkValues('lineFigure', styles[i].label, 'x', s.x, n);
    checkValues('lineFigure', styles[i].label, 'y', s.y, n);
    if (s.band) {
      checkValues('lineFigure', styles[i].label, 'band.lower', s.band.lower, n);
      checkValues('lineFigure', styles[i].label, 'band.upper', s.band.upper, n);
    }
  });
  const xs = spec.series.flatMap((s) => [...s.x]);
  const ys = spec.series.flatMap((s) => [...s.y, ...(s.band ? [...s.band.lower, ...s.band.upper] : [])]);
  const xLog = useLog(spec.x, xs);
  const yLog = useLog(spec.y, ys);
  for (const [log, values, name] of [[xLog, xs, 'x'], [yLog, ys, 'y']] as const) {
    // plotly silently drops non-positive points on a log axis: say so instead
    if (log && values.some((v) => v <= 0)) throw new Error(`lineFigure: the ${name} axis is log-scale but some ${name} values (or band limits) are <= 0`);
  }

  const data: Trace[] = [];
  spec.series.forEach((s, i) => {
    const { label, colour } = styles[i];
    const group = `s${i}`;
    if (s.band) {
      // lower edge first (invisible), then the upper edge filled down to it
      data.push({ type: 'scatter', mode: 'lines', x: [...s.x], y: [...s.band.lower], line: { width: 0, color: colour }, legendgroup: group, showlegend: false, hoverinfo: 'skip', name: `${label} band` });
      data.push({ type: 'scatter', mode: 'lines', x: [...s.x], y: [...s.band.upper], line: { width: 0, color: colour }, fill: 'tonexty', fillcolor: withAlpha(colour, 0.18), legendgroup: group, showlegend: false, hoverinfo: 'skip', name: `${label} band` });
    }
    data.push({ type: 'scatter', mode: s.mode ?? 'lines', name: label, x: [...s.x], y: [...s.y], line: { color: colour, width: 2, dash: s.dash ?? 'solid' }, marker: { color: colour, size: 6 }, legendgroup: group });
  });

  return { data, layout: { ...baseLayout(spec.title), xaxis: axis(spec.x, xLog), yaxis: axis(spec.y, yLog) } };
}
