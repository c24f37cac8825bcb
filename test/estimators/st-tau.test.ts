/**
 * ST on two temperature conventions (st.ts): the E3 protocol's ST (ReinMax's code) differentiates
 * softmax(logits / τ) with its factor 1/τ; the project's ST(t) leaves the factor out.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { estimator, Random, withDefaults } from '../../lib';
import { stGradient, stTauGradient } from '../../lib/estimators/st';
import { assertClose, randomCase } from '../helpers';

describe("ST(τ)·1/τ, the E3 protocol's ST convention", () => {
  it('a hand-derived case: logits [1, −1], τ = 2, v = [1, −1]', () => {
    // q = softmax([0.5, −0.5]) = [σ(1), σ(−1)] = [0.7310586, 0.2689414]
    // J(q)ᵀ v = q ⊙ (v − ⟨q, v⟩) = [2 q0 q1, −2 q0 q1] (q0 + q1 = 1), then / τ = 2 → ±q0 q1 = ±0.1966119
    assertClose(stTauGradient([1, -1], 0, [1, -1], { tau: 2 }), [0.1966119332, -0.1966119332], {
      atol: 1e-9,
      context: 'hand case',
    });
  });

  it('equals ST(t = τ) / τ on 300 random (logits, x, v, τ), C = 2…6', () => {
    const rng = Random.fromSeed(41);
    for (let k = 0; k < 300; k++) {
      const { logits, v, x } = randomCase(rng);
      const tau = 0.2 + 2 * rng.uniform(1)[0];
      const expected = stGradient(logits, x, v, { t: tau }).map((g) => g / tau);
      assertClose(stTauGradient(logits, x, v, { tau }), expected, {
        atol: 1e-14,
        rtol: 1e-12,
        context: `case ${k}, τ = ${tau}`,
      });
    }
  });

  it('differs from ST(t = τ) at τ ≠ 1 (so the check above can fail), and equals plain ST at τ = 1', () => {
    const [logits, x, v] = [[0.3, -0.2, 1], 1, [1, -1, 0.5]];
    const gap = Math.max(
      ...stTauGradient(logits, x, v, { tau: 1.3 }).map((g, j) => Math.abs(g - stGradient(logits, x, v, { t: 1.3 })[j])),
    );
    assert.ok(gap > 1e-3, `gap ${gap}`);
    assertClose(stTauGradient(logits, x, v, { tau: 1 }), stGradient(logits, x, v), { atol: 1e-15, context: 'τ = 1' });
  });

  it('the registry row says which convention it follows, default τ = 1.3 (ST 8×4 cell of PAPER.md E3)', () => {
    const row = estimator('stTau');
    assert.equal(withDefaults(row).tau, 1.3);
    assert.equal(row.label(withDefaults(row)), 'ST(τ=1.3)·1/τ');
    assert.equal(estimator('st').label({ t: 1.3 }), 'ST(t=1.3)');
  });
});
