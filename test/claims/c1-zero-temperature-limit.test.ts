/**
 * C1: E[J_tau(logits + G) | argmax = x] → (diag(p) − p pᵀ + (e_x − p)(e_x − p)ᵀ)/2 as tau → 0,
 * the deviation about linear in tau; hence GR-MCK → ZGR. The rules are C1_THRESHOLDS (c1Verdict).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Random, softmax, zgrGradient } from '../../lib';
import { c1Verdict, c1ZeroTemperatureLimit } from '../../lib/checks/c1-zero-temperature-limit';
import { zgrJacobian } from '../../lib/exact/tempered-jacobian';
import { assertClose } from '../helpers';

/** Both samples of C = 2, by quadrature, at the temperatures the verdict reads (τ ≤ 0.01, down to 0.001). */
const quadratureCases = () =>
  [0, 1].map((x) => ({
    label: `C = 2, x = ${x + 1}`,
    result: c1ZeroTemperatureLimit({ logits: [0.3, -0.4], x, taus: [0.01, 0.005, 0.002, 0.001] }),
  }));

describe('C1: the zero-temperature limit of Gumbel-Rao is ZGR', () => {
  it(
    'C = 2 (quadrature), both samples: the deviation is linear ' +
      'in tau and below 2e-4 at tau = 0.001 (c1Verdict holds)',
    () => {
      const report = c1Verdict(quadratureCases());
      assert.ok(report.holds, report.summary);
    },
  );

  it(
    'C = 3 (Monte Carlo, 300000 draws per tau): the deviation falls ' +
      'by more than 5 SE, about linearly in tau (c1Verdict holds)',
    () => {
      const result = c1ZeroTemperatureLimit({
        logits: [0.5, -0.3, 0.1],
        x: 0,
        taus: [0.5, 0.25, 0.125],
        samples: 300000,
        rng: Random.fromSeed(41),
      });
      const report = c1Verdict([{ label: 'C = 3, x = 1', result }]);
      assert.ok(report.holds, report.summary);
    },
  );

  it(
    'a deviation that does not vanish (each shifted up by 0.01) fails the ' +
      'verdict, on its slope and its cold value (so the checks above can fail)',
    () => {
      const [c] = quadratureCases();
      const report = c1Verdict([
        { ...c, result: { ...c.result, rows: c.result.rows.map((r) => ({ ...r, deviation: r.deviation + 0.01 })) } },
      ]);
      assert.equal(report.holds, false, report.summary);
      assert.deepEqual(
        report.comparisons.filter((q) => !q.holds).map((q) => q.name),
        ['slope (C = 2, x = 1)', 'coldest deviation (C = 2, x = 1)'],
        report.summary,
      );
    },
  );

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
