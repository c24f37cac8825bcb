/**
 * Checks of the shared figure style, for the builder tests and for the committed figures
 * (test/figures.test.ts): the one font family; log axes labelled with numbers (decades or 1-2-5,
 * never the bare minor digits "2 … 9" between decades); integer axes with whole-number ticks;
 * error bars that are arrays of the series' length. Each returns the problems found, so a failure
 * lists them all.
 */
import { FONT_FAMILY } from '../../lib/plots/style';
import type { Figure } from '../../lib/plots/types';

/** The number a tick label says: "0.02", "500", "10<sup>−3</sup>", "2×10<sup>−6</sup>"; NaN otherwise. */
export function tickLabelValue(label: string): number {
  const power = /^(?:([\d.]+)×)?10<sup>(−?)(\d+)<\/sup>$/.exec(label);
  if (power) return Number(power[1] ?? 1) * 10 ** ((power[2] ? -1 : 1) * Number(power[3]));
  return /^-?[\d.]+$/.test(label) ? Number(label) : NaN;
}

/** Mantissas a log tick may have (decades, 1-2-5 and, on short ranges, the digits and 1.5). */
const MANTISSAS = [1, 1.5, 2, 3, 4, 5, 6, 7, 8, 9];

type Axis = {
  type?: string;
  tickmode?: string;
  tickvals?: number[];
  ticktext?: string[];
  dtick?: unknown;
  tickformat?: string;
};

/** The axes of a layout: xaxis, yaxis, xaxis2, … */
function axes(figure: Figure): [string, Axis][] {
  return Object.entries(figure.layout).filter(([k]) => /^[xy]axis\d*$/.test(k)) as [string, Axis][];
}

/**
 * Every log axis has explicit ticks whose labels state their values in full, with a 1-2-5-like
 * mantissa; on an axis spanning 3 or more decades, only decades are labelled.
 */
export function logAxisProblems(figure: Figure): string[] {
  const problems: string[] = [];
  for (const [name, a] of axes(figure)) {
    if (a.type !== 'log') continue;
    if (a.tickmode !== 'array' || !Array.isArray(a.tickvals) || !Array.isArray(a.ticktext)) {
      problems.push(`${name}: a log axis without explicit ticks (plotly's own log ticks label minor digits "2 … 9")`);
      continue;
    }
    if (a.tickvals.length !== a.ticktext.length || a.tickvals.length < 2)
      problems.push(`${name}: ${a.tickvals.length} tick values, ${a.ticktext.length} labels`);
    const decades = Math.log10(Math.max(...a.tickvals) / Math.min(...a.tickvals));
    a.tickvals.forEach((v, i) => {
      const said = tickLabelValue(a.ticktext![i] ?? '');
      if (!(Math.abs(said - v) <= 1e-9 * Math.abs(v)))
        problems.push(`${name}: tick at ${v} is labelled ${JSON.stringify(a.ticktext![i])}, which reads ${said}`);
      // (under half a decade the ticks are evenly spaced values instead, e.g. 0.205, 0.21)
      const mantissa = Number((v / 10 ** Math.floor(Math.log10(v) + 1e-12)).toPrecision(6));
      if (decades >= 0.5 && !MANTISSAS.includes(mantissa))
        problems.push(`${name}: tick at ${v} has mantissa ${mantissa}`);
    });
    const notDecade = a.tickvals.filter((v) => Math.abs(Math.log10(v) - Math.round(Math.log10(v))) > 1e-9);
    if (decades >= 3 && notDecade.length > 0)
      problems.push(`${name}: spans ${decades.toFixed(1)} decades but labels ${notDecade.join(', ')} between them`);
  }
  return problems;
}

/** The figure uses the shared font family (layout, and any legend or title font that names one). */
export function fontProblems(figure: Figure): string[] {
  const problems: string[] = [];
  const family = (figure.layout.font as { family?: string } | undefined)?.family;
  if (family !== FONT_FAMILY)
    problems.push(
      `layout.font.family is ${JSON.stringify(family)}, expected the shared ${JSON.stringify(FONT_FAMILY)}`,
    );
  for (const key of ['legend', 'title']) {
    const f = (figure.layout[key] as { font?: { family?: string } } | undefined)?.font?.family;
    if (f != null && f !== FONT_FAMILY) problems.push(`layout.${key}.font.family is ${JSON.stringify(f)}`);
  }
  return problems;
}

/** Error bars are data arrays as long as their trace, with non-negative half-widths. */
export function errorBarProblems(figure: Figure): string[] {
  const problems: string[] = [];
  for (const t of figure.data) {
    for (const key of ['error_y', 'error_x'] as const) {
      const e = t[key] as { type?: string; array?: number[]; arrayminus?: number[] } | undefined;
      if (e == null) continue;
      const n = ((key === 'error_y' ? t.y : t.x) as unknown[] | undefined)?.length;
      for (const side of ['array', 'arrayminus'] as const) {
        const a = e[side];
        if (!Array.isArray(a) || a.length !== n || a.some((v) => !(v >= 0)))
          problems.push(`${t.name}: ${key}.${side} must be ${n} half-widths >= 0, got ${JSON.stringify(a)}`);
      }
    }
  }
  return problems;
}

/** An axis marked integer (epochs, steps) has whole-number ticks. */
export function integerAxisProblems(figure: Figure, name: 'xaxis' | 'yaxis'): string[] {
  const a = figure.layout[name] as Axis;
  const ok = a.tickformat === 'd' && Number.isInteger(a.dtick) && (a.dtick as number) >= 1;
  return ok
    ? []
    : [
        `${name}: integer ticks expected (tickformat 'd', whole dtick), got tickformat ` +
          `${JSON.stringify(a.tickformat)}, dtick ${JSON.stringify(a.dtick)}`,
      ];
}

/** All shared-style problems of a figure. */
export function styleProblems(figure: Figure): string[] {
  return [...fontProblems(figure), ...logAxisProblems(figure), ...errorBarProblems(figure)];
}
