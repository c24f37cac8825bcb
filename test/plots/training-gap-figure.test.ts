/**
 * C7's training verdict as a picture (lib/plots/training-gap-figure.ts): ZGR − peer per epoch with
 * the check's Welch 95% interval, guides at 0 and δ, one-seed peers without a band.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { E5_MEASURE } from '../../lib/checks/c7-training';
import { estimatorStyle } from '../../lib/estimators/spec';
import { studentQuantile, welch } from '../../lib/math/stats';
import { trainingGapFigure } from '../../lib/plots/training-gap-figure';
import type { Figure, Trace } from '../../lib/plots/types';
import { e5Run as run } from '../helpers';
import { integerAxisProblems, styleProblems } from './style-checks';

const lines = (f: Figure) => f.data.filter((t) => t.showlegend !== false);
const round = (xs: unknown) => (xs as number[]).map((v) => Math.round(v * 1e12) / 1e12);
const title = (f: Figure) => String((f.layout.title as { text: string }).text);

describe('trainingGapFigure', () => {
  const results = [
    run('zgr', 0, [0.6, 0.4]),
    run('zgr', 1, [0.62, 0.42]),
    run('grMck', 0, [0.6, 0.38], { tau: 0.5, K: 10 }),
    run('grMck', 1, [0.6, 0.39], { tau: 0.5, K: 10 }),
    run('st', 0, [0.5, 0.3]),
    run('rloo', 0, [0.9, 0.7], { M: 2 }),
    run('rloo', 1, [0.9, 0.72], { M: 2 }),
  ];
  const fig = trainingGapFigure(results, E5_MEASURE, { title: 'E5 · gaps', margin: 0.01, omit: ['rloo'] });

  it('draws ZGR − peer per epoch in registry colours, guides at δ and 0; omitted estimators are named', () => {
    assert.deepEqual(
      lines(fig).map((t) => t.name),
      ['GR-MC10(τ=0.5)', 'ST (1 seed)', 'margin δ = 0.01 (GR-MCK)', '0: level with ZGR'],
    );
    assert.deepEqual(round(lines(fig)[0].y), [0.01, 0.025], 'ZGR means 0.61, 0.41 against 0.6, 0.385');
    assert.deepEqual(round(lines(fig)[1].y), [0.11, 0.11]);
    assert.deepEqual(lines(fig)[2].y, [0.01, 0.01]);
    assert.equal(
      ((lines(fig)[0] as Trace).line as { color: string }).color,
      estimatorStyle({ name: 'grMck', options: { tau: 0.5, K: 10 } }).colour,
    );
    assert.match(title(fig), /left out, off this scale: RLOO\(M=2\)/);
    assert.match(title(fig), /ZGR 2 seed\(s\)/);
    assert.deepEqual(integerAxisProblems(fig, 'xaxis'), []);
    assert.deepEqual(styleProblems(fig), []);
  });

  it("bands the check's Welch 95% interval where both have 2 seeds, and a one-seed peer not at all", () => {
    const w = welch({ mean: 0.41, sd: Math.SQRT2 * 0.01, n: 2 }, { mean: 0.385, sd: Math.SQRT1_2 * 0.01, n: 2 });
    const half = studentQuantile(0.975, w.df) * w.se;
    const bands = fig.data.filter((t) => t.showlegend === false);
    assert.deepEqual(
      bands.map((t) => t.name),
      ['GR-MC10(τ=0.5) band', 'GR-MC10(τ=0.5) band'],
      'only GR-MC10 has a band: its lower and upper edge',
    );
    assert.deepEqual(round(bands[0].y)[1], Math.round((0.025 - half) * 1e12) / 1e12);
    assert.deepEqual(round(bands[1].y)[1], Math.round((0.025 + half) * 1e12) / 1e12);
  });

  it('refuses a margin ≤ 0, runs without ZGR, and nothing left to draw', () => {
    assert.throws(() => trainingGapFigure(results, E5_MEASURE, { title: 't', margin: 0 }), /margin must be > 0, got 0/);
    assert.throws(
      () => trainingGapFigure(results.slice(2), E5_MEASURE, { title: 't', margin: 0.01 }),
      /no ZGR runs to take the gaps from/,
    );
    assert.throws(
      () => trainingGapFigure(results.slice(0, 2), E5_MEASURE, { title: 't', margin: 0.01 }),
      /no peer setting left to draw/,
    );
  });
});
