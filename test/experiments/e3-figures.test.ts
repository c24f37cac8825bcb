/**
 * Figure builders of notebook 06 (lib/plots/e3-figures.ts; C7's, lib/plots/c7-figures.ts, are
 * tested in test/claims/c7-bias-variance.test.ts): result records in, plotly specs and markdown
 * tables out, with registry colours.
 */
import { describe, it } from 'node:test';
import { finishedRun } from '../helpers';
import assert from 'node:assert/strict';
import type { VaeRunResult } from '../../lib/experiments/e3-vae-training';
import { normaliseConfig } from '../../lib/experiments/e3-vae-training';
import { estimatorStyle } from '../../lib/estimators/spec';
import { e3CurvesFigure, e3FinalTable, e3Groups } from '../../lib/plots/e3-figures';
import { integerAxisProblems, styleProblems } from '../plots/style-checks';

function run(name: string, seed: number, test: number[], options?: Record<string, number>, lr?: number): VaeRunResult {
  const config = normaliseConfig({
    C: 8,
    numLatents: 4,
    estimator: { name, options },
    seed,
    epochs: test.length,
    ...(lr != null ? { lr } : {}),
  });
  return finishedRun(
    `${name}-${seed}`,
    config,
    test.map((t, i) => ({
      epoch: i + 1,
      step: 10 * (i + 1),
      trainNegElbo: t + 5,
      testNegElbo: t,
      wallTimeS: i,
    })),
  );
}

describe('E3 figures', () => {
  const results = [run('zgr', 0, [200, 150]), run('zgr', 1, [210, 160]), run('st', 0, [205, 170])];

  it('groups seeds: mean, min and max per epoch', () => {
    const [zgr] = e3Groups(results);
    assert.deepEqual(zgr.seeds, [0, 1]);
    assert.deepEqual(zgr.test, { mean: [205, 155], min: [200, 150], max: [210, 160] });
  });

  it('curves: one line with a band per estimator, in its registry colour', () => {
    const f = e3CurvesFigure(results, '8x4', 'test');
    const lines = f.data.filter((t) => t.mode === 'lines+markers');
    assert.deepEqual(
      lines.map((t) => t.name),
      ['ZGR', 'ST'],
    );
    assert.equal((lines[0].line as { color: string }).color, estimatorStyle({ name: 'zgr' }).colour);
    assert.deepEqual(lines[0].y, [205, 155]);
    assert.throws(() => e3CurvesFigure(results, '4x24', 'test'), /no runs of configuration 4x24/);
    assert.deepEqual(integerAxisProblems(f, 'xaxis'), [], 'epochs are whole numbers');
    assert.equal((f.layout.xaxis as { dtick: number }).dtick, 1);
    assert.deepEqual(styleProblems(f), []);
  });

  it(
    'ReinMax(τ=1) runs are not drawn over ZGR\'s: one curve "ZGR ' +
      '≡ ReinMax(τ=1)"; learning rates join labels when they differ',
    () => {
      const withReinmax = [
        ...results,
        run('reinmax', 0, [201, 151], { tau: 1 }),
        run('reinmax', 0, [199, 149], { tau: 1.3 }, 5e-4),
      ];
      const f = e3CurvesFigure(withReinmax, '8x4', 'test');
      const names = f.data.filter((t) => t.showlegend !== false).map((t) => t.name);
      assert.deepEqual(names, ['ZGR ≡ ReinMax(τ=1), lr 0.001', 'ST, lr 0.001', 'ReinMax(τ=1.3), lr 0.0005']);
      assert.match(String((f.layout.title as { text: string }).text), /ReinMax\(τ=1\) runs drawn as ZGR's curve/);
      const quick = e3CurvesFigure([...results, run('reinmax', 0, [199, 149], { tau: 1.3 })], '8x4', 'train');
      assert.ok(
        quick.data.some((t) => t.name === 'ZGR ≡ ReinMax(τ=1)'),
        'beside another ReinMax, ZGR says it is ReinMax(τ=1)',
      );
      assert.ok(
        e3CurvesFigure(results, '8x4', 'test').data.some((t) => t.name === 'ZGR'),
        'without ReinMax, plain ZGR',
      );
    },
  );

  it('table: final −ELBO mean ± sd over seeds, and the difference to ZGR with its Welch 95% interval', () => {
    const t = e3FinalTable(results);
    assert.match(t, /\| 8x4 \| ZGR \| lr 0\.001 \| 2 \| 2 \| 160\.00 ± 7\.07 \| 155\.00 ± 7\.07 \| – \| 50\.0 \|/);
    // a setting with one seed: no sd, and no interval (it would borrow ZGR's spread alone)
    assert.match(
      t,
      /\| 8x4 \| ST \| lr 0\.001 \| 1 \| 2 \| 175\.00 \| 170\.00 \| \+15\.00 \(one seed: no interval\) \|/,
    );
    // two seeds each: ST − ZGR = 180 − 160 = 20, sd 7.07 both, se = √(25 + 25) = 7.07, Welch df = 2:
    // t(0.975, 2) = 4.303, half-width 30.42
    const twoSt = [...results, run('st', 1, [205, 180])];
    assert.match(
      e3FinalTable(twoSt),
      /\| ST \| lr 0\.001 \| 2 \| 2 \| 180\.00 ± 7\.07 \| .* \| \+20\.00 \[−10\.42, \+50\.42\] \|/,
    );
  });

  it("table: the reference is ZGR's setting with the most seeds (the horizon grid's winner beside its cells)", () => {
    const grid = [...results, run('zgr', 0, [300, 150], {}, 7e-4)];
    const t = e3FinalTable(grid);
    assert.match(t, /\| ZGR \| lr 0\.001 \| 2 \| 2 \| 160\.00 ± 7\.07 \| .* \| – \|/);
    assert.match(t, /\| ZGR \| lr 0\.0007 \| 1 \| 2 \| 155\.00 \| .* \| −5\.00 \(one seed: no interval\) \|/);
  });
});
