/**
 * ReinMax-Rao (reinmax-rao.ts; Wang & Bui 2026): 2 × Gumbel-Rao at θ_D = log((p + e_x)/2) in place
 * of ReinMax's first term, minus ReinMax's second term J(p)ᵀ v / 2.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { estimator, grMckGradient, Random, reinmaxGradient, softmax, withDefaults } from '../../lib';
import { reinmaxRaoGradient, thetaD } from '../../lib/estimators/reinmax-rao';
import { assertClose, randomCase } from '../helpers';

const jP = (logits: number[], v: number[]) => {
  const p = softmax(logits);
  const pv = p.reduce((s, pj, j) => s + pj * v[j], 0);
  return p.map((pj, j) => pj * (v[j] - pv));
};

describe('ReinMax-Rao', () => {
  it('hand-derived: logits [0, 0], x = 0, τ = 1, K = 1, E = [1, 1], v = [1, 0]', () => {
    // p = [½, ½], θ_D = log([¾, ¼]), Z' = 1. Conditional draw: s_x = log Z' − log E_x = 0,
    // s_1 = −log(E_1 e^{−θ_1} + E_x / Z') = −log(4 + 1) = −log 5; q = softmax(s) = [5/6, 1/6]
    // J(q)ᵀ v = [q0 q1, −q0 q1] = ±5/36; J(p)ᵀ v = ±1/4; g = 2·5/36 − 1/8 = 11/72 = 0.1527778
    assertClose(thetaD([0, 0], 0), [Math.log(0.75), Math.log(0.25)], { atol: 1e-15, context: 'θ_D' });
    assertClose(reinmaxRaoGradient([0, 0], 0, [1, 0], { tau: 1, K: 1 }, [[1, 1]]), [11 / 72, -11 / 72], {
      atol: 1e-14,
      context: 'hand case',
    });
  });

  it("equals 2 GR-MCK(θ_D) − J(p)ᵀ v / 2 on the same noise (GR-MCK's own code path), 200 cases", () => {
    const rng = Random.fromSeed(47);
    for (let k = 0; k < 200; k++) {
      const { C, logits, v, x } = randomCase(rng);
      const K = rng.integer(1, 4);
      const E = Array.from({ length: K }, () => Array.from(rng.exponential(C)));
      const gr = grMckGradient(thetaD(logits, x), x, v, { tau: 0.7, K }, E);
      const jp = jP(logits, v);
      assertClose(
        reinmaxRaoGradient(logits, x, v, { tau: 0.7, K }, E),
        gr.map((g, j) => 2 * g - jp[j] / 2),
        { atol: 1e-13, rtol: 1e-11, context: `case ${k}` },
      );
    }
  });

  it('θ_D is log((p + e_x)/2), finite where p underflows', () => {
    const logits = [0.3, -1.2, 2];
    const p = softmax(logits);
    assertClose(
      thetaD(logits, 1),
      p.map((pj, j) => Math.log((pj + (j === 1 ? 1 : 0)) / 2)),
      { atol: 1e-14, context: 'θ_D' },
    );
    assert.ok(thetaD([1e4, -1e4], 0).every(Number.isFinite));
  });

  it(
    'over many perturbations, τ = 1 at θ_D is not ReinMax(τ = 1) (so the checks above can ' +
      'fail: it is a new estimator)',
    () => {
      const rng = Random.fromSeed(5);
      const [logits, x, v] = [[0.3, -0.2, 1], 1, [1, -1, 0.5]];
      const E = Array.from({ length: 2000 }, () => Array.from(rng.exponential(3)));
      const gap = Math.max(
        ...reinmaxRaoGradient(logits, x, v, { tau: 1, K: 2000 }, E).map((g, j) =>
          Math.abs(g - reinmaxGradient(logits, x, v, { tau: 1 })[j]),
        ),
      );
      assert.ok(gap > 1e-2, `gap ${gap}`);
    },
  );

  it('registry defaults τ = 0.7, K = 32 (PAPER.md E3)', () => {
    const row = estimator('reinmaxRao');
    assert.deepEqual(withDefaults(row), { tau: 0.7, K: 32 });
    assert.equal(row.label(withDefaults(row)), 'ReinMax-Rao32(τ=0.7)');
  });
});
