/**
 * Shared figure style: fonts, size, axes (titles with units, log scales where values span
 * decades) and one colour and label per estimator, taken from the estimator registry so that ZGR
 * has the same colour in every figure of the project.
 */
import { ESTIMATORS, SCORE_ESTIMATORS, type EstimatorOptions } from '../estimators/registry';
import type { Layout } from './types';

export const FONT = { family: 'Helvetica, Arial, sans-serif', size: 13, color: '#222222' } as const;

/** Size of the static exports (px); the interactive page fills its window instead. */
export const FIGURE_SIZE = { width: 720, height: 440 } as const;

/** Colour of reference quantities that are not estimators (the exact gradient, a target). */
export const REFERENCE_COLOUR = '#333333';

/** Line dashes to tell apart members of one estimator family (same colour, e.g. K = 10, 100). */
export const DASHES = ['solid', 'dash', 'dot', 'dashdot', 'longdash', 'longdashdot'] as const;

export interface AxisSpec {
  /** what is plotted, e.g. "temperature τ" */
  title: string;
  /** its unit, shown as "title (unit)"; omit for dimensionless quantities */
  unit?: string;
  /** log scale: true, false, or 'auto' (log when the values are positive and span ≥ 2 decades) */
  log?: boolean | 'auto';
}

/** True when all values are positive and max / min ≥ 10^decades. */
export function spansDecades(values: readonly number[], decades = 2): boolean {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0 || finite.some((v) => v <= 0)) return false;
  return Math.log10(Math.max(...finite) / Math.min(...finite)) >= decades;
}

/** Resolve an axis's log option against the values it will show. */
export function useLog(spec: AxisSpec, values: readonly number[]): boolean {
  return spec.log === 'auto' ? spansDecades(values) : spec.log === true;
}

/** A plotly axis: titled (with unit), linear or log (powers of ten), light grid, framed. */
export function axis(spec: AxisSpec, log = spec.log === true): Layout {
  return {
    title: { text: spec.unit ? `${spec.title} (${spec.unit})` : spec.title },
    type: log ? 'log' : 'linear',
    exponentformat: 'power',
    showline: true,
    mirror: true,
    linecolor: '#444444',
    ticks: 'outside',
    gridcolor: '#e8e8e8',
    zeroline: !log,
    zerolinecolor: '#bbbbbb',
    automargin: true,
  };
}

/** The layout every figure starts from: font, white background, legend, margins, title. */
export function baseLayout(title?: string): Layout {
  return {
    ...(title ? { title: { text: title, x: 0.02, xanchor: 'left', font: { size: 15 } } } : {}),
    font: { ...FONT },
    paper_bgcolor: '#ffffff',
    plot_bgcolor: '#ffffff',
    margin: { l: 70, r: 20, t: title ? 50 : 20, b: 60 },
    legend: { bgcolor: 'rgba(255,255,255,0.8)', bordercolor: '#dddddd', borderwidth: 1 },
    hovermode: 'closest',
  };
}

/** Colour and legend label of an estimator (categorical or score-function) by registry name. */
export function estimatorStyle(name: string, options?: EstimatorOptions): { colour: string; label: string } {
  const row = [...ESTIMATORS, ...SCORE_ESTIMATORS].find((r) => r.name === name);
  if (!row) {
    const known = [...ESTIMATORS, ...SCORE_ESTIMATORS].map((r) => r.name).join(', ');
    throw new Error(`estimatorStyle: unknown estimator ${JSON.stringify(name)} (known: ${known})`);
  }
  return { colour: row.colour, label: (row.label as (o?: EstimatorOptions) => string)(options) };
}

/** '#rrggbb' with an alpha, as 'rgba(r,g,b,a)' (for bands). */
export function withAlpha(hex: string, alpha: number): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`withAlpha: colour must be #rrggbb, got ${JSON.stringify(hex)}`);
  return `rgba(${parseInt(m[1], 16)},${parseInt(m[2], 16)},${parseInt(m[3], 16)},${alpha})`;
}
