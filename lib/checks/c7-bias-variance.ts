/**
 * C7 (PAPER.md): "the simple ST-ZGR family of estimators practically dominates in the bias–variance
 * trade-offs the whole GR family while also outperforming SOTA unbiased estimators". Measured by
 * lib/exact/family-quality.ts and judged here, once, for the toys (notebook 03), the VAE (07) and
 * the quantised net (08). The report has named parts: `biasVariance` and `equalCost`; C7's
 * training half is judged apart, on training runs (lib/checks/c7-training.ts).
 *
 * 1. Bias–variance, three-valued with declared margins (C7_MARGINS). β and σ are the scale-free
 *    bias and std (quality.ts), because Adam undoes a scalar scale. The ST-ZGR family is the
 *    continuous curve a ∈ [0, 1] (lib/exact/st-zgr-curve.ts, exact). A GR member g is
 *      dominated      when some a has β_a − β_g − m_β ≤ 0 and σ_a − f_σ σ_g ≤ 0 at the 95% upper
 *                     bounds of the differences (β_a exact: at g's lower bounds β_g⁻, σ_g⁻);
 *      not dominated  when for every a the larger violation's lower bound is > 0 (at g's upper
 *                     bounds β_g⁺, σ_g⁺ no a qualifies);
 *      undecided      otherwise: measure more.
 *    Wider intervals for g move both tests towards "undecided": noise never makes the claim pass.
 *    The part holds when every member is dominated, fails when one is not dominated, and is
 *    undecided otherwise; the strict verdict (margins 0) is reported beside it, and so is the
 *    worst margin: per member, the smallest multiple λ of the declared margins at which some a
 *    dominates it at the point estimates (β_a ≤ β_g + λ m_β, σ_a ≤ (1 + λ (f_σ − 1)) σ_g).
 *    A member is opposed when its mean points away from ∇ beyond the noise (upper bound of
 *    E g·∇̂ < 0): any member whose mean points along ∇ beats it. A case where even the best ST-ZGR
 *    member has cos(E g, ∇) < ½ is uninformative (every estimator is mostly noise there) and is
 *    kept out of the count.
 * 2. Equal cost. For each M, the mean of M samples of the best ST-ZGR(a) (a exact, over [0, 1])
 *    has a rescaled MSE no larger than RLOO(M)'s (both need M loss evaluations; both exact). The
 *    winning a is reported: where it is 0, the evidence is for ST, not ZGR.
 */
import type { EstimatorPoint } from '../exact/family-quality';
import type { Interval } from '../exact/quality';
import { C7_MARGINS } from '../exact/c7-grid';
import { bestMeanOfM, curveAt, feasibleA, minimalBeta, stZgrCurve, type StZgrCurve } from '../exact/st-zgr-curve';
import { atMost, claimReport, formatNumber, formatShort, type ClaimReport, type Comparison } from './report';

// declared beside C7's grid (lib/exact/c7-grid.ts): the adaptive draws of the experiments read them
// too
export { C7_MARGINS };

export const C7_THRESHOLDS = {
  margins: C7_MARGINS,
  /** the confidence of the intervals the verdict reads (quality.ts) */
  confidence: 0.95,
  /** a case where the best ST-ZGR member's cos(E g, ∇) is below this is uninformative */
  minCosine: 0.5,
  /** rescaled MSE of the best mean of M ST-ZGR samples over RLOO(M)'s, at most */
  maxEqualCostRatio: 1,
};

export type Outcome = 'dominated' | 'not dominated' | 'undecided';
export type Verdict = 'holds' | 'fails' | 'undecided' | 'uninformative';

export interface C7Row {
  gr: EstimatorPoint;
  /** with the declared margins */
  outcome: Outcome;
  /** with margins 0 */
  strict: Outcome;
  /**
   * the smallest multiple of the declared margins at which some a dominates g at the point
   * estimates (≤ 0: strictly dominated; ≤ 1: practically); null where g's β is undefined
   */
  needed: number | null;
  /** the a where `needed` is reached */
  a: number | null;
  /** what decides it, in a phrase */
  decides: string;
}

export interface C7BiasVariance {
  verdict: Verdict;
  strictVerdict: Verdict;
  holds: boolean;
  rows: C7Row[];
  /** the member needing the largest margin (null: none has a defined β) */
  worst: C7Row | null;
  /** the family's smallest β and where (its largest cosine with ∇) */
  best: { a: number; beta: number } | null;
  curve: StZgrCurve;
  summary: string;
}

export interface C7EqualCostRow {
  M: number;
  rloo: EstimatorPoint;
  /** the a whose mean of M samples has the smallest rescaled MSE (exact, over [0, 1]) */
  a: number;
  rescaledMse: number;
  /** best / RLOO(M) rescaled MSE */
  ratio: number;
  holds: boolean;
  /** the comparison in one line */
  text: string;
}

