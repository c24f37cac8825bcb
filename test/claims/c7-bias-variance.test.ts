/**
 * C7: the ST-ZGR family practically dominates the GR family in bias and std, and beats RLOO(M) at
 * equal cost — the verdict function (lib/checks/c7-bias-variance.ts) on constructed points, and
 * the measurement plus verdict on exact toys (lib/experiments/c7-toys.ts), asserting exactly what
 * holds there and what does not.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { c7BiasVariance, dominatedBy, C7_THRESHOLDS } from '../../lib/checks/c7-bias-variance';
import type { EstimatorPoint } from '../../lib/exact/family-quality';
import type { Interval, Quality } from '../../lib/exact/quality';
import { C7_TOYS, runC7Toy } from '../../lib/experiments/c7-toys';

const iv = (estimate: number, se = 0): Interval => ({ estimate, low: Math.max(0, estimate - 2 * se), high: estimate + 2 * se, se });
function pt(family: EstimatorPoint['family'], label: string, beta: number, sigma: number, se = 0, extra: Partial<EstimatorPoint> = {}): EstimatorPoint {
  const quality: Quality = {
    method: se > 0 ? 'monte-carlo' : 'exact',
    relativeBias: iv(beta, se), relativeStd: iv(sigma, se), cosine: iv(1 / Math.hypot(1, beta)), rescaledMse: iv((beta ** 2 + sigma ** 2) / (1 + beta ** 2 + sigma ** 2)),
    scaleFreeBias: iv(beta, se), scaleFreeStd: iv(sigma, se), bestScale: 1, gradientNorm: 1, confidence: 0.95,
  };
  return { name: family === 'GR-MCK(τ)' ? 'grMck' : 'stZgr', options: {}, label, family, param: 0, cost: 1, quality, ...extra };
}
// ST-ZGR(a): bias falls from 0.5 (ST) to 0 (ZGR) while the std rises from 1 to 2
const family = Array.from({ length: 11 }, (_, k) => pt('ST-ZGR(a)', `a=${k / 10}`, 0.5 * (1 - k / 10), 1 + k / 10, 0, { param: k / 10 }));

describe('C7: the verdict (lib/checks/c7-bias-variance.ts)', () => {
  it('a GR member worse in both coordinates is dominated, by the member with the smallest bias that beats it', () => {
    const by = dominatedBy(pt('GR-MCK(τ)', 'gr', 0.3, 1.9), family, 'scaleFree');
    assert.equal(by?.label, 'a=0.9'); // a = 0.9: β 0.05, σ 1.9 — the a = 1 member has σ 2.0 > 1.9
  });

  it('a GR member better than every member in one coordinate beyond the uncertainty is not dominated', () => {
    assert.equal(dominatedBy(pt('GR-MCK(τ)', 'gr', 0.2, 0.9, 0.01), family, 'scaleFree'), null); // σ 0.9 < 1 by 10 SE
  });

  it('within the uncertainty counts as no larger; beyond it does not', () => {
    // σ 1.95 vs the a = 1 member's 2.0 (bias 0): within 1.96 SE only when SE ≥ 0.0255
    assert.equal(dominatedBy(pt('GR-MCK(τ)', 'gr', 0, 1.95, 0.03), family, 'scaleFree')?.label, 'a=1');
    assert.equal(dominatedBy(pt('GR-MCK(τ)', 'gr', 0, 1.95, 0.02), family, 'scaleFree'), null);
  });

  it('a GR member whose mean does not point along ∇ (scale-free metrics undefined) is dominated by any member', () => {
    const opposed = pt('GR-MCK(τ)', 'gr', 0.3, 1);
    opposed.quality.scaleFreeBias = null;
    opposed.quality.scaleFreeStd = null;
    assert.notEqual(dominatedBy(opposed, family, 'scaleFree'), null);
  });

  it('the report says which GR members are not dominated, and fails then', () => {
    const r = c7BiasVariance([...family, pt('GR-MCK(τ)', 'beaten', 0.3, 1.9), pt('GR-MCK(τ)', 'winner', 0.2, 0.9, 0.01)], 'synthetic');
    assert.equal(r.holds, false);
    assert.deepEqual(r.rows.filter((x) => x.by == null).map((x) => x.gr.label), ['winner']);
    assert.match(r.summary, /1 of 2 GR members practically dominated.*not: winner/);
    assert.equal(r.thresholds, C7_THRESHOLDS);
  });

  it('refuses an ST-ZGR grid with fewer than 11 values of a', () => {
    assert.throws(() => c7BiasVariance([...family.slice(0, 5), pt('GR-MCK(τ)', 'g', 1, 1)], 'x'), /has 5 values of a, at least 11/);
  });
});

describe('C7 on exact toys (notebook 03)', () => {
  const quadratic = runC7Toy(C7_TOYS[0]);
  const find = (points: EstimatorPoint[], label: string) => {
    const p = points.find((q) => q.label === label);
    if (p == null) throw new Error(`no estimator labelled ${label}`);
    return p;
  };

  it('cold GR tends to ZGR (C1): GR-MC1000(τ=0.1) has ZGR’s bias (0 on a quadratic, C3) within its interval, and ZGR’s end of the family dominates it', () => {
    const cold = find(quadratic.points, 'GR-MC1000(τ=0.1)');
    assert.ok(find(quadratic.points, 'ST-ZGR(a=1)').quality.scaleFreeBias!.estimate < 1e-12); // a = 1 is ZGR: unbiased up to rounding
    assert.equal(cold.quality.scaleFreeBias!.low, 0, `cold GR β interval [${cold.quality.scaleFreeBias!.low}, ${cold.quality.scaleFreeBias!.high}] should reach ZGR's 0`);
    const row = quadratic.report.rows.find((r) => r.gr.label === 'GR-MC1000(τ=0.1)')!;
    assert.ok(row.by != null && row.by.param! >= 0.8, `dominated by ${row.by?.label ?? 'nothing'}; expected a member near ZGR (a ≥ 0.8)`);
  });

  it('hot GR is biased: its bias interval excludes 0 for τ ≥ 1, growing with τ', () => {
    const betas = [1, 2, 3].map((tau) => find(quadratic.points, `GR-MC1000(τ=${tau})`).quality.scaleFreeBias!);
    betas.forEach((b, i) => assert.ok(b.low > 0, `τ=${[1, 2, 3][i]}: β interval [${b.low}, ${b.high}] reaches 0`));
    assert.ok(betas[0].high < betas[1].low && betas[1].high < betas[2].low, `β not increasing in τ: ${betas.map((b) => b.estimate)}`);
  });

  it('what holds on the quadratic toy: the equal-cost half (M = 2, 4, 8); what does not: dominance of warm GR (GR-MC1000 at τ = 1)', () => {
    const r = quadratic.report;
    assert.deepEqual(r.equalCost.map((e) => e.M), [2, 4, 8]);
    r.equalCost.forEach((e) => assert.ok(e.ratio < 1, `M=${e.M}: ratio ${e.ratio}`));
    assert.equal(r.comparisons[0].holds, false);
    const open = r.rows.filter((x) => x.by == null).map((x) => x.gr);
    assert.ok(open.some((g) => g.label === 'GR-MC1000(τ=1)'), `undominated: ${open.map((g) => g.label)}`);
    assert.ok(open.every((g) => g.param! >= 0.5 && (g.K ?? 1) >= 10), `an undominated member outside τ ≥ 0.5, K ≥ 10: ${open.map((g) => g.label)}`);
  });

  it('what holds on the cubic toy: every GR member dominated; RLOO(M) wins at equal cost for M = 4 and 8', () => {
    const cubic = runC7Toy(C7_TOYS[1]).report;
    assert.equal(cubic.comparisons[0].holds, true, cubic.summary);
    assert.deepEqual(cubic.equalCost.map((e) => e.ratio < 1), [true, false, false], cubic.summary);
  });
});
