/**
 * Figure builders of notebook 08 (lib/plots/e5-figures.ts) and C7's training verdict on E5's
 * measure (lib/checks/c7-training.ts with E5_MEASURE): result records in, plotly specs, markdown
 * tables and verdicts out.
 */
import { describe, it } from 'node:test';
import { e5Run as run } from '../helpers';
import assert from 'node:assert/strict';
import { C7_TRAINING_E5_THRESHOLDS, checkC7Training, E5_MEASURE, finalStats } from '../../lib/checks/c7-training';
import { estimatorStyle } from '../../lib/estimators/spec';
import { e5CurvesFigure, e5FinalTable } from '../../lib/plots/e5-figures';
import { integerAxisProblems, styleProblems } from '../plots/style-checks';

describe('E5 figures and the training verdict', () => {
  const results = [
    run('zgr', 0, [0.6, 0.4]),
    run('zgr', 1, [0.6, 0.42]),
    run('grMck', 0, [0.6, 0.41], { tau: 1, K: 10 }),
    run('grMck', 1, [0.6, 0.43], { tau: 1, K: 10 }),
    run('rloo', 0, [0.7, 0.5], { M: 2 }),
    run('rloo', 1, [0.7, 0.52], { M: 2 }),
  ];

  it('curves: one line with a min–max band over seeds per estimator, in its registry colour; accuracy in %', () => {
    const f = e5CurvesFigure(results, 'testAccuracy');
    const lines = f.data.filter((t) => t.mode === 'lines+markers');
    assert.deepEqual(
      lines.map((t) => t.name),
      ['ZGR', 'GR-MC10(τ=1)', 'RLOO(M=2)'],
    );
    assert.equal((lines[0].line as { color: string }).color, estimatorStyle({ name: 'zgr' }).colour);
    assert.deepEqual(
      (lines[0].y as number[]).map((y) => Number(y.toFixed(6))),
      [40, 59],
    );
    assert.match(String((f.layout.yaxis as { title: { text: string } }).title.text), /^test accuracy.*%/);
    assert.match(
      String((f.layout.title as { text: string }).text),
      /^E5 · test accuracy \(mean-field net\), noise scale s = 1<br>/,
    );
    assert.match(
      String((f.layout.title as { text: string }).text),
      /noise scale s = 1\b/,
      'the title states the noise scale',
    );
    assert.match(String((f.layout.title as { text: string }).text), /mean over 2 seeds, band/);
    const mixed = e5CurvesFigure(results.slice(0, 5), 'trainLoss');
    assert.match(String((mixed.layout.title as { text: string }).text), /mean over 1–2 seeds \(per setting\)/);
    assert.deepEqual(integerAxisProblems(f, 'xaxis'), []);
    assert.deepEqual(styleProblems(f), []);
    assert.throws(() => e5CurvesFigure(results, 'bogus' as never), /unknown metric "bogus"/);
    assert.throws(() => e5CurvesFigure([], 'trainLoss'), /no runs/);
  });

  it(
    'table: every metric as mean ± sd over seeds, and the training ' +
      'cross-entropy gap to ZGR with its Welch 95% interval',
    () => {
      const t = e5FinalTable(results);
      assert.match(
        t,
        new RegExp(
          /\| ZGR \| 0\.001 \| 2 \| 2 \| 0\.4100 ± 0\.0141 \| 0\.4600 ± 0\.0141 /.source +
            /\| 59\.00 ± 1\.41 \| 57\.00 ± 1\.41 \| – \| 10\.0 \|/.source,
        ),
      );
      // GR − ZGR = 0.01, se = 0.0141, Welch df = 2: t = 4.303, half-width 0.0608
      assert.match(
        t,
        /\| GR-MC10\(τ=1\) \| 0\.001 \| 2 \| 2 \| 0\.4200 ± 0\.0141 .* \| \+0\.0100 \[−0\.0508, \+0\.0708\] \|/,
      );
    },
  );

  it('table: a one-seed setting shows its value and its gap to ZGR without an interval', () => {
    const t = e5FinalTable([...results, run('grMck', 0, [0.6, 0.39], { tau: 0.5, K: 10 })]);
    assert.match(
      t,
      new RegExp(
        /\| GR-MC10\(τ=0\.5\) \| 0\.001 \| 1 \| 2 \| 0\.3900 \| 0\.4400 \| 61\.00 \| 59\.00 \| /.source +
          /−0\.0200 \(one seed: no interval\) \|/.source,
      ),
    );
  });

  it("C7 on E5: the same check with E5's measure and δ; it holds, fails and names the measure as it should", () => {
    assert.deepEqual(
      finalStats(results, E5_MEASURE).map((s) => [
        s.name,
        Number(s.train.mean.toFixed(6)),
        Number(s.test.mean.toFixed(6)),
      ]),
      [
        ['zgr', 0.41, 0.59],
        ['grMck', 0.42, 0.58],
        ['rloo', 0.51, 0.49],
      ],
    );
    // the table's seeds are too spread (sd 0.014) to show a gap within δ = 0.01; close seeds can
    const close = [
      run('zgr', 0, [0.6, 0.4]),
      run('zgr', 1, [0.6, 0.401]),
      run('grMck', 0, [0.6, 0.405], { tau: 1, K: 10 }),
      run('grMck', 1, [0.6, 0.406], { tau: 1, K: 10 }),
      run('rloo', 0, [0.7, 0.5], { M: 2 }),
      run('rloo', 1, [0.7, 0.501], { M: 2 }),
    ];
    assert.equal(
      checkC7Training(results, 'E5 test', C7_TRAINING_E5_THRESHOLDS, E5_MEASURE).comparisons[0].holds,
      false,
      'spread seeds: not shown within δ',
    );
    const holds = checkC7Training(close, 'E5 test', C7_TRAINING_E5_THRESHOLDS, E5_MEASURE);
    assert.equal(holds.holds, true, holds.summary);
    assert.match(holds.summary, /final train cross-entropy/);
    const worse = [
      ...close.filter((r) => r.config.estimator.name !== 'zgr'),
      run('zgr', 0, [0.6, 0.44]),
      run('zgr', 1, [0.6, 0.441]),
    ];
    assert.equal(
      checkC7Training(worse, 'E5 test', C7_TRAINING_E5_THRESHOLDS, E5_MEASURE).comparisons[0].holds,
      false,
      'ZGR 0.035 nats above GR, with close seeds, fails δ = 0.01',
    );
  });
});
