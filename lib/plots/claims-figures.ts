/**
 * Figures of the claim notebooks: 02 (C3 biases, C4 relaxed bias) and 03 (C1 deviation, the cost
 * of cold GR). Pure builders — result records of lib/checks and lib/experiments in, a plotly spec
 * out (no sampling, no I/O) — on top of lineFigure and groupedBarFigure, so colours come from the
 * estimator registry: GR-MCK's family in its colour (K told apart by dashes), GR-MC1 = ST-GS in
 * ST-GS's, ZGR's and ST's exact references in theirs. Monte Carlo estimates carry ±2 standard
 * error bars; families drawn against other quantities label their points with τ or a.
 */
import type { C1Result } from '../checks/c1-zero-temperature-limit';
import type { C4Result } from '../checks/c4-linear';
import type { ColdGrResult } from '../experiments/cold-gr';
import { groupedBarFigure } from './bar-figure';
import { lineFigure, type LineSeries } from './line-figure';
import { standardErrorBars } from './series';
import { DASHES, REFERENCE_COLOUR } from './style';
import type { Figure } from './types';

/** One case of a temperature sweep: a legend label and the check's result. */
export interface SweepCase<R> {
  label: string;
  result: R;
}

/**
 * A reference line y ∝ x^slope through the point (x0, y0), spanning [xMin, xMax]: a guide to
 * read a log–log slope against (a straight line on log–log axes).
 */
export function slopeGuide(
  slope: number,
  through: [number, number],
  xRange: [number, number],
  label: string,
): LineSeries {
  const [x0, y0] = through;
  const xs = [Math.min(...xRange), Math.max(...xRange)];
  return { label, colour: REFERENCE_COLOUR, dash: 'dot', x: xs, y: xs.map((x) => y0 * (x / x0) ** slope) };
}

/**
 * The band value ± k·se for a log axis: the lower edge is clipped at value / 10 (a band reaching
 * 0 cannot be drawn on a log axis; the clip only shows where the estimate is within k SE of 0).
 * For a spread of estimates drawn as a band; single estimates get error bars (standardErrorBars).
 */
export function logBand(values: readonly number[], se: readonly number[], k = 2): { lower: number[]; upper: number[] } {
  return {
    lower: values.map((v, i) => Math.max(v - k * se[i], v / 10)),
    upper: values.map((v, i) => v + k * se[i]),
  };
}

const TAU_AXIS = { title: 'temperature τ', log: true } as const;

const SUPERSCRIPT: Record<string, string> = {
  '-': '⁻',
  0: '⁰',
  1: '¹',
  2: '²',
  3: '³',
  4: '⁴',
  5: '⁵',
  6: '⁶',
  7: '⁷',
  8: '⁸',
  9: '⁹',
};

/**
 * "τ²" (Unicode superscripts, plain text in legends, where plotly's <sup> adds invisible characters);
 * "τ^1.5" for non-integers.
 */
export function powerOfTau(k: number): string {
  if (k === 1) return 'τ';
  return Number.isInteger(k) ? `τ${[...String(k)].map((c) => SUPERSCRIPT[c]).join('')}` : `τ^${k}`;
}

/** A τ label for point text and hover: "τ=0.5". */
export const tauText = (tau: number) => `τ=${Number(tau.toPrecision(2))}`;

/** ±k·se error bars of a norm (≥ 0): the lower end stops at 0. */
export function normErrorBars(
  values: readonly number[],
  se: readonly number[],
  k = 2,
): { minus: number[]; plus: number[] } {
  return { minus: values.map((v, i) => Math.min(v, k * se[i])), plus: se.map((s) => k * s) };
}

/**
 * C1: max_ij |E[J_τ | x] − J_ZGR|_ij against τ on log–log axes, one line per case (GR-MCK's colour,
 * dashes per case), ±2 SE error bars on the Monte Carlo estimates, and a slope-1 guide through
 * the coldest point of the first case: a linear deviation runs parallel to it.
 */
export function c1DeviationFigure(
  cases: readonly SweepCase<C1Result>[],
  title = 'C1: the conditional Jacobian of GR tends to ZGR’s as τ → 0',
): Figure {
  if (cases.length === 0) throw new Error('c1DeviationFigure: no cases');
  const series: LineSeries[] = cases.map(({ label, result }, i) => {
    const taus = result.rows.map((r) => r.tau);
    const dev = result.rows.map((r) => r.deviation);
    return {
      estimator: 'grMck',
      label,
      dash: DASHES[i % DASHES.length],
      mode: 'lines+markers',
      x: taus,
      y: dev,
      ...(result.method === 'monte-carlo' ? { yError: standardErrorBars(result.rows.map((r) => r.se)) } : {}),
    };
  });
  const first = cases[0].result.rows;
  const coldest = first.reduce((a, b) => (b.tau < a.tau ? b : a));
  const allTaus = cases.flatMap((c) => c.result.rows.map((r) => r.tau));
  series.push(
    slopeGuide(1, [coldest.tau, coldest.deviation], [Math.min(...allTaus), Math.max(...allTaus)], '∝ τ (slope 1)'),
  );
  return lineFigure({
    title,
    x: TAU_AXIS,
    y: { title: 'max<sub>ij</sub> |E[J<sub>τ</sub> | x] − J<sub>ZGR</sub>|<sub>ij</sub>', log: true },
    series,
  });
}

