/**
 * C1: E[J_tau(logits + G) | argmax = x] → (diag(p) − p pᵀ + (e_x − p)(e_x − p)ᵀ)/2 as tau → 0,
 * the deviation about linear in tau; hence GR-MCK → ZGR.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Random, softmax, zgrGradient } from '../../lib';
import { c1ZeroTemperatureLimit } from '../../lib/checks/c1-zero-temperature-limit';
import { zgrJacobian } from '../../lib/exact/tempered-jacobian';
import { assertClose } from '../helpers';

describe('C1: the zero-temperature limit of Gumbel-Rao is ZGR', () => {
  it('C = 2 (quadrature): the deviation is linear in tau — log-log slope within 0.02 of 1 for tau ≤ 0.01 — and below 2e-4 at tau = 0.001', () => {
    for (const x of [0, 1]) {
      const r = c1ZeroTemperatureLimit({ logits: [0.3, -0.4], x, taus: [0.01, 0.005, 0.002, 0.001] });
      assert.ok(Math.abs(r.slope - 1) < 0.02, `x = ${x}: slope ${r.slope}; rows ${JSON.stringify(r.rows.map((q) => [q.tau, q.deviation]))}`);
      assert.ok(r.rows[3].deviation < 2e-4, `x = ${x}: deviation ${r.rows[3].deviation} at tau = 0.001`);
    }
  });

  it('C = 3 (Monte Carlo, 300000 draws per tau): the deviation decreases with tau beyond 5 SE, log-log slope in [0.7, 1.3]', () => {
    const r = c1ZeroTemperatureLimit({ logits: [0.5, -0.3, 0.1], x: 0, taus: [0.5, 0.25, 0.125], samples: 300000, rng: Random.fromSeed(41) });
    const [first, , last] = r.rows;
    assert.ok(first.deviation - last.deviation > 5 * (first.se + last.se), `deviation ${last.deviation} at tau ${last.tau} not below ${first.deviation} by 5 SE (${first.se + last.se})`);
    assert.ok(r.slope > 0.7 && r.slope < 1.3, `slope ${r.slope}; rows ${JSON.stringify(r.rows.map((q) => [q.tau, q.deviation, q.se]))}`);
  });

  it('the limit Jacobian applied to v is ZGR: J_ZGRᵀ v = zgrGradient (so GR-MCK → ZGR)', () => {
    const logits = [0.2, -1.1, 0.7, 0.4];
    const v = [0.5, -2, 1.25, 0.3];
    const p = softmax(logits);
    for (let x = 0; x < 4; x++) {
      const J = zgrJacobian(p, x);
      const Jv = J.map((_, j) => J.reduce((s, row, i) => s + row[j] * v[i], 0)); // Jᵀ v
      assertClose(Jv, zgrGradient(logits, x, v), { atol: 1e-15, context: `x = ${x}` });
    }
  });
});
