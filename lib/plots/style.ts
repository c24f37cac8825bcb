/**
 * Shared figure style: the one font, size, axes (titles with units, log scales where values span
 * decades, tick labels that read as numbers), marker symbols and dashes, and one colour and label
 * per estimator, taken from the estimator registry (estimatorStyle, lib/estimators/spec.ts) so
 * that ZGR has the same colour in every figure of the project.
 */
import type { EstimatorOptions } from '../estimators/registry';
import { resolveEstimator } from '../estimators/spec';
import type { Layout } from './types';

export { estimatorStyle, type EstimatorStyle } from '../estimators/spec';

/**
 * The fonts of every figure, in order of preference. Static exports (SVG) name the fonts and size
 * their legend boxes with the text as the exporting Chromium measured it in the first one it
 * has; a viewer that renders the text in a wider font overflows the box ("ZGR ≡ ReinMax(τ=" in a
 * box measured with a narrower font). DejaVu Sans comes first: the default sans-serif of most
 * Linux desktops and one of the widest common sans fonts, so where a viewer lacks it, the
 * fallbacks are narrower and the text still fits. The exporter must have it, then (in Chromium at
 * 13 px, "ZGR ≡ ReinMax(τ=1)" measures 139.5 px in DejaVu Sans and 122.2 px in Liberation Sans):
 * the image installs it (fonts-dejavu-core, Debian and Ubuntu alike; Debian's fontconfig does not
 * guarantee it, as fonts-liberation satisfies the same dependency). Liberation Sans is the
 * fallback every image also has (fonts-liberation, which Debian's chromium-common depends on);
 * Arial and Helvetica, its metric twins, are what Windows and macOS viewers have. exportFigure
 * warns when its Chromium lacks the first.
 */
export const FONT_FAMILIES = ['DejaVu Sans', 'Liberation Sans', 'Arial', 'Helvetica'] as const;

/** FONT_FAMILIES as CSS: names with spaces quoted, then the generic sans-serif. */
export const FONT_FAMILY = [...FONT_FAMILIES.map((f) => (f.includes(' ') ? `'${f}'` : f)), 'sans-serif'].join(', ');

export const FONT = { family: FONT_FAMILY, size: 13, color: '#222222' } as const;

/** Size of the static exports (px); the interactive page fills its window instead. */
export const FIGURE_SIZE = { width: 720, height: 440 } as const;

/** Colour of reference quantities that are not estimators (the exact gradient, a target). */
export const REFERENCE_COLOUR = '#333333';

/** Line dashes to tell apart members of one estimator family (same colour, e.g. K = 10, 100). */
export const DASHES = ['solid', 'dash', 'dot', 'dashdot', 'longdash', 'longdashdot'] as const;

/** Marker symbols, one per series of a figure, so that overlapping curves stay apart. */
export const SYMBOLS = [
  'circle',
  'square',
  'diamond',
  'triangle-up',
  'x',
  'triangle-down',
  'cross',
  'star',
  'pentagon',
  'hexagon',
  'triangle-left',
  'triangle-right',
] as const;