/**
 * C4: the bias of ST-GS (= GR-MCK's, for every K) on a linear loss, ‖E[J_τ(η + G)]ᵀ v − J(p)ᵀ v‖,
 * against τ on log–log axes: one line per case (ST-GS's colour, dashes per case), ±2 SE error bars
 * on Monte Carlo estimates, and optionally a guide of slope `guideSlope` through the coldest point of the
 * first case. ST, DARN and ZGR are exactly unbiased there (0 cannot be drawn on a log axis).
 */
export function c4BiasFigure(
  cases: readonly SweepCase<C4Result>[],
  options: { title?: string; guideSlope?: number } = {},
): Figure {
  if (cases.length === 0) throw new Error('c4BiasFigure: no cases');
  const series: LineSeries[] = cases.map(({ label, result }, i) => {
    const bias = result.rows.map((r) => r.biasNorm);
    return {
      estimator: 'stGs',
      label,
      dash: DASHES[i % DASHES.length],
      mode: 'lines+markers',
      x: result.rows.map((r) => r.tau),
      y: bias,
      ...(result.method === 'monte-carlo' ? { yError: standardErrorBars(result.rows.map((r) => r.biasSE)) } : {}),
    };
  });
  if (options.guideSlope != null) {
    const first = cases[0].result.rows;
    const coldest = first.reduce((a, b) => (b.tau < a.tau ? b : a));
    const allTaus = cases.flatMap((c) => c.result.rows.map((r) => r.tau));
    series.push(
      slopeGuide(
        options.guideSlope,
        [coldest.tau, coldest.biasNorm],
        [Math.min(...allTaus), Math.max(...allTaus)],
        `∝ ${powerOfTau(options.guideSlope)} (slope ${options.guideSlope})`,
      ),
    );
  }
  return lineFigure({
    title: options.title ?? 'C4: on a linear loss the bias of ST-GS / GR-MCK vanishes as τ → 0',
    x: TAU_AXIS,
    y: { title: 'bias ‖E[g] − ∇L‖ of ST-GS (= GR-MCK)', log: true },
    series,
  });
}

/** The estimators whose exact biases C3 compares, in the order they are drawn. */
export const C3_ESTIMATORS = ['st', 'darn', 'zgr'] as const;

/**
 * C3: the exact bias E[g] − ∂L/∂η of ST, DARN and ZGR, one group of bars per component η_ij
 * (variable i, category j). `toNumber` turns the field's values into numbers (default Number,
 * which takes a mathjs Fraction's value).
 */
export function c3BiasFigure<T>(
  bias: Record<(typeof C3_ESTIMATORS)[number], readonly (readonly T[])[]>,
  title = 'C3: exact biases on a quadratic — ST and DARN equal and opposite, ZGR zero',
  toNumber: (t: T) => number = (t) => Number(t),
): Figure {
  const categories = bias.st.flatMap((row, i) => row.map((_b, j) => `η<sub>${i + 1},${j + 1}</sub>`));
  return groupedBarFigure({
    title,
    categories,
    x: { title: 'component η<sub>ij</sub> (variable i, category j)' },
    y: { title: 'exact bias E[g<sub>ij</sub>] − ∂L/∂η<sub>ij</sub>' },
    series: C3_ESTIMATORS.map((name) => ({ estimator: name, values: bias[name].flatMap((row) => row.map(toNumber)) })),
  });
}

/** Legend style of GR-MCK with K perturbations: K = 1 is ST-GS (its colour), larger K GR-MCK's colour, dashes by K. */
function grStyle(K: number, k: number): Pick<LineSeries, 'estimator' | 'label' | 'dash'> {
  return K === 1
    ? { estimator: 'stGs', label: 'GR-MC1 = ST-GS', dash: 'solid' }
    : { estimator: 'grMck', label: `GR-MC${K}`, dash: DASHES[k % DASHES.length] };
}

/** A horizontal line at y over the taus of a cold-GR result (an exact, τ-free reference). */
function level(r: ColdGrResult, y: number, style: Pick<LineSeries, 'estimator' | 'label' | 'colour'>): LineSeries {
  const taus = r.rows.map((row) => row.tau);
  return { ...style, dash: 'dash', mode: 'lines', x: [Math.min(...taus), Math.max(...taus)], y: [y, y] };
}

/**
 * Cold GR: the MSE E‖g − ∇L‖² of GR-MCK against τ, one line per K, with ZGR's and ST's exact MSE
 * as horizontal lines (GR-MCK → ZGR as τ → 0 and K → ∞, C1).
 */
