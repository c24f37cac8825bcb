/**
 * Figure builders of notebooks 02 and 03 (C1, C3, C4, cold GR): each draws what its results say —
 * one trace per case or K plus references, registry colours, log axes labelled with numbers,
 * guides of the stated slope, ±2 SE error bars on every estimate whose record has a standard
 * error, τ and a written beside the points of families drawn against other quantities — and
 * never samples (the inputs here are fixed records, or quadrature results that are deterministic).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { c1ZeroTemperatureLimit, type C1Result } from '../../lib/checks/c1-zero-temperature-limit';
import type { C4Result } from '../../lib/checks/c4-linear';
import { c3Moments } from '../../lib/checks/c3-quadratic-unbiasedness';
import { randomRationalProblem } from '../../lib/exact/toy-problems';
import { estimatorStyle } from '../../lib/estimators/spec';
import type { ColdGrResult } from '../../lib/experiments/cold-gr';
import {
  c1DeviationFigure,
  c3BiasFigure,
  c4BiasFigure,
  coldGrBiasVarianceFigure,
  coldGrMseFigure,
  coldGrVarianceFigure,
  logBand,
  slopeGuide,
} from '../../lib/plots/claims-figures';
import { REFERENCE_COLOUR } from '../../lib/plots/style';
import type { Figure, Trace } from '../../lib/plots/types';
import { Random } from '../../lib/random';
import { styleProblems } from './style-checks';

type Axis = { type: string; title: { text: string } };
const axes = (f: Figure) => f.layout as unknown as { xaxis: Axis; yaxis: Axis };
/** The traces that have a legend entry (bands are drawn as two extra traces without one). */
const lines = (f: Figure) => f.data.filter((t) => t.showlegend !== false);
const colour = (t: Trace) => ((t.line ?? t.marker) as { color: string }).color;
const byName = (f: Figure, name: string) => {
  const t = f.data.find((q) => q.name === name);
  assert.ok(t, `no trace named ${JSON.stringify(name)} among ${JSON.stringify(f.data.map((q) => q.name))}`);
  return t as Trace & { x: number[]; y: number[] };
};

/**
 * A cold-GR record with 3 taus and K = 1, 10 (numbers chosen by hand, not sampled), consistent:
 * mse_K = bias² + (variance − noise) + noise / K.
 */
const coldGr: ColdGrResult = {
  Ks: [1, 10],
  rows: [
    { tau: 0.1, biasNorm: 0.05, biasSE: 0.02, variance: 446, noiseVariance: 440, mse: [446.0025, 50.0025] },
    { tau: 0.5, biasNorm: 0.3, biasSE: 0.01, variance: 10, noiseVariance: 6, mse: [10.09, 4.69] },
    { tau: 2, biasNorm: 1, biasSE: 0.002, variance: 1, noiseVariance: 0.1, mse: [2, 1.91] },
  ],
  zgr: { biasNorm: 0, variance: 6.5, mse: 6.5 },
  st: { biasNorm: 0.6, variance: 2.8, mse: 3.16 },
  bestGrMse: [2, 1.91],
  stZgrFamily: [0, 0.5, 1].map((a) => ({
    a,
    biasNorm: 0.6 * (1 - a),
    variance: 2.8 + 3.7 * a,
    mse: 0.36 * (1 - a) ** 2 + 2.8 + 3.7 * a,
  })),
};

