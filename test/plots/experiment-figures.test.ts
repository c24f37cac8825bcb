/**
 * Figure builders of notebooks 04 (E2) and 05 (E6): the E2 figure draws each estimator's gap to
 * the minimum with its min–max band in its registry colour on a log axis; the E6 figures draw
 * ratios to ST as bars on a log axis with a line at 1, and GR-MCK's time against K with a
 * slope-1 guide. Inputs are fixed records (no training, no timing).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { estimatorStyle } from '../../lib/estimators/spec';
import type { E2Curve } from '../../lib/experiments/e2-toy';
import type { CostRow, E6Result } from '../../lib/experiments/e6-cost';
import { E2_GAP_FLOOR, e2ObjectiveFigure, e6GrByKFigure, e6RatioFigure } from '../../lib/plots/experiment-figures';
import { REFERENCE_COLOUR } from '../../lib/plots/style';
import type { Figure, Trace } from '../../lib/plots/types';
import { integerAxisProblems, styleProblems } from './style-checks';

type Axis = { type: string; title: { text: string } };
const axes = (f: Figure) => f.layout as unknown as { xaxis: Axis; yaxis: Axis };
const lines = (f: Figure) => f.data.filter((t) => t.showlegend !== false);
const colour = (t: Trace) => ((t.line ?? t.marker) as { color: string }).color;

function curve(name: string, options: Record<string, number>, perSeed: number[][]): E2Curve {
  const steps = perSeed[0].map((_, k) => 10 * k);
  const at = (k: number) => perSeed.map((s) => s[k]);
  const { label, colour } = estimatorStyle({ name, options });
  return {
    problem: 'p',
    estimator: name,
    options,
    label,
    colour,
    steps,
    perSeed,
    mean: steps.map((_, k) => at(k).reduce((a, b) => a + b, 0) / perSeed.length),
    min: steps.map((_, k) => Math.min(...at(k))),
    max: steps.map((_, k) => Math.max(...at(k))),
  };
}

function costRow(estimator: string, options: Record<string, number>, callMs: number, stepMs: number): CostRow {
  const { label, colour } = estimatorStyle({ name: estimator, options });
  return { estimator, options, label, colour, callMs, callRatio: callMs / 2, stepMs, stepRatio: stepMs / 0.5 };
}

describe('figure builders of notebooks 04 and 05', () => {
  it(
    'e2ObjectiveFigure: per estimator a band (min–max over seeds) and a mean line of E f − ' +
      'min f, registry colours, log y, floor for gaps at 0',
    () => {
      const problem = { label: 'Σ|b−0.45|^1.5/n', minimum: -1 };
      const curves = [
        curve('zgr', {}, [
          [3, 1, 0],
          [3, 2, -1],
        ]),
        curve('grMck', { tau: 0.5, K: 10 }, [
          [3, 2, 1],
          [3, 2, 1],
        ]),
        curve('rloo', { M: 2 }, [
          [3, 3, 2],
          [3, 1, 2],
        ]),
      ];
      const fig = e2ObjectiveFigure(problem, curves);
      assert.equal(fig.data.length, 3 * 3, 'two band edges and one line per estimator');
      assert.deepEqual(
        lines(fig).map((t) => t.name),
        ['ZGR', 'GR-MC10(τ=0.5)', 'RLOO(M=2)'],
      );
      assert.deepEqual(lines(fig).map(colour), [
        estimatorStyle({ name: 'zgr' }).colour,
        estimatorStyle({ name: 'grMck' }).colour,
        estimatorStyle({ name: 'rloo' }).colour,
      ]);
      const zgrLine = lines(fig)[0];
      const floor = E2_GAP_FLOOR * 4; // the largest gap is 3 − (−1)
      assert.deepEqual(zgrLine.y, [4, 2.5, 0.5]);
      assert.deepEqual(
        fig.data[0].y,
        [4, 2, floor],
        'lower band edge: the smallest seed, a gap of 0 drawn at the floor',
      );
      assert.deepEqual(fig.data[1].y, [4, 3, 1], 'upper band edge');
      assert.equal(fig.data[1].fill, 'tonexty');
      assert.deepEqual(zgrLine.x, [0, 10, 20]);
      assert.equal(axes(fig).yaxis.type, 'log');
      assert.equal(axes(fig).yaxis.title.text, 'E f − min f');
      assert.match(
        String((fig.layout.title as { text: string }).text),
        /\|b−0\.45\|<sup>1\.5<\/sup>\/n.*min f = -1.*2 seeds.*min–max/,
      );
      assert.throws(
        () => e2ObjectiveFigure({ label: 'x', minimum: 3 }, [curve('zgr', {}, [[3, 3]])]),
        /at the minimum/,
      );
      assert.deepEqual(integerAxisProblems(fig, 'xaxis'), [], 'training steps are whole numbers');
      assert.deepEqual(styleProblems(fig), []);
      assert.deepEqual(
        lines(fig).map((t) => (t.marker as { symbol: string }).symbol),
        ['circle', 'square', 'diamond'],
        'one marker symbol per estimator',
      );
    },
  );

  const e6: E6Result = {
    rows: [
      costRow('st', {}, 2.2, 0.5),
      costRow('zgr', {}, 3, 0.75),
      costRow('grMck', { tau: 0.5, K: 10 }, 60, 1.5),
      costRow('grMck', { tau: 0.5, K: 100 }, 600, 3),
      costRow('rloo', { M: 2 }, 6, 1),
    ],
    grByK: [
      { K: 1, callMs: 6 },
      { K: 10, callMs: 60 },
      { K: 100, callMs: 600 },
    ],
    grSlope: 1,
  };

  it(
    'e6RatioFigure: one bar trace per row (call and step ratio), registry colours, hatching ' +
      'for the second GR-MCK, log y and a line at 1',
    () => {
      const fig = e6RatioFigure(e6);
      assert.deepEqual(
        fig.data.map((t) => t.name),
        ['ST (timed again)', 'ZGR', 'GR-MC10(τ=0.5)', 'GR-MC100(τ=0.5)', 'RLOO(M=2)'],
      );
      assert.deepEqual(
        fig.data.map((t) => (t.marker as { color: string }).color),
        ['st', 'zgr', 'grMck', 'grMck', 'rloo'].map((name) => estimatorStyle({ name }).colour),
      );
      assert.deepEqual(
        fig.data.map((t) => (t.marker as { pattern?: { shape: string } }).pattern?.shape ?? null),
        [null, null, null, '/', null],
      );
      assert.deepEqual(fig.data[1].y, [1.5, 1.5]);
      assert.equal((fig.data[0].x as string[]).length, 2);
      assert.equal(axes(fig).yaxis.type, 'log');
      const shapes = fig.layout.shapes as { y0: number; y1: number; xref: string }[];
      assert.deepEqual(
        shapes.map((s) => [s.y0, s.y1, s.xref]),
        [[1, 1, 'paper']],
      );
      assert.deepEqual(styleProblems(fig), []);
    },
  );

  it(
    'e6GrByKFigure: GR-MCK against K on log–log axes, a slope-1 guide through the largest K, ' +
      'ST and ZGR call times flat',
    () => {
      const fig = e6GrByKFigure(e6, { tau: 0.5 });
      assert.deepEqual(
        fig.data.map((t) => t.name),
        ['GR-MCK', '∝ K (slope 1)', 'ST', 'ZGR'],
      );
      assert.deepEqual(fig.data.map(colour), [
        estimatorStyle({ name: 'grMck' }).colour,
        REFERENCE_COLOUR,
        estimatorStyle({ name: 'st' }).colour,
        estimatorStyle({ name: 'zgr' }).colour,
      ]);
      assert.deepEqual(fig.data[1].x, [1, 100]);
      assert.deepEqual(
        (fig.data[1].y as number[]).map((y) => Number(y.toPrecision(12))),
        [6, 600],
      );
      assert.deepEqual(fig.data[2].y, [2, 2], "ST's reference time = callMs / callRatio");
      assert.deepEqual(fig.data[3].y, [3, 3]);
      assert.equal(axes(fig).xaxis.type, 'log');
      assert.equal(axes(fig).yaxis.type, 'log');
      assert.equal(axes(fig).yaxis.title.text, 'time per call (ms)');
      assert.match(String((fig.layout.title as { text: string }).text), /τ=0\.5.*slope 1\.00/);
      assert.deepEqual(styleProblems(fig), []);
      assert.deepEqual(
        fig.data.slice(2).map((t) => t.mode),
        ['lines', 'lines'],
        'flat references: lines without markers',
      );
    },
  );
});
