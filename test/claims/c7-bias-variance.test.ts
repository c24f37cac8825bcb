/**
 * C7: the ST-ZGR family practically dominates the GR family in bias and std, and beats RLOO(M) at
 * equal cost — the three-valued verdict (lib/checks/c7-bias-variance.ts) on GR members placed
 * around an exact family, the property that noise never helps the claim, and the verdicts on the
 * exact toys of notebook 03 (lib/experiments/c7-toys.ts).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  c7BiasVariance,
  C7_MARGINS,
  C7_THRESHOLDS,
  dominance,
  neededMargin,
  type Outcome,
} from '../../lib/checks/c7-bias-variance';
import type { EstimatorPoint } from '../../lib/exact/family-quality';
import { familyQuality } from '../../lib/exact/family-quality';
import type { Interval, Quality } from '../../lib/exact/quality';
import { curveAt, stZgrCurve } from '../../lib/exact/st-zgr-curve';
import { C7_GRID } from '../../lib/exact/c7-grid';
import { C7_TOYS, c7ToySource } from '../../lib/experiments/c7-toys';
import { biasVarianceFigure, c7Table, equalCostTable, qualityAcrossTable } from '../../lib/plots/c7-figures';
import { Random } from '../../lib/random';

// an exact family: the ST-ZGR members of the quadratic 3 × C=4 toy (β falls from ST to ZGR's 0 while σ rises)
const family = familyQuality(c7ToySource(C7_TOYS[2]), { ...C7_GRID, taus: [], Ks: [], reinmaxTaus: [], Ms: [] });
const curve = stZgrCurve(family);
const mid = curveAt(curve, 0.5);

const iv = (estimate: number, half: number): Interval => ({
  estimate,
  low: Math.max(0, estimate - half),
  high: estimate + half,
  se: half / 1.96,
});
/**
 * A GR member at (β, σ) with interval half-widths `half` (× β and × σ), its mean's projection interval
 * `projection`.
 */
function gr(label: string, beta: number, sigma: number, half = 0, projection: Interval = iv(1, 0)): EstimatorPoint {
  const quality: Quality = {
    method: half > 0 ? 'monte-carlo' : 'exact',
    relativeBias: iv(beta, 0),
    relativeStd: iv(sigma, 0),
    cosine: iv(1 / Math.hypot(1, beta), 0),
    rescaledMse: iv((beta ** 2 + sigma ** 2) / (1 + beta ** 2 + sigma ** 2), 0),
    scaleFreeBias: projection.estimate > 0 ? iv(beta, half * beta) : null,
    scaleFreeStd: projection.estimate > 0 ? iv(sigma, half * sigma) : null,
    projection,
    meanSquared: 1,
    secondMoment: 1,
    bestScale: 1,
    gradientNorm: 1,
    confidence: 0.95,
  };
  return { name: 'grMck', options: {}, label, family: 'GR-MCK(τ)', param: 1, K: 10, cost: 1, quality };
}

