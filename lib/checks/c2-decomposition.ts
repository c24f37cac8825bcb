/**
 * C2, decomposition (PAPER.md): ZGR = (ST + DARN) / 2 for every sample. ZGR is written from its
 * own component formula (zgr.ts), so this gap is a real check, exactly zero in rationals.
 */
import { darnGradientOf } from '../estimators/darn';
import { stGradientOf } from '../estimators/st';
import { zgrGradientOf } from '../estimators/zgr';
import type { Field } from '../exact/field';

/** ZGR − (ST + DARN) / 2 for one variable with probabilities p, sample x and upstream v. */
export function c2DecompositionGap<T>(F: Field<T>, p: readonly T[], x: number, v: readonly T[]): T[] {
  const zgr = zgrGradientOf(F, p, x, v);
  const st = stGradientOf(F, p, v);
  const darn = darnGradientOf(F, p, x, v);
  const two = F.add(F.one, F.one);
  return zgr.map((g, j) => F.sub(g, F.div(F.add(st[j], darn[j]), two)));
}
