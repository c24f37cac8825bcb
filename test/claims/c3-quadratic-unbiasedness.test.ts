/**
 * C3: for a quadratic polynomial of the concatenated one-hot vectors of independent categorical
 * variables, E[ZGR] = ∇L exactly; ST and DARN are biased there, with equal and opposite bias; ZGR
 * is biased for a cubic (so the first check can fail). All exact, as fractions; the rules are
 * C3_THRESHOLDS (c3Verdict).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Random, rational } from '../../lib';
import { c3Moments, c3Verdict, isZero } from '../../lib/checks/c3-quadratic-unbiasedness';
import { randomRationalProblem } from '../../lib/exact/toy-problems';
import { frac } from '../../lib/math/field';
import { polynomialLoss } from '../../lib/exact/polynomial';

const show = (a: { toFraction(): string }[][]) => JSON.stringify(a.map((r) => r.map((q) => q.toFraction())));

/** Numbers of categories of 2–3 variables (≥ 2 variables: a quadratic of one one-hot vector is linear). */
const SHAPES = [
  [2, 2],
  [2, 3],
  [3, 3],
  [2, 2, 2],
  [2, 3, 4],
  [4, 2],
];

/** n random rational problems of a degree, cycling through SHAPES. */
const randomMoments = (rng: Random, n: number, degree: 2 | 3, shapes = SHAPES) =>
  Array.from({ length: n }, (_, k) => c3Moments(randomRationalProblem(rng, shapes[k % shapes.length], degree)));

describe('C3: ZGR is unbiased for quadratic functions of one-hot variables', () => {
  it(
    'on 200 random rational quadratics with cross terms E[ZGR] = ∇L and bias(ST) ' +
      '= −bias(DARN) ≠ 0, on 100 random cubics ZGR is biased (c3Verdict holds)',
    () => {
      const rng = Random.fromSeed(3);
      const report = c3Verdict(rational, {
        quadratics: randomMoments(rng, 200, 2),
        cubics: randomMoments(rng, 100, 3, [[2, 2, 3]]),
      });
      assert.ok(report.holds, report.summary);
    },
  );

  it('the verdict fails when the "quadratics" are cubics (so the check above can fail)', () => {
    const rng = Random.fromSeed(4);
    const cubics = randomMoments(rng, 20, 3);
    const report = c3Verdict(rational, { quadratics: cubics, cubics });
    assert.equal(report.holds, false, report.summary);
    assert.ok(report.measured.zgrBiasedQuadratics > 0, report.summary);
  });

  it('ZGR is biased for a cubic: f = z₀³, one variable, p = (1/3, 2/3)', () => {
    // At the one-hot points f = z₀, so L = p₀ and dL/dη₀ = p₀ p₁ = 2/9; but v = ∇f(e_x) = (3 z₀², 0):
    // E[ZGR]₀ = p₀ (3 − 3 p₀)/2 = 1/3 ≠ 2/9. Estimators see the polynomial's gradient, not only its values.
    const p = [[frac(1, 3), frac(2, 3)]];
    const r = c3Moments({
      F: rational,
      p,
      loss: polynomialLoss(rational, 2, [{ coef: rational.one, vars: [0, 0, 0] }]),
    });
    assert.equal(r.objective.toFraction(), '1/3');
    assert.equal(r.gradient[0][0].toFraction(), '2/9');
    assert.equal(r.mean.zgr[0][0].toFraction(), '1/3');
  });

  it('while the multilinear cubic z₀₁ z₁₁ z₂₁ of three binary variables is not a counterexample (E[ZGR] = ∇L)', () => {
    // multilinear in the variables: v_i does not depend on x_i, so the one-variable linear case applies
    const p = [
      [frac(1, 2), frac(1, 2)],
      [frac(2, 3), frac(1, 3)],
      [frac(3, 4), frac(1, 4)],
    ];
    const r = c3Moments({
      F: rational,
      p,
      loss: polynomialLoss(rational, 6, [{ coef: rational.one, vars: [1, 3, 5] }]),
    });
    assert.ok(isZero(rational, r.bias.zgr), show(r.bias.zgr));
    assert.equal(r.objective.toFraction(), '1/24'); // p01 p11 p21
  });
});