export function coldGrMseFigure(r: ColdGrResult, title = 'MSE of GR-MCK against τ; ZGR and ST exact'): Figure {
  const taus = r.rows.map((row) => row.tau);
  return lineFigure({
    title,
    x: TAU_AXIS,
    y: { title: 'MSE  E‖g − ∇L‖²', log: 'auto' },
    series: [
      ...r.Ks.map((K, k) => ({
        ...grStyle(K, k),
        mode: 'lines+markers' as const,
        x: taus,
        y: r.rows.map((row) => row.mse[k]),
      })),
      level(r, r.zgr.mse, { estimator: 'zgr', label: 'ZGR (exact)' }),
      level(r, r.st.mse, { estimator: 'st', label: 'ST (exact)' }),
    ],
  });
}

/**
 * Cold GR: GR's variance split by the law of total variance, against τ. The noise variance given
 * the sample, E_x E[‖g − E[g | x]‖² | x] (what GR-MCK divides by K), grows like 1/τ (slope −1
 * guide through its coldest point); the variance of E[g | x] over the samples tends to ZGR's
 * variance (horizontal line), since E[g | x] → ZGR(x) (C1).
 */
export function coldGrVarianceFigure(
  r: ColdGrResult,
  title = 'GR with one perturbation: the two parts of its variance against τ',
): Figure {
  const taus = r.rows.map((row) => row.tau);
  const noise = r.rows.map((row) => row.noiseVariance);
  const coldest = taus.indexOf(Math.min(...taus));
  return lineFigure({
    title,
    x: TAU_AXIS,
    y: { title: 'variance  E‖·‖²', log: true },
    series: [
      { estimator: 'grMck', label: 'noise given x (÷ K in GR-MCK)', mode: 'lines+markers', x: taus, y: noise },
      {
        estimator: 'grMck',
        label: 'E[g | x] across x',
        dash: 'dash',
        mode: 'lines+markers',
        x: taus,
        y: r.rows.map((row) => row.variance - row.noiseVariance),
      },
      level(r, r.zgr.variance, { estimator: 'zgr', label: 'ZGR variance (exact)' }),
      slopeGuide(-1, [taus[coldest], noise[coldest]], [Math.min(...taus), Math.max(...taus)], '∝ 1/τ'),
    ],
  });
}

/**
 * Bias against variance (our toy version of the E4 plot, claim C7): GR-MCK for each K as a curve
 * indexed by τ, variance_K = (variance − noise) + noise / K, its bias with ±2 SE error bars (the
 * bias does not depend on K, so the τ of each point is written beside the GR-MC1 curve and is the
 * same across a row of points; every point names its τ in the hover); the ST-ZGR family as a
 * curve in a (exact, every other a written), with ST (a = 0) and ZGR (a = 1) marked.
 */
export function coldGrBiasVarianceFigure(
  r: ColdGrResult,
  title = 'Bias against variance: GR-MCK (curves in τ) and ST-ZGR (curve in a)',
): Figure {
  const family = r.stZgrFamily;
  const point = (name: 'st' | 'zgr', label: string): LineSeries => ({
    estimator: name,
    label,
    mode: 'markers',
    x: [r[name].variance],
    y: [r[name].biasNorm],
  });
  const figure = lineFigure({
    title,
    x: { title: 'variance  E‖g − E g‖²', log: 'auto' },
    y: { title: '‖bias‖ = ‖E g − ∇L‖' },
    series: [
      ...r.Ks.map((K, k) => ({
        ...grStyle(K, k),
        mode: 'lines+markers' as const,
        x: r.rows.map((row) => row.variance - row.noiseVariance + row.noiseVariance / K),
        y: r.rows.map((row) => row.biasNorm),
        yError: normErrorBars(
          r.rows.map((row) => row.biasNorm),
          r.rows.map((row) => row.biasSE),
        ),
        pointLabels: r.rows.map((row) => tauText(row.tau)),
        showPointLabels: k === 0,
      })),
      {
        estimator: 'stZgr',
        label: 'ST-ZGR(a), a = 0 … 1',
        mode: 'lines+markers',
        x: family.map((f) => f.variance),
        y: family.map((f) => f.biasNorm),
        pointLabels: family.map((f, i) => (i % 2 === 0 ? `a=${Number(f.a.toPrecision(3))}` : '')),
      },
      point('st', 'ST (a = 0)'),
      point('zgr', 'ZGR (a = 1)'),
    ],
  });
  // the two exact points stand out as large diamonds at the ends of the ST-ZGR curve
  const data = figure.data.map((t, i) =>
    i < figure.data.length - 2
      ? t
      : {
          ...t,
          marker: { ...(t.marker as object), size: 13, symbol: 'diamond', line: { color: '#222222', width: 1 } },
        },
  );
  return { ...figure, data };
}