export interface AxisSpec {
  /** what is plotted, e.g. "temperature τ" */
  title: string;
  /** its unit, shown as "title (unit)"; omit for dimensionless quantities */
  unit?: string;
  /** log scale: true, false, or 'auto' (log when the values are positive and span ≥ 2 decades) */
  log?: boolean | 'auto';
  /** whole numbers only (epochs, steps): ticks at integers, never "1.5" */
  integer?: boolean;
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

// ------------------------------------------------------------------ ticks

/** Explicit ticks of an axis: where they are and what they say. */
export interface Ticks {
  tickmode: 'array';
  tickvals: number[];
  ticktext: string[];
  /** unlabelled short ticks between the labelled ones (log axes: the other digits 2 … 9) */
  minor?: { tickmode: 'array'; tickvals: number[]; ticks: 'outside'; ticklen: number; showgrid: false };
}

const SUPERSCRIPT_MINUS = '−'; // U+2212, as plotly writes exponents

/** 10^k exactly as a double (10 ** -3 is 0.0010000000000000002, 1 / 10 ** 3 is 0.001). */
const pow10 = (k: number) => (k >= 0 ? 10 ** k : 1 / 10 ** -k);

/** Exponents k of m·10^k written as plain decimals ("0.002", "5000"); outside, powers of ten. */
const PLAIN_EXPONENTS = [-3, 4] as const;

/**
 * A tick label for m·10^k (m a 1-2-5-like mantissa): a plain decimal ("0.02", "500"), or with
 * `power` (or k outside PLAIN_EXPONENTS) a power of ten ("10<sup>−6</sup>", "2×10<sup>−6</sup>").
 */
export function tickLabel(m: number, k: number, power = k < PLAIN_EXPONENTS[0] || k > PLAIN_EXPONENTS[1]): string {
  if (!power) return String(Number((m * pow10(k)).toPrecision(6)));
  const e = `10<sup>${k < 0 ? SUPERSCRIPT_MINUS : ''}${Math.abs(k)}</sup>`;
  return m === 1 ? e : `${m}×${e}`;
}

/** Mantissas of log-axis ticks, sparsest first: decades, then 1-2-5, then denser (short ranges). */
const LOG_MANTISSAS: readonly (readonly number[])[] = [[1], [1, 2, 5], [1, 2, 3, 5], [1, 1.5, 2, 3, 4, 5, 6, 7, 8]];

/** A "nice" step (1, 2 or 5 × 10^k) near `raw`. */
function niceStep(raw: number): number {
  const k = Math.floor(Math.log10(raw));
  const m = raw / pow10(k);
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * pow10(k);
}

/**
 * Ticks of a log axis showing `values` (non-positive values are ignored, as plotly does): every
 * label is a whole number (decades: "0.01", "1", "100", "10<sup>−6</sup>"), or 1-2-5 multiples of
 * them when the values span less than about two decades — never the bare minor digits
 * ("2 3 … 9") plotly's own log ticks put between decades. The sparsest mantissa set giving at
 * least 3 decades or 4 ticks is used; many decades are thinned to at most 8 labels; less than
 * a third of a decade gets evenly spaced values. Null when no value is positive.
 */
export function logTicks(values: readonly number[]): Ticks | null {
  const pos = values.filter((v) => Number.isFinite(v) && v > 0);
  if (pos.length === 0) return null;
  const lo = Math.log10(Math.min(...pos));
  const hi = Math.log10(Math.max(...pos));
  // plotly pads its autorange a little: ticks just outside the values may still show
  const pad = Math.max(0.05 * (hi - lo), 0.02);
  const [a, b] = [lo - pad, hi + pad];
  for (const mantissas of LOG_MANTISSAS) {
    const ticks: [number, number][] = [];
    for (let k = Math.floor(a) - 1; k <= Math.ceil(b); k++) {
      for (const m of mantissas) {
        const at = Math.log10(m) + k;
        if (at >= a && at <= b) ticks.push([m, k]);
      }
    }
    // decades: 3 labels are enough (with the digits between as minor ticks); 1-2-5 and denser: 4
    if (ticks.length < (mantissas.length === 1 ? 3 : 4)) continue;
    const every = mantissas.length === 1 ? Math.ceil(ticks.length / 8) : 1;
    const kept = ticks.filter(([, k]) => every === 1 || k % every === 0);
    // one style per axis: all plain decimals, or all powers of ten when any tick needs one
    const power = kept.some(([, k]) => k < PLAIN_EXPONENTS[0] || k > PLAIN_EXPONENTS[1]);
    const at = (m: number, k: number) => Number((m * pow10(k)).toPrecision(12));
    const major = new Set(kept.map(([m, k]) => at(m, k)));
    const minor: number[] = [];
    for (let k = Math.floor(a) - 1; k <= Math.ceil(b); k++) {
      for (let m = 1; m <= 9; m++)
        if (Math.log10(m) + k >= a && Math.log10(m) + k <= b && !major.has(at(m, k))) minor.push(at(m, k));
    }
    return {
      tickmode: 'array',
      tickvals: [...major],
      ticktext: kept.map(([m, k]) => tickLabel(m, k, power)),
      ...(every === 1
        ? { minor: { tickmode: 'array', tickvals: minor, ticks: 'outside', ticklen: 3, showgrid: false } }
        : {}),
    };
  }
  // about a third of a decade or less: evenly spaced nice values, labelled in full
  const [vLo, vHi] = [10 ** a, 10 ** b];
  const step = niceStep((vHi - vLo) / 4);
  const k = Math.floor(Math.log10(step));
  const vals: number[] = [];
  for (let v = Math.ceil(vLo / step) * step; v <= vHi; v += step) vals.push(Number(v.toPrecision(12)));
  return {
    tickmode: 'array',
    tickvals: vals,
    ticktext: vals.map((v) => tickLabel(Number((v / pow10(k)).toPrecision(12)), k)),
  };
}

/**
 * Ticks of an integer axis (epochs, steps): every integer when the values span at most 12, else
 * a nice whole step; labels without decimals.
 */
export function integerTicks(values: readonly number[]): Layout {
  const finite = values.filter((v) => Number.isFinite(v));
  const span = finite.length > 0 ? Math.max(...finite) - Math.min(...finite) : 0;
  const dtick = span <= 12 ? 1 : Math.max(1, Math.round(niceStep(span / 8)));
  return { tickmode: 'linear', tick0: 0, dtick, tickformat: 'd' };
}

/**
 * A plotly axis: titled (with unit), linear or log, light grid, framed. Given the values it will
 * show, a log axis gets explicit ticks (logTicks: decades or 1-2-5, no bare minor digits; short
 * unlabelled minor ticks at the other digits) and an integer axis whole-number ticks (integerTicks).
 */
export function axis(spec: AxisSpec, log = spec.log === true, values?: readonly number[]): Layout {
  const ticks = values == null ? null : log ? logTicks(values) : spec.integer ? integerTicks(values) : null;
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
    ...(ticks ?? {}),
  };
}