export interface C7EqualCost {
  rows: C7EqualCostRow[];
  holds: boolean;
  /** the M at which the winner is a = 0, plain ST: evidence for ST, not ZGR */
  stWins: number[];
  summary: string;
}

export type C7Report = ClaimReport<typeof C7_THRESHOLDS> & {
  where: string;
  verdict: Verdict;
  biasVariance: C7BiasVariance;
  equalCost: C7EqualCost;
};

const fmt = formatNumber;
const show = (i: Interval | null) =>
  i == null ? 'undefined' : i.low === i.high ? fmt(i.estimate) : `${fmt(i.estimate)} [${fmt(i.low)}, ${fmt(i.high)}]`;

/**
 * The bounds (β, σ) at which to ask "does some a qualify": the practical or the strict margins applied
 * to g's bounds.
 */
const dominatedAt = (c: StZgrCurve, beta: number, sigma: number, margins: { beta: number; sigmaFactor: number }) =>
  feasibleA(c, beta + margins.beta, sigma * margins.sigmaFactor) != null;

/** Three-valued dominance of one GR member (see the file comment), with the given margins. */
export function dominance(
  c: StZgrCurve,
  gr: EstimatorPoint,
  margins: { beta: number; sigmaFactor: number } = C7_MARGINS,
): Outcome {
  const q = gr.quality;
  if (q.projection.high < 0) return 'dominated'; // opposed: any a whose mean points along ∇ beats it
  // E g·∇̂ ≤ 0 by its estimate, not beyond the noise
  if (q.scaleFreeBias == null || q.scaleFreeStd == null) return 'undecided';
  if (dominatedAt(c, q.scaleFreeBias.low, q.scaleFreeStd.low, margins)) return 'dominated';
  // an unresolved projection leaves β and σ unbounded above: never "not dominated"
  if (q.projection.low > 0 && !dominatedAt(c, q.scaleFreeBias.high, q.scaleFreeStd.high, margins))
    return 'not dominated';
  return 'undecided';
}

/**
 * The smallest λ with some a: β_a ≤ β_g + λ m_β and σ_a ≤ (1 + λ(f_σ − 1)) σ_g (bisection on λ
 * over the exact test feasibleA, to rounding), and that a; Infinity when no a's mean points along ∇.
 */
export function neededMargin(
  c: StZgrCurve,
  beta: number,
  sigma: number,
  margins = C7_MARGINS,
): { lambda: number; a: number | null } {
  const mb = margins.beta;
  const ms = margins.sigmaFactor - 1;
  const at = (l: number) => feasibleA(c, beta + l * mb, sigma * (1 + l * ms));
  let lo = Math.max(-beta / mb, -1 / ms); // below it a bound is negative
  if (at(lo) != null) return { lambda: lo, a: at(lo) };
  let hi = 1;
  while (at(hi) == null) {
    if (hi > 1e9) return { lambda: Infinity, a: null };
    lo = hi;
    hi *= 2;
  }
  for (let k = 0; k < 200 && hi - lo > 1e-12 * Math.max(1, Math.abs(hi)); k++) {
    const mid = (lo + hi) / 2;
    if (at(mid) != null) hi = mid;
    else lo = mid;
  }
  return { lambda: hi, a: at(hi) };
}

function row(c: StZgrCurve, gr: EstimatorPoint): C7Row {
  const q = gr.quality;
  const outcome = dominance(c, gr);
  const strict = dominance(c, gr, { beta: 0, sigmaFactor: 1 });
  if (q.projection.high < 0)
    return { gr, outcome, strict, needed: null, a: null, decides: `opposed: E g·∇̂/‖∇‖ ${show(q.projection)} < 0` };
  if (q.scaleFreeBias == null || q.scaleFreeStd == null)
    return {
      gr,
      outcome,
      strict,
      needed: null,
      a: null,
      decides: `mean not resolved from ⊥∇: E g·∇̂/‖∇‖ ${show(q.projection)}`,
    };
  const { lambda, a } = neededMargin(c, q.scaleFreeBias.estimate, q.scaleFreeStd.estimate);
  let decides = 'no ST-ZGR member’s mean points along ∇';
  if (a != null) {
    const m = curveAt(c, a);
    decides =
      `at a = ${formatShort(a)}: β ${fmt(m.beta!)} vs ${show(q.scaleFreeBias)}, σ ${fmt(m.sigma!)} ` +
      `vs ${show(q.scaleFreeStd)} (σ ratio ${fmt(m.sigma! / q.scaleFreeStd.estimate)})`;
  }
  if (outcome === 'undecided' && gr.draws && !gr.draws.precise)
    decides +=
      `; the draw budget (${gr.draws.rounds} of ${gr.draws.maxRounds} rounds) ` +
      `was spent before se(β), se(σ) fell below a third of the margins`;
  return { gr, outcome, strict, needed: Number.isFinite(lambda) ? lambda : null, a, decides };
}

