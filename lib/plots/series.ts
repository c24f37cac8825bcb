/**
 * How a series names itself: by estimator (registry colour and label) or by an explicit label
 * and colour (references such as the exact gradient). Shared by the figure builders.
 */
import type { EstimatorOptions } from '../estimators/registry';
import { estimatorStyle, REFERENCE_COLOUR } from './style';

export interface SeriesStyle {
  /** registry name of the estimator ('zgr', 'st', …): colour and label come from the registry */
  estimator?: string;
  /** the estimator's options, for its label (e.g. { tau: 0.5 }) */
  options?: EstimatorOptions;
  /** legend label; default the estimator's label (required without an estimator) */
  label?: string;
  /** '#rrggbb'; default the estimator's colour, or REFERENCE_COLOUR */
  colour?: string;
}

/** The label and colour a series is drawn with. */
export function resolveStyle(where: string, s: SeriesStyle): { label: string; colour: string } {
  if (s.estimator != null) {
    const style = estimatorStyle({ name: s.estimator, options: s.options });
    return { label: s.label ?? style.label, colour: s.colour ?? style.colour };
  }
  if (s.label == null) throw new Error(`${where}: a series needs an estimator name or a label`);
  return { label: s.label, colour: s.colour ?? REFERENCE_COLOUR };
}

/** Throw, naming the series, unless `values` are `n` finite numbers. */
export function checkValues(where: string, label: string, what: string, values: readonly number[], n: number): void {
  if (values.length !== n)
    throw new Error(`${where}: series ${JSON.stringify(label)}: ${what} has ${values.length} values, expected ${n}`);
  const bad = values.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
  if (bad >= 0)
    throw new Error(
      `${where}: series ${JSON.stringify(label)}: ${what}[${bad}] is ${values[bad]}, not a finite number`,
    );
}

/**
 * Error bars of a series: half-widths of an interval around each value (e.g. 2 standard errors),
 * the same below and above (an array), or different ones ({ minus, plus }: an asymmetric interval
 * such as a quantile range). Lengths match the series.
 */
export type ErrorBars = readonly number[] | { readonly minus: readonly number[]; readonly plus: readonly number[] };

/** Half-widths of ± k·se, for `ErrorBars`. */
export function standardErrorBars(se: readonly number[], k = 2): number[] {
  return se.map((s) => k * s);
}

/** Error bars reaching from each value to [lower, upper] (an interval given by its ends). */
export function intervalBars(
  values: readonly number[],
  lower: readonly number[],
  upper: readonly number[],
): { minus: number[]; plus: number[] } {
  return { minus: values.map((v, i) => v - lower[i]), plus: values.map((v, i) => upper[i] - v) };
}

/** { minus, plus } of error bars, checked: `n` finite non-negative numbers each. */
export function resolveErrorBars(
  where: string,
  label: string,
  what: string,
  bars: ErrorBars,
  n: number,
): { minus: number[]; plus: number[] } {
  const { minus, plus } = Array.isArray(bars)
    ? { minus: bars as readonly number[], plus: bars as readonly number[] }
    : (bars as { minus: readonly number[]; plus: readonly number[] });
  for (const [side, values] of [
    ['minus', minus],
    ['plus', plus],
  ] as const) {
    checkValues(where, label, `${what}.${side}`, values, n);
    const bad = values.findIndex((v) => v < 0);
    if (bad >= 0) {
      const entry = `${what}.${side}[${bad}]`;
      throw new Error(
        `${where}: series ${JSON.stringify(label)}: ${entry} is ${values[bad]}, a half-width must be >= 0`,
      );
    }
  }
  return { minus: [...minus], plus: [...plus] };
}

/** The plotly error-bar object (error_y / error_x) of resolved bars, in the series' colour. */
export function plotlyErrorBars(bars: { minus: number[]; plus: number[] }, colour: string): Record<string, unknown> {
  return {
    type: 'data',
    symmetric: false,
    array: bars.plus,
    arrayminus: bars.minus,
    visible: true,
    color: colour,
    thickness: 1.5,
    width: 4,
  };
}
