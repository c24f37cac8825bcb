/**
 * Cold GR: the MSE_K formula from one ST-GS run agrees with a direct GR-MCK run; GR → ZGR as tau → 0
 * (C1_THRESHOLDS.coldGr).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { float64, Random } from '../../lib';
import { c1ColdGrVerdict } from '../../lib/checks/c1-zero-temperature-limit';
import { randomPolynomialProblem } from '../../lib/exact/toy-problems';
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
    const se =
      Math.hypot(one.se.variance, direct.se.variance) +
      2 * (one.biasNorm * one.se.biasNorm + direct.biasNorm * direct.se.biasNorm);
    assert.ok(
      Math.abs(direct.mse - predicted) < 5 * se,
      `direct ${direct.mse} vs predicted ${predicted} (5 SE = ${5 * se})`,
    );
  });

  it(
    'as tau → 0 GR-MC1000’s MSE and the variance of E[g | x] approach ZGR’s, the bias vanishes ' +
      'and the noise grows like 1/tau (c1ColdGrVerdict holds) — and not ST’s (so the check can fail)',
    () => {
      const cold = runColdGr({
        taus: [0.02, 0.05, 0.1, 0.2, 1],
        Ks: [1, 1000],
        samplesPerState: 3000,
        Cs: [3, 3],
        problemSeed: 7,
      });
      const report = c1ColdGrVerdict(cold);
      assert.ok(report.holds, report.summary);
      const againstSt = c1ColdGrVerdict({ ...cold, zgr: cold.st });
      assert.deepEqual(
        againstSt.comparisons.filter((c) => !c.holds).map((c) => c.name),
        ['mseGap', 'varianceGap'],
        againstSt.summary,
      );
    },
  );
});