function verdictOf(outcomes: readonly Outcome[]): Verdict {
  if (outcomes.includes('not dominated')) return 'fails';
  return outcomes.includes('undecided') ? 'undecided' : 'holds';
}

const count = (rows: readonly C7Row[], key: 'outcome' | 'strict', o: Outcome) =>
  rows.filter((r) => r[key] === o).length;

/** The bias–variance half on the measured estimators of one problem. */
export function c7BiasVarianceHalf(points: readonly EstimatorPoint[], where: string): C7BiasVariance {
  const curve = stZgrCurve(points);
  const gr = points.filter((p) => p.family === 'GR-MCK(τ)');
  if (gr.length === 0) throw new Error('c7BiasVariance: no GR members measured');
  const rows = gr.map((g) => row(curve, g));
  const best = minimalBeta(curve);
  const minBeta = Math.sqrt(1 / C7_THRESHOLDS.minCosine ** 2 - 1); // cos = 1/√(1 + β²)
  const informative = best != null && best.beta <= minBeta;
  const verdict: Verdict = informative ? verdictOf(rows.map((r) => r.outcome)) : 'uninformative';
  const strictVerdict: Verdict = informative ? verdictOf(rows.map((r) => r.strict)) : 'uninformative';
  const withMargin = rows.filter((r) => r.needed != null);
  const worst = withMargin.length ? withMargin.reduce((x, y) => (y.needed! > x.needed! ? y : x)) : null;
  const m = C7_MARGINS;
  const counts = (key: 'outcome' | 'strict') =>
    `${count(rows, key, 'dominated')} dominated, ${count(rows, key, 'not dominated')} ` +
    `not dominated, ${count(rows, key, 'undecided')} undecided`;
  const listed = rows
    .filter((r) => r.outcome !== 'dominated')
    .map(
      (r) =>
        `    ${r.outcome}: ${r.gr.label} — ` +
        `${r.decides}${r.needed == null ? '' : `; needs ${fmt(r.needed)} × the margins`}`,
    );
  const worstText =
    worst == null
      ? 'no member with a defined β'
      : `worst margin: ${worst.gr.label} needs ${fmt(worst.needed!)} × the declared margins ` +
        `(β + ${fmt(worst.needed! * m.beta)}, σ × ${fmt(1 + worst.needed! * (m.sigmaFactor - 1))}) ` +
        `at a = ${formatShort(worst.a!)}`;
  const uninformative = informative
    ? ''
    : ` (the best ST-ZGR member, a = ${best ? formatShort(best.a) : '—'}, ` +
      `has cos(E g, ∇) < ${C7_THRESHOLDS.minCosine}: kept out of the count)`;
  const summary = [
    `${where}: bias–variance ${verdict}${uninformative} ` +
      `— of ${rows.length} GR members, with margins β + ${m.beta}, σ × ${m.sigmaFactor} (95%): ` +
      `${counts('outcome')}; strict (margins 0): ${strictVerdict}, ${counts('strict')}; ${worstText}`,
    ...listed,
  ].join('\n');
  return { verdict, strictVerdict, holds: verdict === 'holds', rows, worst, best, curve, summary };
}

/** The equal-cost half: the best mean of M ST-ZGR samples (exact over a) against RLOO(M). */
export function c7EqualCostHalf(points: readonly EstimatorPoint[], curve: StZgrCurve, where: string): C7EqualCost {
  const rows: C7EqualCostRow[] = points
    .filter((p) => p.name === 'rloo')
    .map((rloo) => {
      const { a, rescaledMse } = bestMeanOfM(curve, rloo.M!);
      const M = rloo.M!;
      const rlooMse = rloo.quality.rescaledMse.estimate;
      const ratio = rescaledMse / rlooMse;
      const name = `ST-ZGR(a = ${formatShort(a)})${a === 0 ? ' = ST' : a === 1 ? ' = ZGR' : ''}`;
      const text =
        `M = ${M}: the mean of ${M} ${name} has rescaled MSE ${fmt(rescaledMse)} vs RLOO(${M}) ` +
        `${fmt(rlooMse)} (ratio ${fmt(ratio)}, ≤ ${C7_THRESHOLDS.maxEqualCostRatio})`;
      return { M, rloo, a, rescaledMse, ratio, holds: ratio <= C7_THRESHOLDS.maxEqualCostRatio, text };
    });
  const stWins = rows.filter((r) => r.a === 0).map((r) => r.M);
  const lines = rows.map((r) => `    ${r.holds ? '✓' : '✗'} ${r.text}`);
  const holds = rows.length > 0 && rows.every((r) => r.holds);
  const st = stWins.length
    ? `; the winner is plain ST (a = 0) at M ∈ {${stWins.join(', ')}}: that evidence is for ST, not ZGR`
    : '';
  return {
    rows,
    holds,
    stWins,
    summary: [`${where}: equal cost ${holds ? 'holds' : 'fails'}${st}`, ...lines].join('\n'),
  };
}

