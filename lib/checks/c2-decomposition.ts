/**
 * C2, decomposition (PAPER.md): ZGR = (ST + DARN) / 2 for every sample. ZGR is written from its
 * own component formula (zgr.ts), so this gap is a real check, exactly zero in rationals.
 * c2DecompositionGap measures one case; c2Verdict judges many against C2_THRESHOLDS.
 */
import { darnGradientOf } from '../estimators/darn';
import { stGradientOf } from '../estimators/st';
import { zgrGradientOf } from '../estimators/zgr';
import type { SampleCase } from '../exact/toy-problems';
import type { Field } from '../math/field';
import { atMost, claimReport, type ClaimReport } from './report';

/** ZGR − (ST + DARN) / 2 for one variable with probabilities p, sample x and upstream v. */
export function c2DecompositionGap<T>(F: Field<T>, p: readonly T[], x: number, v: readonly T[]): T[] {
  const zgr = zgrGradientOf(F, p, x, v);
  const st = stGradientOf(F, p, v);
  const darn = darnGradientOf(F, p, x, v);
  const two = F.add(F.one, F.one);
  return zgr.map((g, j) => F.sub(g, F.div(F.add(st[j], darn[j]), two)));
}

/** The rule of C2, for notebook 02 and test/claims/c2-decomposition.test.ts alike: an identity, exact in `rational`. */
export const C2_THRESHOLDS = {
  /** cases in which a component of the gap is not exactly zero (in float64, rounding leaves some) */
  maxCasesWithGap: 0,
} as const;

/** The C2 verdict on cases (p, x, v) in a field: the gap must vanish exactly (F.equals) in every one. */
export function c2Verdict<T>(F: Field<T>, cases: readonly SampleCase<T>[]): ClaimReport<typeof C2_THRESHOLDS> {
  const show = (a: readonly T[]) => `(${a.map((t) => F.toString(t)).join(', ')})`;
  const withGap = cases
    .map((c) => ({ ...c, gap: c2DecompositionGap(F, c.p, c.x, c.v) }))
    .filter((c) => !c.gap.every((g) => F.equals(g, F.zero)));
  const first = withGap[0];
  const example = first
    ? `; the first: p = ${show(first.p)}, x = ${first.x}, v = ${show(first.v)}, gap ${show(first.gap)}`
    : '';
  const count = atMost(
    'casesWithGap',
    `cases (of ${cases.length}, in ${F.name}) where ZGR − (ST + DARN)/2 ≠ 0`,
    withGap.length,
    C2_THRESHOLDS.maxCasesWithGap,
  );
  return claimReport('C2', 'ZGR = (ST + DARN) / 2 for every sample', C2_THRESHOLDS, [
    { ...count, text: count.text + example },
  ]);
}
