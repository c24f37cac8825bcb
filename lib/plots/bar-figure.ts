/**
 * The generic grouped bar figure: one group of bars per category (e.g. the components j of a
 * gradient), one bar per series (estimators in their registry colours, references in grey),
 * optional error bars.
 */
import {
  checkValues,
  plotlyErrorBars,
  resolveErrorBars,
  resolveStyle,
  type ErrorBars,
  type SeriesStyle,
} from './series';
import { axis, baseLayout, type AxisSpec } from './style';
import type { Figure, Trace } from './types';

export interface BarSeries extends SeriesStyle {
  values: readonly number[];
  /** error bars: half-widths (e.g. 2 standard errors), or { minus, plus }; same length as values */
  error?: ErrorBars;
  /** a hatch pattern ('/', 'x', …) to set a reference apart from the estimators */
  pattern?: string;
}

export interface BarFigureSpec {
  title?: string;
  /** the category of each value, e.g. ["j = 1", "j = 2", …] */
  categories: readonly string[];
  x: AxisSpec;
  y: AxisSpec;
  series: readonly BarSeries[];
}

/** A plotly spec of grouped bars — pure: no sampling, no I/O. */
export function groupedBarFigure(spec: BarFigureSpec): Figure {
  if (spec.series.length === 0) throw new Error('groupedBarFigure: no series');
  const n = spec.categories.length;
  const data: Trace[] = spec.series.map((s) => {
    const { label, colour } = resolveStyle('groupedBarFigure', s);
    checkValues('groupedBarFigure', label, 'values', s.values, n);
    const bars = s.error ? resolveErrorBars('groupedBarFigure', label, 'error', s.error, n) : null;
    return {
      type: 'bar',
      name: label,
      x: [...spec.categories],
      y: [...s.values],
      marker: {
        color: colour,
        line: { color: '#222222', width: 0.5 },
        ...(s.pattern
          ? { pattern: { shape: s.pattern, fillmode: 'overlay', fgcolor: '#ffffff', fgopacity: 0.7 } }
          : {}),
      },
      ...(bars ? { error_y: plotlyErrorBars(bars, '#222222') } : {}),
    };
  });
  const values = spec.series.flatMap((s) => [...s.values]);
  const layout = {
    ...baseLayout(spec.title),
    barmode: 'group',
    bargap: 0.2,
    xaxis: { ...axis(spec.x, false), type: 'category' },
    yaxis: axis(spec.y, spec.y.log === true, values),
  };
  return { data, layout };
}
