/**
 * C3: for a quadratic polynomial of the concatenated one-hot vectors of independent categorical
 * variables, E[ZGR] = ∇L exactly; ST and DARN are biased there, with equal and opposite bias; ZGR
 * is biased for a cubic (so the first check can fail). All exact, as fractions.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Random, rational } from '../../lib';
import { c3Moments, isZero, randomRationalProblem } from '../../lib/checks/c3-quadratic-unbiasedness';
import { frac } from '../../lib/exact/field';
import { polynomialLoss } from '../../lib/exact/polynomial';

const show = (a: { toFraction(): string }[][]) => JSON.stringify(a.map((r) => r.map((q) => q.toFraction())));

/** Numbers of categories of 2–3 variables (≥ 2 variables: a quadratic of one one-hot vector is linear). */
const shapes = fc.array(fc.integer({ min: 2, max: 4 }), { minLength: 2, maxLength: 3 });

describe('C3: ZGR is unbiased for quadratic functions of one-hot variables', () => {
  it('E[ZGR] equals the exact gradient, as fractions, on 200 random rational quadratics with cross terms', () => {
    fc.assert(
      fc.property(shapes, fc.integer({ min: 0, max: 2 ** 30 }), (Cs, seed) => {
        const r = c3Moments(randomRationalProblem(Random.fromSeed(seed), Cs, 2));
        assert.ok(isZero(rational, r.bias.zgr), `Cs ${Cs}, seed ${seed}: E[ZGR] − ∇L = ${show(r.bias.zgr)}`);
      }),
      { seed: 3, numRuns: 200 },
    );
  });

  it('ST and DARN are biased there, with equal and opposite bias (opposite always; nonzero in ≥ 95 of 100 cases)', () => {
    let biased = 0;
    fc.assert(
      fc.property(shapes, fc.integer({ min: 0, max: 2 ** 30 }), (Cs, seed) => {
        const r = c3Moments(randomRationalProblem(Random.fromSeed(seed), Cs, 2));
        if (!isZero(rational, r.bias.st)) biased++;
        const sum = r.bias.st.map((row, i) => row.map((b, j) => b.add(r.bias.darn[i][j])));
        assert.ok(isZero(rational, sum), `Cs ${Cs}, seed ${seed}: bias(ST) + bias(DARN) = ${show(sum)}`);
      }),
      { seed: 4, numRuns: 100 },
    );
    // a random quadratic can be degenerate (cancelling cross terms), so not every case is biased
    assert.ok(biased >= 95, `ST biased on only ${biased} of 100 random quadratics`);
  });

  it('ZGR is biased for a cubic (so the check above can fail): f = z₀³, one variable, p = (1/3, 2/3)', () => {
    // At the one-hot points f = z₀, so L = p₀ and dL/dη₀ = p₀ p₁ = 2/9; but v = ∇f(e_x) = (3 z₀², 0):
    // E[ZGR]₀ = p₀ (3 − 3 p₀)/2 = 1/3 ≠ 2/9. Estimators see the polynomial's gradient, not only its values.
    const p = [[frac(1, 3), frac(2, 3)]];
    const r = c3Moments({ F: rational, p, loss: polynomialLoss(rational, 2, [{ coef: rational.one, vars: [0, 0, 0] }]) });
    assert.equal(r.objective.toFraction(), '1/3');
    assert.equal(r.gradient[0][0].toFraction(), '2/9');
    assert.equal(r.mean.zgr[0][0].toFraction(), '1/3');
  });

  it('while the multilinear cubic z₀₁ z₁₁ z₂₁ of three binary variables is not a counterexample (E[ZGR] = ∇L)', () => {
    // multilinear in the variables: v_i does not depend on x_i, so the one-variable linear case applies
    const p = [[frac(1, 2), frac(1, 2)], [frac(2, 3), frac(1, 3)], [frac(3, 4), frac(1, 4)]];
    const r = c3Moments({ F: rational, p, loss: polynomialLoss(rational, 6, [{ coef: rational.one, vars: [1, 3, 5] }]) });
    assert.ok(isZero(rational, r.bias.zgr), show(r.bias.zgr));
    assert.equal(r.objective.toFraction(), '1/24'); // p01 p11 p21
  });

  it('and for most random cubics (at least 90 of 100)', () => {
    const rng = Random.fromSeed(7);
    let biased = 0;
    for (let k = 0; k < 100; k++) if (!isZero(rational, c3Moments(randomRationalProblem(rng, [2, 2, 3], 3)).bias.zgr)) biased++;
    assert.ok(biased >= 90, `ZGR biased on only ${biased} of 100 random cubics`);
  });
});