describe('C7: the three-valued verdict with declared margins (lib/checks/c7-bias-variance.ts)', () => {
  it('the declared margins are β + 0.02 and σ × 1.05 (PAPER.md C7)', () => {
    assert.deepEqual(C7_MARGINS, { beta: 0.02, sigmaFactor: 1.05 });
    assert.equal(C7_THRESHOLDS.margins, C7_MARGINS);
  });

  it(
    'a member on the family (exact) is strictly dominated (a tie); one 1 % better in σ is ' +
      'strictly not dominated but practically dominated; one 10 % better is not dominated',
    () => {
      const strict = { beta: 0, sigmaFactor: 1 };
      assert.equal(dominance(curve, gr('on', mid.beta!, mid.sigma!), strict), 'dominated');
      assert.equal(dominance(curve, gr('1%', mid.beta!, mid.sigma! * 0.99), strict), 'not dominated');
      assert.equal(dominance(curve, gr('1%', mid.beta!, mid.sigma! * 0.99)), 'dominated');
      assert.equal(dominance(curve, gr('10%', mid.beta!, mid.sigma! * 0.9)), 'not dominated');
    },
  );

  it(
    'neededMargin is the smallest λ with some a: β_a ≤ β_g + 0.02λ, σ_a ≤ (1 + ' +
      '0.05λ)σ_g — equal to a 20001-point scan of min over a of the larger of the two',
    () => {
      for (const [b, s] of [
        [mid.beta! - 0.01, mid.sigma! * 0.97],
        [mid.beta! + 0.01, mid.sigma! * 0.9],
        [0.001, 1.5],
        [0.3, mid.sigma! * 1.2],
      ]) {
        const { lambda, a } = neededMargin(curve, b, s);
        let scan = Infinity;
        for (let k = 0; k <= 20000; k++) {
          const c = curveAt(curve, k / 20000);
          if (c.beta != null) scan = Math.min(scan, Math.max((c.beta - b) / 0.02, (c.sigma! / s - 1) / 0.05));
        }
        assert.ok(
          lambda <= scan + 1e-9 && lambda >= scan - 1e-3 * Math.max(1, Math.abs(scan)),
          `β ${b}, σ ${s}: λ ${lambda} at a = ${a}, scan ${scan}`,
        );
      }
    },
  );

  it(
    'noise never helps: widening a GR member’s intervals never turns "not ' +
      'dominated" (or "undecided") into "dominated", on 400 random members',
    () => {
      const rng = Random.fromSeed(5);
      let notDominatedSeen = 0;
      let turnedUndecided = 0;
      for (let k = 0; k < 400; k++) {
        const [u, w] = rng.uniform(2);
        const a = u;
        const c = curveAt(curve, a);
        const member = (half: number) =>
          gr('g', Math.max(0.001, c.beta! + 0.06 * (w - 0.5)), c.sigma! * (0.85 + 0.3 * rng.uniform(1)[0]), half);
        const base = member(0);
        let last: Outcome = dominance(curve, base);
        if (last === 'not dominated') notDominatedSeen++;
        for (const half of [0.01, 0.03, 0.1, 0.3, 1, 3]) {
          const widened = {
            ...base,
            quality: {
              ...base.quality,
              scaleFreeBias: iv(base.quality.scaleFreeBias!.estimate, half * base.quality.scaleFreeBias!.estimate),
              scaleFreeStd: iv(base.quality.scaleFreeStd!.estimate, half * base.quality.scaleFreeStd!.estimate),
            },
          };
          const o = dominance(curve, widened);
          if (last !== 'dominated')
            assert.notEqual(o, 'dominated', `member ${k}: ${last} became dominated at half-width ${half}`);
          assert.ok(
            o === 'undecided' || o === last,
            `member ${k}: ${last} → ${o} at half-width ${half} (wider intervals only move towards undecided)`,
          );
          last = o;
        }
        if (last === 'undecided') turnedUndecided++;
      }
      assert.ok(
        notDominatedSeen > 50 && turnedUndecided > 200,
        `${notDominatedSeen} members start not dominated, ${turnedUndecided} end undecided`,
      );
    },
  );

  it(
    'opposed only with an interval: E g·∇̂ below 0 beyond the ' +
      'noise is dominated; an interval that reaches 0 is undecided',
    () => {
      assert.equal(
        dominance(curve, gr('opposed', 0.3, 1, 0, { estimate: -0.2, low: -0.3, high: -0.1, se: 0.05 })),
        'dominated',
      );
      assert.equal(
        dominance(curve, gr('unresolved', 0.3, 1, 0, { estimate: -0.05, low: -0.2, high: 0.1, se: 0.07 })),
        'undecided',
      );
      // β defined by the estimate, but the projection's interval reaches 0: σ unbounded above, never "not dominated"
      assert.equal(
        dominance(
          curve,
          gr('unresolved+', mid.beta!, mid.sigma! * 0.5, 0, { estimate: 0.05, low: -0.01, high: 0.11, se: 0.03 }),
        ),
        'undecided',
      );
    },
  );

  it(
    'the report: holds when all are dominated, fails when one is not ' +
      'dominated, undecided blocks; strict verdict and worst margin printed',
    () => {
      const held = c7BiasVariance([...family, gr('beaten', mid.beta! + 0.05, mid.sigma! * 1.2)], 'synthetic');
      assert.equal(held.biasVariance.verdict, 'holds');
      const failed = c7BiasVariance(
        [...family, gr('beaten', mid.beta! + 0.05, mid.sigma! * 1.2), gr('winner', mid.beta!, mid.sigma! * 0.8)],
        'synthetic',
      );
      assert.equal(failed.biasVariance.verdict, 'fails');
      assert.equal(failed.verdict, 'fails');
      assert.equal(failed.holds, false);
      assert.equal(failed.biasVariance.worst?.gr.label, 'winner');
      assert.match(failed.summary, /not dominated: winner/);
      assert.match(failed.summary, /strict \(margins 0\): fails/);
      assert.match(failed.summary, /worst margin: winner needs \d/);
      const blocked = c7BiasVariance(
        [...family, gr('beaten', mid.beta! + 0.05, mid.sigma! * 1.2), gr('noisy', mid.beta!, mid.sigma! * 0.9, 0.5)],
        'synthetic',
      );
      assert.equal(blocked.biasVariance.verdict, 'undecided');
      assert.equal(blocked.holds, false);
    },
  );
});

