/**
 * E2: ST stalls where C3 says it is biased, and ZGR trains no worse than GR-MC10(τ = 0.5) (e2Verdict,
 * E2_THRESHOLDS).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { e2Verdict, polynomialStall, E2_THRESHOLDS, type E2Outcome } from '../../lib/checks/e2-toy-optimisation';
import { E2_PROFILES, e2Problems, runE2Problem } from '../../lib/experiments/e2-toy';
import { useBackend } from '../helpers';

/** A curve whose mean, min and max over seeds go from `start` to the given finals in one recorded step. */
const curve = (estimator: string, start: number, final: { mean: number; min?: number; max?: number }) => ({
  estimator,
  label: estimator,
  mean: [start, final.mean],
  min: [start, final.min ?? final.mean],
  max: [start, final.max ?? final.mean],
});

/**
 * The polynomial toy q = 2 (min f = 0.2025, E f at η = 0 is 0.2525) and a quadratic whose min f is 1
 * and E f(η = 0) is 3.
 */
function outcomes(o: { stMin?: number; zgrMax?: number; quadraticZgr?: number } = {}): E2Outcome[] {
  return [
    {
      problem: { slug: 'polynomial-q2', label: 'toy q = 2', minimum: 0.2025 },
      curves: [
        curve('st', 0.2525, { mean: 0.249, min: o.stMin ?? 0.248 }),
        curve('zgr', 0.2525, { mean: 0.21, max: o.zgrMax ?? 0.215 }),
        curve('grMck', 0.2525, { mean: 0.212 }),
      ],
    },
    {
      problem: { slug: 'quadratic', label: 'quadratic', minimum: 1 },
      curves: [
        curve('st', 3, { mean: 2 }),
        curve('zgr', 3, { mean: o.quadraticZgr ?? 1.1 }),
        curve('grMck', 3, { mean: 1.05 }),
      ],
    },
  ];
}

describe('E2: ST stalls where C3 says it is biased, and ZGR trains no worse than GR-MC10(τ = 0.5)', () => {
  it(
    "ST's stationary value on the polynomial toy q = 2 is 0.45·0.55² " +
      '+ 0.55·0.45² = 0.2475 (at p = 0.45; min f = 0.45² = 0.2025)',
    () => {
      assert.equal(polynomialStall(2), 0.45 * 0.55 ** 2 + 0.55 * 0.45 ** 2);
      assert.ok(Math.abs(polynomialStall(2) - 0.2475) < 1e-15, `got ${polynomialStall(2)}`);
      assert.equal(E2_THRESHOLDS.stStall, polynomialStall(2));
    },
  );

  it('holds on runs that follow both rules, with the measured numbers exact', () => {
    const report = e2Verdict(outcomes());
    assert.ok(report.holds, report.summary);
    // 0.248; 0.248 − 0.215 = 0.033; (0.21 − 0.212) / (0.2525 − 0.2025) = −0.04; (1.1 − 1.05) / (3 − 1) = 0.025
    assert.equal(report.measured.stFinalBest, 0.248);
    assert.ok(Math.abs(report.measured.zgrBelowSt - 0.033) < 1e-15, `zgrBelowSt ${report.measured.zgrBelowSt}`);
    assert.ok(
      Math.abs(report.measured['zgrVsGr:polynomial-q2'] - -0.04) < 1e-12,
      `q2 ${report.measured['zgrVsGr:polynomial-q2']}`,
    );
    assert.ok(
      Math.abs(report.measured['zgrVsGr:quadratic'] - 0.025) < 1e-15,
      `quadratic ${report.measured['zgrVsGr:quadratic']}`,
    );
  });

  it('fails when ST does not stall (best seed reaches 0.24 < 0.2475 − 0.005)', () => {
    const report = e2Verdict(outcomes({ stMin: 0.24 }));
    assert.equal(report.holds, false, report.summary);
    assert.deepEqual(
      report.comparisons.filter((c) => !c.holds).map((c) => c.name),
      ['stFinalBest'],
    );
  });

  it("fails when ZGR's worst seed is not below ST's best by 0.01 (0.242 vs 0.248)", () => {
    const report = e2Verdict(outcomes({ zgrMax: 0.242 }));
    assert.deepEqual(
      report.comparisons.filter((c) => !c.holds).map((c) => c.name),
      ['zgrBelowSt'],
      report.summary,
    );
  });

  it('fails when ZGR ends more than 5 % of the initial gap above GR-MC10 (quadratic: (1.16 − 1.05)/2 = 0.055)', () => {
    const report = e2Verdict(outcomes({ quadraticZgr: 1.16 }));
    assert.deepEqual(
      report.comparisons.filter((c) => !c.holds).map((c) => c.name),
      ['zgrVsGr:quadratic'],
      report.summary,
    );
  });

  it('names a missing problem or estimator', () => {
    assert.throws(() => e2Verdict(outcomes().slice(1)), /e2Verdict: no polynomial-q2 problem among quadratic/);
    const noGr = outcomes();
    noGr[1] = { ...noGr[1], curves: noGr[1].curves.filter((c) => c.estimator !== 'grMck') };
    assert.throws(() => e2Verdict(noGr), /e2Verdict: problem quadratic has no grMck curve \(estimators: st, zgr\)/);
  });

  it(
    "holds on the quick profile's runs, as notebook 04 trains " +
      'them (5 problems × 10 estimators × 2 seeds, 300 steps)',
    async () => {
      await useBackend('cpu');
      const config = E2_PROFILES.quick;
      const report = e2Verdict(
        e2Problems(config.qs).map((problem) => ({ problem, curves: runE2Problem(problem, config) })),
      );
      assert.ok(report.holds, report.summary);
    },
  );
});
