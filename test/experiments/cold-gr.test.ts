/** Cold GR: the MSE_K formula from one ST-GS run agrees with a direct GR-MCK run; GR → ZGR as tau → 0. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { float64, Random } from '../../lib';
import { randomPolynomialProblem } from '../../lib/checks/c3-quadratic-unbiasedness';
import { registryStats } from '../../lib/exact/registry-stats';
import { runColdGr } from '../../lib/experiments/cold-gr';

describe('cold GR experiment', () => {
  it('MSE of GR-MC10 from the ST-GS decomposition equals a direct GR-MC10 run within 5 SE', () => {
    const problem = randomPolynomialProblem(float64, Random.fromSeed(7), [3, 3], 2);
    const rng = Random.fromSeed(61);
    const tau = 0.3;
    const one = registryStats(problem, 'stGs', { tau }, { samplesPerState: 6000, rng });
    const predicted = one.biasNorm ** 2 + (one.variance - one.noiseVariance) + one.noiseVariance / 10;
    const direct = registryStats(problem, 'grMck', { tau, K: 10 }, { samplesPerState: 2000, rng });
    const se = Math.hypot(one.se.variance, direct.se.variance) + 2 * (one.biasNorm * one.se.biasNorm + direct.biasNorm * direct.se.biasNorm);
    assert.ok(Math.abs(direct.mse - predicted) < 5 * se, `direct ${direct.mse} vs predicted ${predicted} (5 SE = ${5 * se})`);
  });

  it('as tau → 0 the bias of GR vanishes and MSE of GR-MC1000 approaches ZGR’s (within 10%), while GR-MC1’s noise grows', () => {
    const r = runColdGr({ taus: [0.02, 1], Ks: [1, 1000], samplesPerState: 3000, Cs: [3, 3], problemSeed: 7 });
    const [cold, warm] = r.rows;
    assert.ok(Math.abs(cold.mse[1] - r.zgr.mse) < 0.1 * r.zgr.mse, `GR-MC1000 at tau 0.02: ${cold.mse[1]} vs ZGR ${r.zgr.mse}`);
    assert.ok(cold.noiseVariance > 20 * warm.noiseVariance, `noise variance ${cold.noiseVariance} at tau 0.02 vs ${warm.noiseVariance} at 1`);
    assert.ok(cold.biasNorm < warm.biasNorm / 5, `bias ${cold.biasNorm} at tau 0.02 vs ${warm.biasNorm} at 1`);
  });
});
