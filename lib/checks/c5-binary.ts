/**
 * C5, binary variables (PAPER.md): ZGR binary = DARN(1/2) = categorical ZGR on two categories.
 * With logits (0, a) the categorical variable has p_1 = sigmoid(a), b = x, and the derivative of
 * f along the sample, d = f'(b), is v_1 − v_0; the gradient w.r.t. a is the categorical one's
 * component 1.
 */
import { darnBinaryGradient, zgrBinaryGradient } from '../estimators/binary';
import { zgrGradient } from '../estimators/zgr';

export interface C5Values {
  zgrBinary: number;
  darnHalf: number;
  zgrCategorical: number;
}

/** The three values that C5 claims equal, for logit a, sample b and upstream derivative d. */
export function c5BinaryValues(a: number, b: 0 | 1, d: number): C5Values {
  return {
    zgrBinary: zgrBinaryGradient(a, b, d),
    darnHalf: darnBinaryGradient(a, b, d, { mu: 0.5 }),
    zgrCategorical: zgrGradient([0, a], b, [0, d])[1],
  };
}
