/**
 * registryStats: exact for sample functions; Monte Carlo (with SE) for ST-GS and GR-MCK, checked
 * against quadrature.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  estimatorStats,
  float64,
  perVariable,
  quadraticLoss,
  Random,
  softmax,
  zgrGradient,
  type Problem,
} from '../../lib';
import { registryStats } from '../../lib/exact/registry-stats';
import { expectedJacobianBinary, softmaxJacobian } from '../../lib/exact/tempered-jacobian';
import { assertClose } from '../helpers';

const logits = [0.3, -0.4];
const p = softmax(logits);
const b = [1, -0.5];
const linear: Problem<number> = {
  F: float64,
  p: [p],
  loss: quadraticLoss(
    float64,
    [
      [0, 0],
      [0, 0],
    ],
    b,
  ),
};

describe('registryStats', () => {
  it('is the exact enumeration for estimators that are functions of the sample', () => {
    const problem: Problem<number> = {
      F: float64,
      p: [softmax([0.2, -0.3, 0.5]), softmax([1, 0])],
      loss: quadraticLoss(
        float64,
        [
          [1, 0, 0, 2, 0],
          [0, -1, 0, 0, 1],
          [0, 0, 0.5, -2, 0],
          [1, 0, 0, 0, 0],
          [0, 3, 0, 0, 1],
        ],
        [0.5, 0, -1, 2, 1],
      ),
    };
    const viaRegistry = registryStats(problem, 'zgr');
    const direct = estimatorStats(
      problem,
      perVariable((i, x, v) => zgrGradient(problem.p[i].map(Math.log), x, v)),
    );
    assert.equal(viaRegistry.method, 'exact');
    assertClose(
      [viaRegistry.biasNorm, viaRegistry.variance, viaRegistry.mse, viaRegistry.cosine],
      [direct.biasNorm, direct.variance, direct.mse, direct.cosine],
      { atol: 1e-15, context: 'zgr' },
    );
    assertClose([viaRegistry.mse], [viaRegistry.biasNorm ** 2 + viaRegistry.variance], {
      atol: 1e-14,
      context: 'MSE = bias² + variance',
    });
  });

  it('ST-GS (Monte Carlo given the sample): its bias on a linear f matches quadrature within 5 SE', () => {
    const tau = 0.5;
    const s = registryStats(linear, 'stGs', { tau }, { samplesPerState: 40000, rng: Random.fromSeed(51) });
    const E = expectedJacobianBinary(logits, tau);
    const J = softmaxJacobian(p);
    const expectedBias = [0, 1].map((j) => E[j].reduce((acc, e, k) => acc + (e - J[j][k]) * b[k], 0));
    for (let j = 0; j < 2; j++) {
      const se = s.se.mean[0][j];
      assert.ok(
        Math.abs(s.bias[0][j] - expectedBias[j]) < 5 * se,
        `component ${j}: bias ${s.bias[0][j]} vs ${expectedBias[j]} (5 SE = ${5 * se})`,
      );
    }
    assert.ok(s.biasNorm > 5 * s.se.biasNorm, `ST-GS bias ${s.biasNorm} not resolved (SE ${s.se.biasNorm})`);
  });

  it('GR-MCK has the same mean as ST-GS and less variance', () => {
    const rng = Random.fromSeed(52);
    const one = registryStats(linear, 'stGs', { tau: 0.3 }, { samplesPerState: 20000, rng });
    const ten = registryStats(linear, 'grMck', { tau: 0.3, K: 10 }, { samplesPerState: 20000, rng });
    for (let j = 0; j < 2; j++) {
      const se = Math.hypot(one.se.mean[0][j], ten.se.mean[0][j]);
      assert.ok(
        Math.abs(one.mean[0][j] - ten.mean[0][j]) < 5 * se,
        `means differ at ${j}: ${one.mean[0][j]} vs ${ten.mean[0][j]}`,
      );
    }
    // Var(g) = Var_x(E[g|x]) + E_x Var(g|x); GR-MCK divides the second term by K
    assert.ok(ten.variance < one.variance, `GR-MC10 variance ${ten.variance} ≥ ST-GS ${one.variance}`);
  });

  it('rejects GS (relaxed forward) and a missing rng by name', () => {
    assert.throws(() => registryStats(linear, 'gs'), /gs has a relaxed forward value/);
    assert.throws(() => registryStats(linear, 'grMck'), /grMck needs Monte Carlo: option rng is required/);
  });
});
