/**
 * The shared figure style (lib/plots/style.ts, line-figure.ts, series.ts): log ticks that read as
 * numbers, whole-number epoch axes, the one font, error bars and point labels on estimates,
 * overlapping curves told apart, and ReinMax(τ=1) drawn once, as ZGR.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { estimatorStyle } from '../../lib/estimators/spec';
import { groupedBarFigure } from '../../lib/plots/bar-figure';
import { lineFigure } from '../../lib/plots/line-figure';
import { intervalBars, standardErrorBars } from '../../lib/plots/series';
import {
  FONT_FAMILY,
  integerTicks,
  isReinmaxAtOne,
  logTicks,
  mergeReinmaxIntoZgr,
  SYMBOLS,
  tickLabel,
  ZGR_REINMAX_LABEL,
} from '../../lib/plots/style';
import type { Trace } from '../../lib/plots/types';
import { errorBarProblems, integerAxisProblems, logAxisProblems, styleProblems, tickLabelValue } from './style-checks';

describe('log-axis ticks: numbers, never bare minor digits', () => {
  it('several decades: only decades are labelled, as plain decimals from 0.001 to 10⁴', () => {
    const t = logTicks([0.02, 3, 40])!;
    assert.deepEqual(t.ticktext, ['0.1', '1', '10']);
    assert.deepEqual(t.tickvals, [0.1, 1, 10]);
    assert.ok(
      t.minor!.tickvals.includes(0.02) && t.minor!.tickvals.includes(5),
      'the digits between decades are unlabelled minor ticks',
    );
  });
  it('beyond 10⁻³ every decade of the axis is a power of ten (one style per axis)', () => {
    const t = logTicks([2e-5, 0.3])!;
    assert.deepEqual(t.ticktext, ['10<sup>−4</sup>', '10<sup>−3</sup>', '10<sup>−2</sup>', '10<sup>−1</sup>']);
    assert.equal(tickLabel(2, -6), '2×10<sup>−6</sup>');
    assert.equal(tickLabelValue('2×10<sup>−6</sup>'), 2e-6);
  });
  it('about one decade: 1-2-5 labels in full ("0.05", not a bare "5")', () => {
    assert.deepEqual(logTicks([0.045, 0.9])!.ticktext, ['0.05', '0.1', '0.2', '0.5', '1']);
  });
  it('under a decade: denser whole values, at least 4 of them', () => {
    assert.deepEqual(logTicks([0.013, 0.055])!.ticktext, ['0.015', '0.02', '0.03', '0.04', '0.05']);
  });
  it('a dozen decades are thinned to at most 8 labels, all decades', () => {
    const t = logTicks([1e-12, 1e3])!;
    assert.ok(t.tickvals.length <= 8 && t.tickvals.length >= 3, `${t.ticktext}`);
    assert.ok(t.tickvals.every((v) => Number.isInteger(Math.round(Math.log10(v) * 1e9) / 1e9)));
  });
  it('lineFigure puts them on every log axis; the check finds plotly-default log axes', () => {
    const fig = lineFigure({
      x: { title: 'τ', log: true },
      y: { title: 'v', log: true },
      series: [{ estimator: 'zgr', x: [0.01, 0.1, 1], y: [2e-4, 0.3, 7] }],
    });
    assert.deepEqual(logAxisProblems(fig), []);
    const bare = { ...fig, layout: { ...fig.layout, yaxis: { type: 'log', dtick: 'D1' } } };
    assert.match(logAxisProblems(bare).join('\n'), /without explicit ticks/);
    const minorDigit = {
      ...fig,
      layout: {
        ...fig.layout,
        yaxis: { type: 'log', tickmode: 'array', tickvals: [0.01, 0.05, 0.1], ticktext: ['0.01', '5', '0.1'] },
      },
    };
    assert.match(logAxisProblems(minorDigit).join('\n'), /labelled "5", which reads 5/);
  });
  it('bar figures on a log axis too', () => {
    const fig = groupedBarFigure({
      categories: ['a', 'b'],
      x: { title: '' },
      y: { title: 'ratio', log: true },
      series: [{ estimator: 'st', values: [0.9, 300] }],
    });
    assert.deepEqual(logAxisProblems(fig), []);
  });
});

describe('integer axes (epochs, steps)', () => {
  it('every integer when few, a whole step when many; labels without decimals', () => {
    assert.deepEqual(integerTicks([1, 2, 3, 4]), { tickmode: 'linear', tick0: 0, dtick: 1, tickformat: 'd' });
    assert.equal(integerTicks([0, 300]).dtick, 50);
    assert.equal(integerTicks([1, 160]).dtick, 20);
    const fig = lineFigure({
      x: { title: 'epoch', integer: true },
      y: { title: 'loss' },
      series: [{ estimator: 'zgr', x: [1, 2, 3, 4], y: [4, 3, 2, 1] }],
    });
    assert.deepEqual(integerAxisProblems(fig, 'xaxis'), []);
  });
});

describe('the one font', () => {
  it(
    'every figure names the shared family: DejaVu Sans first (the widest common sans), then ' +
      'Liberation Sans and its metric twins',
    () => {
      // the exact CSS string: it is written into every SVG, which re-exports must keep byte for byte
      assert.equal(FONT_FAMILY, "'DejaVu Sans', 'Liberation Sans', Arial, Helvetica, sans-serif");
      const fig = lineFigure({ x: { title: 'x' }, y: { title: 'y' }, series: [{ label: 'a', x: [1, 2], y: [1, 2] }] });
      assert.deepEqual(styleProblems(fig), []);
      assert.match(
        styleProblems({ ...fig, layout: { ...fig.layout, font: { family: 'Helvetica' } } }).join(),
        /expected the shared/,
      );
    },
  );
});

describe('estimates carry their uncertainty and their parameter', () => {
  const se = [0.01, 0.02, 0.05];
  it('error bars: ± k standard errors or an interval, in the series colour, checked', () => {
    const fig = lineFigure({
      x: { title: 'τ', log: true },
      y: { title: 'bias', log: true },
      series: [
        {
          estimator: 'stGs',
          x: [0.1, 0.5, 1],
          y: [0.02, 0.1, 0.3],
          yError: standardErrorBars(se),
          pointLabels: ['τ=0.1', 'τ=0.5', 'τ=1'],
        },
        {
          estimator: 'zgr',
          x: [0.1, 0.5, 1],
          y: [0.5, 0.5, 0.5],
          xError: intervalBars([0.1, 0.5, 1], [0.05, 0.4, 0.9], [0.2, 0.6, 1.5]),
        },
      ],
    });
    const [gs, zgr] = fig.data as (Trace & {
      error_y?: { array: number[]; arrayminus: number[]; color: string };
      error_x?: { array: number[]; arrayminus: number[] };
    })[];
    assert.deepEqual(gs.error_y!.array, [0.02, 0.04, 0.1]);
    assert.deepEqual(gs.error_y!.arrayminus, [0.02, 0.04, 0.1]);
    assert.equal(gs.error_y!.color, estimatorStyle({ name: 'stGs' }).colour);
    assert.deepEqual(
      zgr.error_x!.arrayminus.map((v) => Number(v.toPrecision(9))),
      [0.05, 0.1, 0.1],
    );
    assert.deepEqual(
      zgr.error_x!.array.map((v) => Number(v.toPrecision(9))),
      [0.1, 0.1, 0.5],
    );
    assert.equal(gs.mode, 'lines+markers+text', 'point labels drawn beside the markers');
    assert.deepEqual(gs.text, ['τ=0.1', 'τ=0.5', 'τ=1']);
    assert.deepEqual(errorBarProblems(fig), []);
    assert.throws(
      () =>
        lineFigure({
          x: { title: 'x' },
          y: { title: 'y' },
          series: [{ estimator: 'zgr', x: [1, 2], y: [1, 2], yError: [0.1, -1] }],
        }),
      /ZGR.*yError\.minus\[1\] is -1, a half-width must be >= 0/,
    );
    assert.throws(
      () =>
        lineFigure({
          x: { title: 'x' },
          y: { title: 'y' },
          series: [{ estimator: 'zgr', x: [1, 2], y: [1, 2], yError: [0.1] }],
        }),
      /ZGR.*yError\.minus has 1 values, expected 2/,
    );
  });
  it(
    'overlapping curves: one marker symbol per series, and a legend note, dotted line, where ' + 'one lies on another',
    () => {
      const x = [1, 2, 3];
      const fig = lineFigure({
        x: { title: 'step' },
        y: { title: 'loss' },
        series: [
          { estimator: 'zgr', x, y: [3, 2, 1] },
          { estimator: 'rloo', options: { M: 2 }, x, y: [3, 2.001, 1] },
          { estimator: 'st', x, y: [3, 2.5, 2] },
        ],
      });
      const symbols = fig.data.map((t) => (t.marker as { symbol: string }).symbol);
      assert.deepEqual(symbols, SYMBOLS.slice(0, 3));
      assert.deepEqual(
        fig.data.map((t) => t.name),
        ['ZGR', 'RLOO(M=2) (coincides with ZGR)', 'ST'],
      );
      assert.equal((fig.data[1].line as { dash: string }).dash, 'dot');
    },
  );
});

describe('ReinMax(τ=1) is ZGR: drawn once', () => {
  const items = [{ name: 'zgr' }, { name: 'reinmax', options: { tau: 1 } }, { name: 'reinmax', options: { tau: 1.3 } }];
  it('a ReinMax(τ=1) item is dropped beside ZGR, whose label becomes "ZGR ≡ ReinMax(τ=1)"', () => {
    const m = mergeReinmaxIntoZgr(items, (i) => i);
    assert.deepEqual(
      m.items.map((i) => i.options?.tau ?? i.name),
      ['zgr', 1.3],
    );
    assert.equal(m.zgrLabel, ZGR_REINMAX_LABEL);
    assert.equal(mergeReinmaxIntoZgr([items[0], items[2]], (i) => i).zgrLabel, null);
    assert.equal(mergeReinmaxIntoZgr([items[0], items[2]], (i) => i, true).zgrLabel, ZGR_REINMAX_LABEL);
    assert.deepEqual(mergeReinmaxIntoZgr([items[1]], (i) => i).items, [items[1]], 'without ZGR, ReinMax(τ=1) stays');
  });
  it('isReinmaxAtOne reads τ (default from the registry: 1.3, not 1)', () => {
    assert.equal(isReinmaxAtOne('reinmax', { tau: 1 }), true);
    assert.equal(isReinmaxAtOne('reinmax'), false);
    assert.equal(isReinmaxAtOne('zgr', { tau: 1 }), false);
  });
});