describe('figure builders of notebooks 02 and 03', () => {
  it(
    'slopeGuide is a straight line of the given log–log slope through the given point; ' + 'logBand clips at value/10',
    () => {
      const g = slopeGuide(-1, [0.1, 40], [2, 0.01], 'guide');
      assert.deepEqual(g.x, [0.01, 2]);
      assert.ok(Math.abs(g.y[0] - 400) < 1e-9 && Math.abs(g.y[1] - 2) < 1e-9, `y ${g.y}`);
      assert.equal(g.colour, REFERENCE_COLOUR);
      assert.deepEqual(logBand([1, 0.1], [0.1, 0.2]), { lower: [0.8, 0.01], upper: [1.2, 0.5] });
    },
  );

  it(
    'c1DeviationFigure: one GR-MCK-coloured line per case, a band only for Monte Carlo, a ' +
      'slope-1 guide through the coldest point, log–log',
    () => {
      const taus = [0.4, 0.1, 0.02];
      const quadrature = c1ZeroTemperatureLimit({ logits: [0.3, -0.4], x: 1, taus });
      const mc: C1Result = {
        method: 'monte-carlo',
        zgrJacobian: [[0]],
        slope: 1,
        rows: [
          { tau: 0.5, deviation: 0.05, se: 0.001, conditionalJacobian: [[0]] },
          { tau: 0.25, deviation: 0.02, se: 0.004, conditionalJacobian: [[0]] },
        ],
      };
      const fig = c1DeviationFigure([
        { label: 'quad', result: quadrature },
        { label: 'mc', result: mc },
      ]);
      assert.deepEqual(
        lines(fig).map((t) => t.name),
        ['quad', 'mc', '∝ τ (slope 1)'],
      );
      assert.deepEqual(lines(fig).map(colour), [
        estimatorStyle({ name: 'grMck' }).colour,
        estimatorStyle({ name: 'grMck' }).colour,
        REFERENCE_COLOUR,
      ]);
      assert.notEqual(
        (byName(fig, 'quad').line as { dash: string }).dash,
        (byName(fig, 'mc').line as { dash: string }).dash,
        'cases differ by dash',
      );
      assert.equal(fig.data.length, 3, 'no bands: one trace per case and the guide');
      assert.equal(byName(fig, 'quad').error_y, undefined, 'quadrature: no error bars');
      const bars = byName(fig, 'mc').error_y as { array: number[]; arrayminus: number[] };
      assert.deepEqual(
        [bars.arrayminus, bars.array],
        [
          [0.002, 0.008],
          [0.002, 0.008],
        ],
        '±2 SE error bars on the Monte Carlo estimates',
      );
      assert.deepEqual(styleProblems(fig), []);
      const guide = byName(fig, '∝ τ (slope 1)');
      assert.deepEqual(guide.x, [0.02, 0.5]);
      const coldest = quadrature.rows[2].deviation;
      assert.ok(
        Math.abs(guide.y[0] - coldest) < 1e-15 && Math.abs(guide.y[1] - 25 * coldest) < 1e-12,
        `guide ${guide.y} vs deviation ${coldest} at 0.02`,
      );
      assert.equal(axes(fig).xaxis.type, 'log');
      assert.equal(axes(fig).yaxis.type, 'log');
      assert.match(axes(fig).xaxis.title.text, /temperature τ/);
    },
  );

  it('c4BiasFigure: ST-GS-coloured lines of the bias against τ, an optional guide of the given slope', () => {
    const rows = (scale: number) =>
      [2, 0.2, 0.02].map((tau) => ({ tau, biasNorm: scale * tau * tau, biasSE: 0, conditionalVariance: 1 / tau }));
    const result = (scale: number, method: C4Result['method']): C4Result => ({
      method,
      gradient: [0, 0],
      rows: rows(scale),
      biasSlope: 2,
      varianceSlope: -1,
    });
    const plain = c4BiasFigure([{ label: 'a', result: result(1, 'quadrature') }]);
    assert.equal(plain.data.length, 1);
    const fig = c4BiasFigure(
      [
        { label: 'a', result: result(1, 'quadrature') },
        { label: 'b', result: result(0.5, 'monte-carlo') },
      ],
      { guideSlope: 2 },
    );
    assert.deepEqual(lines(fig).map(colour), [
      estimatorStyle({ name: 'stGs' }).colour,
      estimatorStyle({ name: 'stGs' }).colour,
      REFERENCE_COLOUR,
    ]);
    const guide = lines(fig)[2] as Trace & { x: number[]; y: number[] };
    assert.equal(
      guide.name,
      '∝ τ² (slope 2)',
      'plain-text superscript: plotly pads <sup> in legends with invisible characters',
    );
    assert.ok(Math.abs(guide.y[1] / guide.y[0] - 100 ** 2) < 1e-6, 'slope 2 over two decades of τ');
    assert.equal(axes(fig).yaxis.type, 'log');
    assert.equal(lines(fig)[0].error_y, undefined, 'quadrature: no error bars');
    assert.deepEqual(
      (lines(fig)[1].error_y as { array: number[] }).array,
      [0, 0, 0],
      'Monte Carlo: ±2 biasSE (0 in this record)',
    );
    assert.deepEqual(styleProblems(fig), []);
  });

  it(
    'c3BiasFigure: three bar traces (ST, DARN, ZGR) in registry colours, one bar per ' +
      'component η_ij, numbers from fractions',
    () => {
      const r = c3Moments(randomRationalProblem(Random.fromSeed(5), [2, 3], 2));
      const fig = c3BiasFigure(r.bias);
      assert.deepEqual(
        fig.data.map((t) => t.name),
        ['ST', 'DARN', 'ZGR'],
      );
      assert.deepEqual(
        fig.data.map((t) => (t.marker as { color: string }).color),
        [
          estimatorStyle({ name: 'st' }).colour,
          estimatorStyle({ name: 'darn' }).colour,
          estimatorStyle({ name: 'zgr' }).colour,
        ],
      );
      assert.equal((fig.data[0].x as string[]).length, 5, '2 + 3 components');
      assert.equal((fig.data[0].x as string[])[2], 'η<sub>2,1</sub>');
      const [st, darn, zgr] = fig.data.map((t) => t.y as number[]);
      assert.deepEqual(st, r.bias.st.flat().map(Number));
      assert.ok(
        zgr.every((b) => b === 0) && st.every((b, k) => Math.abs(b + darn[k]) < 1e-15),
        `ST ${st}, DARN ${darn}, ZGR ${zgr}`,
      );
    },
  );

  it(
    'coldGrMseFigure: a line per K (K = 1 in ST-GS colour, others GR-MCK) and ZGR / ST exact ' +
      'MSE as flat lines over the τ range',
    () => {
      const fig = coldGrMseFigure(coldGr);
      assert.deepEqual(
        lines(fig).map((t) => t.name),
        ['GR-MC1 = ST-GS', 'GR-MC10', 'ZGR (exact)', 'ST (exact)'],
      );
      assert.deepEqual(lines(fig).map(colour), [
        estimatorStyle({ name: 'stGs' }).colour,
        estimatorStyle({ name: 'grMck' }).colour,
        estimatorStyle({ name: 'zgr' }).colour,
        estimatorStyle({ name: 'st' }).colour,
      ]);
      assert.deepEqual(byName(fig, 'GR-MC10').y, [50.0025, 4.69, 1.91]);
      assert.deepEqual(byName(fig, 'ZGR (exact)').x, [0.1, 2]);
      assert.deepEqual(byName(fig, 'ZGR (exact)').y, [6.5, 6.5]);
      assert.equal(axes(fig).xaxis.type, 'log');
      assert.equal(axes(fig).yaxis.type, 'log', 'MSE from 1.91 to 446 spans more than 2 decades');
      assert.deepEqual(styleProblems(fig), []);
      assert.deepEqual(
        (axes(fig) as unknown as { yaxis: { ticktext: string[] } }).yaxis.ticktext,
        ['2', '5', '10', '20', '50', '100', '200', '500'],
        '1-2-5 labels in full, no bare digits',
      );
      assert.equal(
        axes(coldGrMseFigure({ ...coldGr, rows: coldGr.rows.slice(1) })).yaxis.type,
        'linear',
        'MSE from 1.91 to 10.09: linear',
      );
    },
  );

  it(
    'coldGrVarianceFigure: noise variance, variance of E[g|x] (= variance − noise), ZGR ' +
      'variance, and a slope −1 guide through the coldest noise point',
    () => {
      const fig = coldGrVarianceFigure(coldGr);
      assert.equal(fig.data.length, 4);
      assert.deepEqual(fig.data[0].y, [440, 6, 0.1]);
      assert.deepEqual(fig.data[1].y, [6, 4, 0.9]);
      assert.deepEqual(fig.data[2].y, [6.5, 6.5]);
      assert.equal(colour(fig.data[2]), estimatorStyle({ name: 'zgr' }).colour);
      const guide = fig.data[3] as Trace & { y: number[] };
      assert.deepEqual(
        guide.y.map((y) => Number(y.toPrecision(12))),
        [440, 22],
      );
      assert.equal(axes(fig).yaxis.type, 'log');
    },
  );

  it(
    'coldGrBiasVarianceFigure: GR curves at variance_K = (variance − noise) + noise/K, the ' +
      'ST-ZGR curve, ST and ZGR as large markers',
    () => {
      const fig = coldGrBiasVarianceFigure(coldGr);
      assert.deepEqual(
        fig.data.map((t) => t.name),
        ['GR-MC1 = ST-GS', 'GR-MC10', 'ST-ZGR(a), a = 0 … 1', 'ST (a = 0)', 'ZGR (a = 1)'],
      );
      const x10 = fig.data[1].x as number[];
      [6 + 44, 4 + 0.6, 0.9 + 0.01].forEach((expected, k) =>
        assert.ok(
          Math.abs(x10[k] - expected) < 1e-12,
          `GR-MC10 variance ${x10[k]} at tau ${coldGr.rows[k].tau}, expected ${expected}`,
        ),
      );
      assert.deepEqual(fig.data[0].x, [446, 10, 1], 'K = 1: the whole variance');
      assert.deepEqual(fig.data[1].y, [0.05, 0.3, 1]);
      assert.deepEqual(
        fig.data.map(colour),
        ['stGs', 'grMck', 'stZgr', 'st', 'zgr'].map((name) => estimatorStyle({ name }).colour),
      );
      assert.deepEqual([fig.data[3].x, fig.data[3].y, fig.data[4].x, fig.data[4].y], [[2.8], [0.6], [6.5], [0]]);
      for (const k of [0, 1]) {
        // every GR estimate of the bias has ±2 SE bars, stopping at 0 (a norm)
        const bars = fig.data[k].error_y as { array: number[]; arrayminus: number[] };
        assert.deepEqual(
          bars.array.map((v) => Number(v.toPrecision(12))),
          [0.04, 0.02, 0.004],
          `${fig.data[k].name}: +2 SE`,
        );
        assert.deepEqual(
          bars.arrayminus.map((v) => Number(v.toPrecision(12))),
          [0.04, 0.02, 0.004],
          `${fig.data[k].name}: −2 SE`,
        );
        assert.deepEqual(fig.data[k].text, ['τ=0.1', 'τ=0.5', 'τ=2'], 'each GR point names its τ');
      }
      assert.equal(fig.data[0].mode, 'lines+markers+text', 'τ written beside the GR-MC1 curve');
      assert.deepEqual(
        fig.data[0].textposition,
        ['top right', 'bottom right', 'top right'],
        'labels of neighbouring points alternate above and below',
      );
      assert.equal(fig.data[1].mode, 'lines+markers', 'the same τ rows of larger K: in the hover only');
      assert.deepEqual(fig.data[2].text, ['a=0', '', 'a=1'], 'ST-ZGR: every other a written');
      assert.deepEqual(styleProblems(fig), []);
      assert.equal((fig.data[4].marker as { size: number }).size, 13);
      assert.equal(axes(fig).xaxis.type, 'log', 'variance from 0.91 to 446');
      assert.equal(axes(fig).yaxis.type, 'linear', 'the bias starts at 0 (ZGR)');
    },
  );
});
