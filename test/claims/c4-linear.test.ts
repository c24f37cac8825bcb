/**
 * C4: for linear f, ST, DARN and ZGR are unbiased (exact); ST-GS and GR-MCK are biased at tau > 0,
 * the bias shrinking to 0 as tau → 0, while the variance GR-MCK must average out grows like 1/tau.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Random, rational } from '../../lib';
import { c3Moments, isZero, randomRationalProblem } from '../../lib/checks/c3-quadratic-unbiasedness';
import { c4LinearRelaxedBias } from '../../lib/checks/c4-linear';

describe('C4: linear functions', () => {
  it('ST, DARN and ZGR are exactly unbiased on 50 random rational linear functions', () => {
    const rng = Random.fromSeed(8);
    for (let k = 0; k < 50; k++) {
      const r = c3Moments(randomRationalProblem(rng, [2 + (k % 3), 3], 1));
      for (const name of ['st', 'darn', 'zgr'] as const) assert.ok(isZero(rational, r.bias[name]), `${name} biased on case ${k}`);
    }
  });

  it('C = 2 (quadrature): ST-GS / GR bias is positive, shrinks monotonically and about linearly as tau → 0', () => {
    const r = c4LinearRelaxedBias({ logits: [0.3, -0.4], v: [1, -0.5], taus: [1, 0.5, 0.25, 0.1, 0.05, 0.02], rng: Random.fromSeed(9), samples: 20000 });
    r.rows.forEach((row, k) => {
      assert.ok(row.biasNorm > 0, `bias ${row.biasNorm} at tau ${row.tau}`);
      if (k > 0) assert.ok(row.biasNorm < r.rows[k - 1].biasNorm, `bias does not shrink from tau ${r.rows[k - 1].tau} to ${row.tau}`);
    });
    assert.ok(r.rows[r.rows.length - 1].biasNorm < 0.01 * r.rows[0].biasNorm, `bias at tau 0.02 is ${r.rows[r.rows.length - 1].biasNorm}`);
    assert.ok(r.biasSlope > 0.8, `bias slope ${r.biasSlope}`);
  });

  it('C = 3 (Monte Carlo): the bias at tau = 1 exceeds 5 SE and falls below it by tau = 0.1', () => {
    const r = c4LinearRelaxedBias({ logits: [0.5, -0.3, 0.1], v: [1, -0.5, 0.25], taus: [1, 0.1], rng: Random.fromSeed(10), samples: 200000 });
    assert.ok(r.rows[0].biasNorm > 5 * r.rows[0].biasSE, `bias ${r.rows[0].biasNorm}, SE ${r.rows[0].biasSE} at tau 1`);
    assert.ok(r.rows[1].biasNorm < r.rows[0].biasNorm / 3, `bias ${r.rows[1].biasNorm} at tau 0.1 vs ${r.rows[0].biasNorm} at tau 1`);
  });

  it('the conditional variance GR-MCK averages grows about like 1/tau (log-log slope in [−1.2, −0.8])', () => {
    const r = c4LinearRelaxedBias({ logits: [0.3, -0.4], v: [1, -0.5], taus: [0.1, 0.05, 0.025], rng: Random.fromSeed(11), samples: 40000 });
    assert.ok(r.varianceSlope > -1.2 && r.varianceSlope < -0.8, `variance slope ${r.varianceSlope}; ${JSON.stringify(r.rows.map((q) => [q.tau, q.conditionalVariance]))}`);
  });
});