describe('C7 on exact toys (notebook 03): every moment exact, GR’s by quadrature', () => {
  const measured = C7_TOYS.map((toy) => familyQuality(c7ToySource(toy), C7_GRID));
  const reports = C7_TOYS.map((toy, k) => c7BiasVariance(measured[k], toy.name));
  /** the members not strictly dominated, with the multiple of the declared margins each needs */
  const strictlyOpen = (k: number) =>
    reports[k].biasVariance.rows.filter((r) => r.strict !== 'dominated').map((r) => [r.gr.label, r.needed!] as const);
  const assertOpen = (k: number, expected: [string, number][]) => {
    const got = strictlyOpen(k);
    assert.deepEqual(
      got.map(([l]) => l),
      expected.map(([l]) => l),
      reports[k].biasVariance.summary,
    );
    // λ to 1e-5: the quadrature is good to ~1e-10, the bisection to 1e-12; τ off by 1 % moves λ by more than 1e-3
    got.forEach(([l, lambda], i) =>
      assert.ok(
        Math.abs(lambda - expected[i][1]) < 1e-5,
        `${C7_TOYS[k].name}, ${l}: needs ${lambda} × the margins, expected ${expected[i][1]}`,
      ),
    );
  };

  it(
    'the Monte Carlo cross-check: every GR member’s exact β and σ lie within 4.5 ' +
      'standard errors of the Monte Carlo estimate (quadratic 2 × C=3, 20 × 200 draws)',
    () => {
      const mc = familyQuality(c7ToySource(C7_TOYS[0], 0), C7_GRID).filter((p) => p.family === 'GR-MCK(τ)');
      for (const m of mc) {
        const exact = measured[0].find((p) => p.label === m.label)!;
        assert.equal(exact.quality.method, 'exact');
        for (const key of ['scaleFreeBias', 'scaleFreeStd'] as const) {
          const e = exact.quality[key]!.estimate;
          const i = m.quality[key]!;
          assert.ok(
            Math.abs(e - i.estimate) <= 4.5 * i.se + 1e-12,
            `${m.label} ${key}: exact ${e}, Monte Carlo ${i.estimate} ± ${i.se}`,
          );
        }
      }
    },
  );

  it(
    'quadratic 2 × C=3: practically holds (every member dominated with margins β + 0.02, σ × ' +
      '1.05); strictly fails for 8 members, the worst GR-MC1000(τ=1) needing 0.70 × the margins',
    () => {
      assert.equal(reports[0].biasVariance.verdict, 'holds', reports[0].biasVariance.summary);
      assert.equal(reports[0].biasVariance.strictVerdict, 'fails');
      assertOpen(0, [
        ['GR-MC1000(τ=0.1)', 0.03764048],
        ['GR-MC100(τ=0.3)', 0.1623582],
        ['GR-MC1000(τ=0.3)', 0.3264103],
        ['GR-MC100(τ=0.5)', 0.5089364],
        ['GR-MC1000(τ=0.5)', 0.5955465],
        ['GR-MC10(τ=1)', 0.4059514],
        ['GR-MC100(τ=1)', 0.6742848],
        ['GR-MC1000(τ=1)', 0.7017042],
      ]);
      assert.equal(reports[0].biasVariance.worst?.gr.label, 'GR-MC1000(τ=1)');
    },
  );

  it(
    'cubic 2 × C=3: practically holds; strictly, cold GR (τ = 0.1, every K) ' +
      'is a near-tie with ZGR — its β 2.1e-4 below ZGR’s, 0.0105 × the margin',
    () => {
      assert.equal(reports[1].biasVariance.verdict, 'holds', reports[1].biasVariance.summary);
      assertOpen(
        1,
        ['ST-GS(τ=0.1)', 'GR-MC10(τ=0.1)', 'GR-MC100(τ=0.1)', 'GR-MC1000(τ=0.1)'].map((l) => [l, 0.01052353]),
      );
      for (const r of reports[1].biasVariance.rows.filter((x) => x.strict !== 'dominated'))
        assert.equal(r.a, 1, `${r.gr.label} is nearest ZGR (a = 1)`);
    },
  );

  it(
    'quadratic 3 × C=4: practically holds; strictly, GR-MC1000 at τ = ' +
      '0.3 and 0.5 are not dominated, by 0.0094 and 0.022 × the margins',
    () => {
      assert.equal(reports[2].biasVariance.verdict, 'holds', reports[2].biasVariance.summary);
      assertOpen(2, [
        ['GR-MC1000(τ=0.3)', 0.009410334],
        ['GR-MC1000(τ=0.5)', 0.02158675],
      ]);
    },
  );

  it(
    'the figure draws the family from its closed form, labelled at a = 0, 0.5, 1 only, ' +
      'and τ only at the ends of the last K; the tables carry the outcome and the winning a',
    () => {
      const fig = biasVarianceFigure(measured[0], 'quadratic');
      const labels = fig.data.flatMap((t) => ((t as { text?: string[] }).text ?? []).filter((x) => x !== ''));
      assert.deepEqual(
        labels.filter((l) => l.startsWith('a=')),
        ['a=0', 'a=0.5', 'a=1'],
      );
      // GR-MC1000's ends and ReinMax's hottest
      assert.deepEqual(labels.filter((l) => l.startsWith('τ=')).sort(), ['τ=0.1', 'τ=3', 'τ=3'], `τ labels: ${labels}`);
      assert.match(c7Table(reports[0]), /\| GR-MC1000\(τ=1\) \|.*\| dominated \| not dominated \| 0\.702 \|/);
      assert.match(equalCostTable(reports[2]), /\| 2 \| [0-9.]+ \| 0 \|/);
    },
  );

  it(
    'adaptive draws (Monte Carlo GR): rounds are pooled until se(β), se(σ) < a ' +
      'third of the margins or the budget is spent, and an undecided member says which',
    () => {
      const adaptive = { maxRounds: 4, betaMargin: C7_MARGINS.beta, sigmaFactor: C7_MARGINS.sigmaFactor };
      const grid = { ...C7_GRID, taus: [0.1, 3], Ks: [1, 10], reinmaxTaus: [], Ms: [2], adaptive };
      const points = familyQuality(c7ToySource(C7_TOYS[1], 0), grid);
      const grs = points.filter((p) => p.family === 'GR-MCK(τ)');
      for (const g of grs) {
        const d = g.draws!;
        const q = g.quality;
        const met =
          q.scaleFreeBias!.se < C7_MARGINS.beta / 3 &&
          q.scaleFreeStd!.se < ((C7_MARGINS.sigmaFactor - 1) * q.scaleFreeStd!.estimate) / 3;
        assert.ok(d.rounds >= 1 && d.rounds <= 4 && (d.precise || d.rounds === 4), `${g.label}: ${JSON.stringify(d)}`);
        if (d.precise)
          assert.ok(met, `${g.label}: precise but se(β) ${q.scaleFreeBias!.se}, se(σ) ${q.scaleFreeStd!.se}`);
      }
      // cold GR on the cubic (β ≈ 0.07 on a near-tie) needs more than 4 rounds of 20 × 200 draws; hot GR (τ
      // = 3) is precise at once
      const cold = grs.find((g) => g.label === 'ST-GS(τ=0.1)')!;
      assert.deepEqual(cold.draws, { rounds: 4, maxRounds: 4, precise: false });
      assert.deepEqual(grs.find((g) => g.label === 'ST-GS(τ=3)')!.draws, { rounds: 1, maxRounds: 4, precise: true });
      const row = c7BiasVariance(points, 'cubic, adaptive').biasVariance.rows.find(
        (r) => r.gr.label === 'ST-GS(τ=0.1)',
      )!;
      if (row.outcome === 'undecided') assert.match(row.decides, /draw budget \(4 of 4 rounds\) was spent/);
    },
  );

  it(
    'quadratic 2 × C=3: the mean of M ST-ZGR beats RLOO(M) ' + 'for M = 2, 4, 8, at an inner a (neither ST nor ZGR)',
    () => {
      const e = reports[0].equalCost;
      assert.ok(e.holds, e.summary);
      for (const r of e.rows) assert.ok(r.a > 0.5 && r.a < 0.7, `M = ${r.M}: a = ${r.a}`);
    },
  );

  it('cubic 2 × C=3: ZGR (a = 1) is the best mean of M, and RLOO(M) wins for M = 4 and 8', () => {
    const e = reports[1].equalCost;
    assert.deepEqual(
      e.rows.map((r) => [r.M, r.a, r.holds]),
      [
        [2, 1, true],
        [4, 1, false],
        [8, 1, false],
      ],
      e.summary,
    );
  });

  it(
    'quadratic 3 × C=4: the winner is plain ST (a = 0) at M ' + '= 2 and 4, and the report says the evidence is for ST',
    () => {
      const e = reports[2].equalCost;
      assert.deepEqual(e.stWins, [2, 4], e.summary);
      assert.match(e.summary, /winner is plain ST \(a = 0\) at M ∈ \{2, 4\}: that evidence is for ST, not ZGR/);
    },
  );

  it('qualityAcrossTable: the chosen estimators per case, β, σ and MSE with intervals; a missing one is named', () => {
    const cases = [
      { name: 's = 1', points: [gr('ZGR', 0.01, 0.9), gr('ST', 0.1, 0.2, 0.1)] },
      { name: 's = 0.3', points: [gr('ZGR', 0.006, 0.886), gr('ST', 0.058, 0.22)] },
    ];
    const t = qualityAcrossTable(cases, ['ST', 'ZGR']);
    assert.match(t, /\| s = 1 \| ST \| 0\.100 \[0\.090, 0\.110\] \| 0\.200 \[0\.180, 0\.220\] \| 0\.048 \|/);
    assert.match(t, /\| s = 0\.3 \| ZGR \| 0\.006 \| 0\.886 \| 0\.440 \|/);
    assert.deepEqual(
      t
        .split('\n')
        .slice(2)
        .map((r) => r.split(' | ').slice(0, 2).join(' ')),
      ['| s = 1 ST', '| s = 1 ZGR', '| s = 0.3 ST', '| s = 0.3 ZGR'],
    );
    assert.throws(() => qualityAcrossTable(cases, ['DARN']), /no estimator "DARN" in case "s = 1" \(it has ZGR, ST\)/);
  });
});
