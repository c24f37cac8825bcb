/**
 * Figures and tables of notebook 08 (E5, quantised classifiers): pure builders, run results of
 * lib/training/quantised-task in, a plotly spec or a markdown table out (no training, no I/O).
 */
import { E5_MEASURE, finalStats } from '../checks/c7-training';
import { mean, sampleSd, studentQuantile, welch } from '../math/stats';
import type { E5Metrics, E5RunResult } from '../training/quantised-task';
import { lineFigure, type LineSeries } from './line-figure';
import { groupRuns, seedBands } from './run-groups';
import { markdownTable } from './table';
import type { Figure } from './types';

/** How each metric is drawn: its axis title, unit, and the factor from the stored value. */
const METRICS: Record<keyof E5Metrics, { title: string; unit: string; scale: number; log: 'auto' | false }> = {
  trainLoss: { title: 'train cross-entropy (sampled net)', unit: 'nats per image', scale: 1, log: 'auto' },
  testLoss: { title: 'test cross-entropy (mean-field net)', unit: 'nats per image', scale: 1, log: 'auto' },
  testAccuracy: { title: 'test accuracy (mean-field net)', unit: '%', scale: 100, log: false },
  testAccuracySampled: { title: 'test accuracy (one sampled net)', unit: '%', scale: 100, log: false },
};

const netName = (r: E5RunResult) => {
  const c = r.config;
  const net = c.model === 'mlp' ? `MLP 784–${c.hidden!.join('–')}–10` : `conv ${c.channels!.join('–')}`;
  return `${net}, ${c.levels} levels, noise scale s = ${c.noiseScale}, ${c.dataset}`;
};

/**
 * E5 training curves: one metric per epoch, one line per estimator (mean over seeds) with a band
 * from the smallest to the largest seed.
 */
export function e5CurvesFigure(results: readonly E5RunResult[], metric: keyof E5Metrics, title?: string): Figure {
  if (results.length === 0) throw new Error('e5CurvesFigure: no runs');
  const m = METRICS[metric];
  if (m == null)
    throw new Error(
      `e5CurvesFigure: unknown metric ${JSON.stringify(metric)} (known: ${Object.keys(METRICS).join(', ')})`,
    );
  const groups = groupRuns(results, (r) => `${r.label}|${r.config.lr}|${r.config.optimizer}`);
  const seeds = Math.max(...groups.map((g) => g.length));
  const spread = seeds > 1 ? `mean over ${seeds} seeds, band: min–max over seeds` : 'one seed';
  return lineFigure({
    title: title ?? `E5 · ${m.title}, ${netName(results[0])}<br><sup>${spread}</sup>`,
    x: { title: 'epoch', integer: true },
    y: { title: m.title, unit: m.unit, log: m.log },
    series: groups.map((runs): LineSeries => {
      const { epochs, band } = seedBands(runs, (h) => h[metric] * m.scale);
      const { estimator } = runs[0].config;
      return {
        estimator: estimator.name,
        options: estimator.options,
        label: runs[0].label,
        x: epochs,
        y: band.mean,
        band: { lower: band.min, upper: band.max },
        mode: 'lines+markers',
      };
    }),
  });
}

const pm = (xs: readonly number[], scale: number, digits: number) =>
  `${(scale * mean(xs)).toFixed(digits)} ± ${(scale * sampleSd(xs)).toFixed(digits)}`;
const signed = (x: number, digits: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(digits)}`;

/**
 * After the last epoch, per estimator: training cross-entropy, test cross-entropy and accuracy of
 * the mean-field net, accuracy of a sampled net (mean ± sd over seeds), the training
 * cross-entropy's difference to ZGR with its 95% interval (Welch), and the time per step.
 */
export function e5FinalTable(results: readonly E5RunResult[]): string {
  const groups = groupRuns(results, (r) => `${r.label}|${r.config.lr}|${r.config.optimizer}`).map((runs) => ({
    stats: finalStats(runs, E5_MEASURE)[0],
    last: runs.map((r) => r.history[r.history.length - 1]),
  }));
  const zgr = groups.find((g) => g.stats.name === 'zgr')?.stats;
  const rows = groups.map(({ stats: s, last }) => {
    const w = zgr && s !== zgr ? welch({ ...s.train, n: s.seeds }, { ...zgr.train, n: zgr.seeds }) : null;
    const t = w && Number.isFinite(w.df) ? studentQuantile(0.975, w.df) : 1.96;
    const versus = w == null ? '–' : `${signed(w.d, 4)} [${signed(w.d - t * w.se, 4)}, ${signed(w.d + t * w.se, 4)}]`;
    return [
      s.label,
      String(s.seeds),
      String(s.epochs),
      pm(
        last.map((h) => h.trainLoss),
        1,
        4,
      ),
      pm(
        last.map((h) => h.testLoss),
        1,
        4,
      ),
      pm(
        last.map((h) => h.testAccuracy),
        100,
        2,
      ),
      pm(
        last.map((h) => h.testAccuracySampled),
        100,
        2,
      ),
      versus,
      (s.secondsPerStep * 1000).toFixed(1),
    ];
  });
  return markdownTable(
    [
      'estimator',
      'seeds',
      'epochs',
      'train CE',
      'test CE (mean-field)',
      'test acc. % (mean-field)',
      'test acc. % (sampled)',
      'train CE − ZGR (95% CI)',
      'ms / step',
    ],
    rows,
    3,
  );
}
