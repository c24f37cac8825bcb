/**
 * ReinMax at tau = 1 equals ZGR sample by sample (2J(π) − J(p)/2 = ZGR's matrix for π = (p + e_x)/2);
 * not at other tau. So the project runs ReinMax at its own tuned tau = 1.3, and says so in labels.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { estimator, estimatorLabel, Random, reinmaxGradient, withDefaults, zgrGradient } from '../../lib';
import { e3Configs, E3_PROFILES } from '../../lib/experiments/e3-vae-training';
import { assertClose, randomCase } from '../helpers';

describe('ReinMax and ZGR', () => {
  it('coincide at tau = 1 on 500 random (logits, x, v), C = 2…6', () => {
    const rng = Random.fromSeed(17);
    for (let k = 0; k < 500; k++) {
      const { logits, v, x } = randomCase(rng);
      assertClose(reinmaxGradient(logits, x, v, { tau: 1 }), zgrGradient(logits, x, v), {
        atol: 1e-14,
        rtol: 1e-12,
        context: `case ${k}`,
      });
    }
  });

  it('differ at tau = 1.5 (so the check above can fail)', () => {
    const [logits, x, v] = [[0.3, -0.2, 1], 1, [1, -1, 0.5]];
    const gap = Math.max(
      ...reinmaxGradient(logits, x, v, { tau: 1.5 }).map((g, j) => Math.abs(g - zgrGradient(logits, x, v)[j])),
    );
    assert.ok(gap > 1e-3, `gap ${gap}`);
  });
});

describe(
  'ReinMax on its own terms: τ = 1.3 by default, never τ = 1 (ZGR) by accident, τ < 1 ' + 'named as outside its API',
  () => {
    const row = estimator('reinmax');
    it("the registry default is τ = 1.3, ReinMax's tuned 8×4 value (PAPER.md E3)", () => {
      assert.equal(withDefaults(row).tau, 1.3);
      assert.equal(row.label(withDefaults(row)), 'ReinMax(τ=1.3)');
    });
    it('labels say that τ = 1 is ZGR and that the official API refuses τ < 1', () => {
      assert.equal(row.label({ tau: 1 }), 'ReinMax(τ=1) ≡ ZGR');
      assert.equal(row.label({ tau: 0.5 }), 'ReinMax(τ=0.5; official API refuses τ<1)');
      assert.equal(row.label({ tau: 1.5 }), 'ReinMax(τ=1.5)');
    });
    it(
      'E3: the quick profile runs ReinMax at τ = 1.3, lr 5e-4, and the tuned 8×4 settings of ' +
        'the table; no profile runs it at τ ≤ 1',
      () => {
        const quick = e3Configs(E3_PROFILES.quick);
        const settings = quick.filter((c) => c.seed === 0).map((c) => `${estimatorLabel(c.estimator)} lr ${c.lr}`);
        assert.deepEqual(settings, [
          'ST(t=1.3) lr 0.001',
          'ST-GS(τ=0.5) lr 0.0003',
          'GR-MC100(τ=0.5) lr 0.0005',
          'ZGR lr 0.0002', // the horizon grid's winner (protocol.ts HORIZON_WINNERS)
          'ReinMax(τ=1.3) lr 0.0005',
        ]);
        for (const profile of [E3_PROFILES.quick, E3_PROFILES.medium, E3_PROFILES.paper]) {
          const taus = e3Configs(profile)
            .filter((c) => c.estimator.name === 'reinmax')
            .map((c) => c.estimator.options!.tau);
          assert.ok(taus.length > 0 && taus.every((t) => t > 1), `ReinMax taus ${taus}`);
        }
      },
    );
  },
);
