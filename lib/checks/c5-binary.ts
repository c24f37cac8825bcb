/**
 * C5, binary variables (PAPER.md): ZGR binary = DARN(1/2) = categorical ZGR on two categories.
 * With logits (0, a) the categorical variable has p_1 = sigmoid(a), b = x, and the derivative of
 * f along the sample, d = f'(b), is v_1 − v_0; the gradient w.r.t. a is the categorical one's
 * component 1. c5BinaryValues measures one case; c5Verdict judges many against C5_THRESHOLDS.
 */
import { darnBinaryGradient, zgrBinaryGradient } from '../estimators/binary';
import { zgrGradient } from '../estimators/zgr';
import { atMost, claimReport, type ClaimReport } from './report';

export interface C5Values {
  a: number;
  b: 0 | 1;
  d: number;
  zgrBinary: number;
  darnHalf: number;
  zgrCategorical: number;
}

/** The three values that C5 claims equal, for logit a, sample b and upstream derivative d. */
export function c5BinaryValues(a: number, b: 0 | 1, d: number): C5Values {
  return {
    a,
    b,
    d,
    zgrBinary: zgrBinaryGradient(a, b, d),
    darnHalf: darnBinaryGradient(a, b, d, { mu: 0.5 }),
    zgrCategorical: zgrGradient([0, a], b, [0, d])[1],
  };
}

/** The rule of C5, for notebook 02 and test/claims/c5-binary.test.ts alike: an identity, up to float64 rounding. */
export const C5_THRESHOLDS = {
  /** max |difference| ÷ max |value| among the three (float64 rounding: ~1e-16 per operation) */
  maxRelativeGap: 1e-12,
} as const;

/**
 * The relative gap of one case: the largest difference from zgrBinary over the largest magnitude (0
 * when all are 0).
 */
function relativeGap(c: C5Values): number {
  const scale = Math.max(Math.abs(c.zgrBinary), Math.abs(c.darnHalf), Math.abs(c.zgrCategorical));
  return scale === 0
    ? 0
    : Math.max(Math.abs(c.zgrBinary - c.darnHalf), Math.abs(c.zgrBinary - c.zgrCategorical)) / scale;
}

/** The C5 verdict on cases of c5BinaryValues. */
export function c5Verdict(cases: readonly C5Values[]): ClaimReport<typeof C5_THRESHOLDS> {
  const gaps = cases.map(relativeGap);
  const nan = gaps.findIndex(Number.isNaN); // a NaN (an overflow, say) is the worst case
  const worst = nan >= 0 ? nan : gaps.reduce((k, g, i) => (g > gaps[k] ? i : k), 0);
  const c = cases[worst];
  const at = c ? ` (at a = ${c.a}, b = ${c.b}, d = ${c.d}: ${c.zgrBinary}, ${c.darnHalf}, ${c.zgrCategorical})` : '';
  return claimReport('C5', 'binary ZGR = DARN(1/2) = categorical ZGR with C = 2', C5_THRESHOLDS, [
    atMost(
      'maxRelativeGap',
      `largest relative gap among ZGR binary, DARN(1/2) and categorical ZGR over ${cases.length} cases${at}`,
      c ? gaps[worst] : NaN,
      C5_THRESHOLDS.maxRelativeGap,
    ),
  ]);
}