/** The layout every figure starts from: the one font, white background, legend, margins, title. */
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

/** '#rrggbb' with an alpha, as 'rgba(r,g,b,a)' (for bands). */
export function withAlpha(hex: string, alpha: number): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`withAlpha: colour must be #rrggbb, got ${JSON.stringify(hex)}`);
  return `rgba(${parseInt(m[1], 16)},${parseInt(m[2], 16)},${parseInt(m[3], 16)},${alpha})`;
}

/**
 * ReinMax at τ = 1 is ZGR sample by sample (π = (p + e_x)/2 makes 2 J(π)ᵀv − J(p)ᵀv/2 ZGR's
 * formula; README, test/estimators/reinmax.test.ts). A figure that would draw both draws one
 * series under this label.
 */
export const ZGR_REINMAX_LABEL = 'ZGR ≡ ReinMax(τ=1)';

/** True for ReinMax at τ = 1 (default options filled from the registry), the same estimator as ZGR. */
export function isReinmaxAtOne(name: string, options: EstimatorOptions = {}): boolean {
  return name === 'reinmax' && resolveEstimator({ name, options }).options.tau === 1;
}

/**
 * Drop the items of ReinMax(τ = 1) when ZGR is among them (it would draw on ZGR's curve), and say
 * which label ZGR's item takes: ZGR_REINMAX_LABEL where a ReinMax(τ=1) item was dropped, or where
 * `always` asks for it (a figure with other ReinMax temperatures, where a reader looks for τ = 1).
 */
export function mergeReinmaxIntoZgr<T>(
  items: readonly T[],
  spec: (t: T) => { name: string; options?: EstimatorOptions },
  always = false,
): { items: T[]; zgrLabel: string | null; dropped: T[] } {
  const hasZgr = items.some((t) => spec(t).name === 'zgr');
  const dropped = hasZgr ? items.filter((t) => isReinmaxAtOne(spec(t).name, spec(t).options)) : [];
  const kept = items.filter((t) => !dropped.includes(t));
  return { items: kept, zgrLabel: hasZgr && (dropped.length > 0 || always) ? ZGR_REINMAX_LABEL : null, dropped };
}