/** C7's verdict on the measured estimators of one problem (`where` names it, e.g. "8×4, end"). */
export function c7BiasVariance(points: readonly EstimatorPoint[], where: string): C7Report {
  const biasVariance = c7BiasVarianceHalf(points, where);
  const equalCost = c7EqualCostHalf(points, biasVariance.curve, where);
  const notDominated = biasVariance.rows.filter((r) => r.outcome !== 'dominated').length;
  const comparisons: Comparison[] = [
    { ...atMost('notDominatedGr', '', notDominated, 0), holds: biasVariance.holds, text: biasVariance.summary },
    ...equalCost.rows.map((r) => ({
      ...atMost(`equalCostM${r.M}`, '', r.ratio, C7_THRESHOLDS.maxEqualCostRatio),
      text: r.text,
    })),
  ];
  const statement =
    'the ST-ZGR family practically dominates the whole GR family in bias and std, and beats RLOO(M) at equal cost';
  const report = claimReport('C7', statement, C7_THRESHOLDS, comparisons);
  const fails = biasVariance.verdict === 'fails' || !equalCost.holds;
  const verdict: Verdict = fails ? 'fails' : biasVariance.verdict;
  const summary = [
    `C7 ${verdict === 'holds' ? 'holds' : verdict === 'fails' ? 'FAILS' : verdict.toUpperCase()}: ${statement}`,
    biasVariance.summary,
    equalCost.summary,
  ].join('\n');
  return { ...report, summary, verdict, where, biasVariance, equalCost };
}

/**
 * One sentence over several cases (`what` names them, e.g. "toys"): where each half holds, fails or
 * is undecided, and by how much (the worst margin needed; the worst equal-cost ratio).
 */
export function c7Headline(reports: readonly C7Report[], what: string): string {
  const n = reports.length;
  const by = (v: Verdict) => reports.filter((r) => r.biasVariance.verdict === v);
  const names = (rs: readonly C7Report[]) => rs.map((r) => r.where).join('; ');
  const worst = reports
    .map((r) => r.biasVariance.worst)
    .filter((w): w is C7Row => w != null)
    .reduce<C7Row | null>((x, y) => (x == null || y.needed! > x.needed! ? y : x), null);
  const parts = [
    `bias–variance holds in ${by('holds').length} of ${n}`,
    by('fails').length ? `fails in ${by('fails').length} (${names(by('fails'))})` : '',
    by('undecided').length ? `is undecided in ${by('undecided').length} (${names(by('undecided'))})` : '',
    by('uninformative').length ? `is uninformative in ${by('uninformative').length}` : '',
  ].filter(Boolean);
  const strictHolds = reports.filter((r) => r.biasVariance.strictVerdict === 'holds').length;
  const worstText = worst
    ? `; the largest margin any GR member needs is ` +
      `${formatNumber(worst.needed!)} × the declared one (${worst.gr.label})`
    : '';
  const ec = reports.flatMap((r) => r.equalCost.rows.map((row) => ({ r, row })));
  const lost = ec.filter((x) => !x.row.holds);
  const worstRatio = ec.length ? ec.reduce((x, y) => (y.row.ratio > x.row.ratio ? y : x)) : null;
  const stWins = ec.filter((x) => x.row.a === 0).length;
  const equal =
    `equal cost holds in ${reports.filter((r) => r.equalCost.holds).length} of ${n}` +
    (lost.length
      ? `, RLOO(M) wins ${lost.length} of ${ec.length} comparisons (worst ratio ` +
        `${formatNumber(worstRatio!.row.ratio)}, ${worstRatio!.r.where}, M = ${worstRatio!.row.M})`
      : worstRatio
        ? ` (worst ratio ${formatNumber(worstRatio.row.ratio)})`
        : '') +
    (stWins ? `, with plain ST (a = 0) the winner in ${stWins} of ${ec.length}` : '');
  return (
    `C7 over ${n} ${what}: ${parts.join(', ')} (strict, margins 0: holds in ${strictHolds})${worstText}; ` +
    `${equal}; the whole claim holds in ${reports.filter((r) => r.holds).length} of ${n}.`
  );
}
