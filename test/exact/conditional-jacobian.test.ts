/**
 * GR's moments given the sample by quadrature (lib/exact/conditional-jacobian.ts; C1, C7): E[J_τ | x]
 * against the binary closed quadrature (C = 2), against C1's τ → 0 limit (ZGR's Jacobian, reached
 * linearly in τ), against a finer rule (C = 4) and against the Monte Carlo within its standard errors.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { conditionalJacobianMoments, gaussLegendre } from '../../lib/exact/conditional-jacobian';
import {
  conditionalJacobianBinary,
  conditionalJacobianMC,
  temperedJacobian,
  zgrJacobian,
} from '../../lib/exact/tempered-jacobian';
import { conditionalGumbel } from '../../lib/estimators/gr-mck';
import { softmax } from '../../lib/math/softmax';
import { Random } from '../../lib/random';
import { assertClose } from '../helpers';

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Math.max(...Array.from(a, (x, i) => Math.abs(x - b[i])));

describe('C7: E[J_τ | x] and E[J_τ J_τ | x] by quadrature of the conditional Gumbel density', () => {
  it('Gauss–Legendre: weights sum to 2, and 8 points integrate x^14 exactly (to rounding)', () => {
    const { nodes, weights } = gaussLegendre(8);
    assertClose(
      [weights.reduce((s, w) => s + w, 0), nodes.reduce((s, x, i) => s + weights[i] * x ** 14, 0)],
      [2, 2 / 15],
      { rtol: 1e-14, context: 'GL8' },
    );
  });

  it('C = 2: equals the binary closed quadrature (tempered-jacobian.ts) to 1e-11 for τ ∈ {0.1, 0.5, 3}', () => {
    for (const tau of [0.1, 0.5, 3])
      for (const x of [0, 1]) {
        const { A } = conditionalJacobianMoments([0.3, -0.8], x, tau);
        assertClose(A, conditionalJacobianBinary([0.3, -0.8], x, tau).flat(), {
          atol: 1e-11,
          context: `τ = ${tau}, x = ${x}`,
        });
      }
  });

  it('C1: as τ → 0 E[J_τ | x] tends to ZGR’s Jacobian, the deviation halving with τ (C = 3, τ = 0.01 → 0.0025)', () => {
    const logits = [0.2, -0.5, 1.1];
    const p = softmax(logits);
    const dev = [0.01, 0.005, 0.0025].map((tau) =>
      maxDiff(conditionalJacobianMoments(logits, 1, tau).A, zgrJacobian(p, 1).flat()),
    );
    assert.ok(dev[2] < 1e-3, `deviation at τ = 0.0025: ${dev[2]}`);
    for (const k of [0, 1])
      assertClose([dev[k] / dev[k + 1]], [2], { rtol: 0.02, context: `deviation ratio τ → τ/2: ${dev}` });
  });

  it(
    'C = 4: the default rule agrees with a finer one (16 points, panels half as wide) to ' + '1e-9 for τ ∈ {0.1, 1, 3}',
    () => {
      const logits = [0.2, -0.5, 1.1, -1.7];
      for (const tau of [0.1, 1, 3]) {
        const a = conditionalJacobianMoments(logits, 3, tau);
        const b = conditionalJacobianMoments(logits, 3, tau, { points: 16, firstWidth: 0.125, maxWidth: 1 });
        assert.ok(
          maxDiff(a.A, b.A) < 1e-9 && maxDiff(a.Q, b.Q) < 1e-9,
          `τ = ${tau}: |ΔA| ${maxDiff(a.A, b.A)}, |ΔQ| ${maxDiff(a.Q, b.Q)}`,
        );
      }
    },
  );

  it('C = 3: A and Q agree with 100,000 conditional draws within 4.5 standard errors per entry', () => {
    const logits = [0.2, -0.5, 1.1];
    const rng = Random.fromSeed(1);
    for (const tau of [0.3, 2]) {
      const { A, Q } = conditionalJacobianMoments(logits, 0, tau);
      const mc = conditionalJacobianMC(logits, 0, tau, 100_000, Random.fromSeed(2));
      A.forEach((a, i) =>
        assert.ok(
          Math.abs(a - mc.mean.flat()[i]) <= 4.5 * mc.se.flat()[i],
          `τ = ${tau}, A entry ${i}: ${a} vs ${mc.mean.flat()[i]} ± ${mc.se.flat()[i]}`,
        ),
      );
      // Q = E[J²]: its own draws
      const n = 100_000;
      const sum = new Float64Array(9);
      const sumSq = new Float64Array(9);
      for (let k = 0; k < n; k++) {
        const J = temperedJacobian(conditionalGumbel(logits, 0, Array.from(rng.exponential(3))), tau);
        for (let i = 0; i < 3; i++)
          for (let j = 0; j < 3; j++) {
            const q = J[i][0] * J[0][j] + J[i][1] * J[1][j] + J[i][2] * J[2][j];
            sum[i * 3 + j] += q;
            sumSq[i * 3 + j] += q * q;
          }
      }
      Q.forEach((q, i) => {
        const m = sum[i] / n;
        const se = Math.sqrt((sumSq[i] / n - m * m) / (n - 1));
        assert.ok(Math.abs(q - m) <= 4.5 * se, `τ = ${tau}, Q entry ${i}: ${q} vs ${m} ± ${se}`);
      });
    }
  });

  it('refuses C = 5, an index out of range and τ ≤ 0, naming them', () => {
    assert.throws(() => conditionalJacobianMoments([0, 0, 0, 0, 0], 0, 1), /C must be 2, 3 or 4/);
    assert.throws(() => conditionalJacobianMoments([0, 0, 0], 3, 1), /x must be an index in \[0, 3\), got 3/);
    assert.throws(() => conditionalJacobianMoments([0, 0, 0], 0, 0), /tau/);
  });
});
