/**
 * C4: for linear f, ST, DARN and ZGR are unbiased (exact); ST-GS and GR-MCK are biased at tau > 0,
 * the bias shrinking to 0 as tau → 0, while the variance GR-MCK must average out grows like 1/tau.
 * The rules are C4_THRESHOLDS (c4Verdict).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Random, rational } from '../../lib';
import { c3Moments } from '../../lib/checks/c3-quadratic-unbiasedness';
import { c4LinearRelaxedBias, c4Verdict, type C4Result } from '../../lib/checks/c4-linear';
import { randomRationalProblem } from '../../lib/exact/toy-problems';

/** 50 random rational linear functions of two variables, and the two sweeps of the relaxed estimators. */
function measure() {
  const rng = Random.fromSeed(8);
  return {
    linear: Array.from({ length: 50 }, (_, k) => c3Moments(randomRationalProblem(rng, [2 + (k % 3), 3], 1))),
    quadrature: c4LinearRelaxedBias({
      logits: [0.3, -0.4],
      v: [1, -0.5],
      taus: [1, 0.5, 0.25, 0.1, 0.05, 0.02],
      rng: Random.fromSeed(9),
      samples: 40000,
    }),
    monteCarlo: c4LinearRelaxedBias({
      logits: [0.5, -0.3, 0.1],
      v: [1, -0.5, 0.25],
      taus: [1, 0.1],
      rng: Random.fromSeed(10),
      samples: 200000,
    }),
  };
}

describe('C4: linear functions', () => {
  const measured = measure();

  it(
    'ST, DARN, ZGR exactly unbiased on 50 random linear functions; ' +
      'the ST-GS / GR bias positive, shrinking about like ' +
      'tau² (C = 2, quadrature) and beyond 5 SE at tau = 1 (C = 3); the conditional variance ∝ 1/tau (c4Verdict holds)',
    () => {
      const report = c4Verdict(rational, measured);
      assert.ok(report.holds, report.summary);
    },
  );

  it(
    'the verdict fails on quadratics in place of linear functions, on a bias ' +
      'that stops shrinking and on a flat variance (so the check above can fail)',
    () => {
      const { linear, quadrature } = measured;
      const rng = Random.fromSeed(12);
      const quadratics = Array.from({ length: 5 }, () => c3Moments(randomRationalProblem(rng, [2, 3], 2)));
      const stalled: C4Result = {
        ...quadrature,
        rows: quadrature.rows.map((r) => ({ ...r, biasNorm: Math.max(r.biasNorm, 0.01), conditionalVariance: 1 })),
      };
      const failing = (report: ReturnType<typeof c4Verdict>) =>
        report.comparisons.filter((c) => !c.holds).map((c) => c.name);
      assert.deepEqual(failing(c4Verdict(rational, { ...measured, linear: quadratics })), ['biasedLinear']);
      assert.deepEqual(failing(c4Verdict(rational, { ...measured, linear, quadrature: stalled })), [
        'notShrinking',
        'coldToWarm',
        'biasSlope',
        'varianceSlope',
      ]);
    },
  );
});
