/**
 * Figures and tables of notebook 08 (E5, quantised classifiers): pure builders, run results of
 * lib/training/quantised-task in, a plotly spec or a markdown table out (no training, no I/O).
 */
import { E5_MEASURE, finalStats, type FinalStats } from '../checks/c7-training';
import type { E5Selection } from '../experiments/e5-search';
import { mean, sampleSd } from '../math/stats';
import type { E5Metrics, E5RunResult } from '../training/quantised-task';
import { settingKey } from '../training/training-run';
import { lineFigure, type LineSeries } from './line-figure';
import { gapCell, groupRuns, seedBands } from './run-groups';
import { markdownTable } from './table';
import type { Figure } from './types';

/** How each metric is drawn: its title, a short axis title, unit, and the factor from the stored value. */
const METRICS: Record<
  keyof E5Metrics,
  { title: string; axis: string; unit: string; scale: number; log: 'auto' | false }
> = {
  trainLoss: {
    title: 'train cross-entropy (sampled net)',
    axis: 'train cross-entropy',
    unit: 'nats per image',
    scale: 1,
    log: 'auto',
  },
  testLoss: {
    title: 'test cross-entropy (mean-field net)',
    axis: 'test cross-entropy',
    unit: 'nats per image',
    scale: 1,
    log: 'auto',
  },
  testAccuracy: { title: 'test accuracy (mean-field net)', axis: 'test accuracy', unit: '%', scale: 100, log: false },
  testAccuracySampled: {
    title: 'test accuracy (one sampled net)',
    axis: 'test accuracy, sampled',
    unit: '%',
    scale: 100,
    log: false,
  },
};

/** The net, its levels and data: a figure's subtitle (the noise scale s goes in the title itself). */
const netName = (r: E5RunResult) => {
  const c = r.config;
  const net = c.model === 'mlp' ? `MLP 784–${c.hidden!.join('–')}–10` : `conv ${c.channels!.join('–')}`;
  return `${net}, ${c.levels} levels, ${c.dataset}`;
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
  const groups = groupRuns(results, settingKey);
  const [fewest, most] = [Math.min(...groups.map((g) => g.length)), Math.max(...groups.map((g) => g.length))];
  const seeds = fewest === most ? `${most} seeds` : `${fewest}–${most} seeds (per setting)`;
  const spread = most > 1 ? `mean over ${seeds}, band: min–max over seeds` : 'one seed';
  return lineFigure({
    title:
      title ??
      `E5 · ${m.title}, noise scale s = ${results[0].config.noiseScale}<br><sup>${netName(results[0])}; ` +
        `${spread}</sup>`,
    x: { title: 'epoch', integer: true },
    y: { title: m.axis, unit: m.unit, log: m.log },
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
  xs.length >= 2
    ? `${(scale * mean(xs)).toFixed(digits)} ± ${(scale * sampleSd(xs)).toFixed(digits)}`
    : (scale * mean(xs)).toFixed(digits);

/**
 * After the last epoch, per estimator setting: training cross-entropy, test cross-entropy and
 * accuracy of the mean-field net, accuracy of a sampled net (mean ± sd over seeds; one seed: its
 * value), the training cross-entropy's difference to ZGR (its setting with the most seeds) with
 * its 95% interval (Welch) where both have ≥ 2 seeds, and the time per step.
 */
export function e5FinalTable(results: readonly E5RunResult[]): string {
  const groups = groupRuns(results, settingKey).map((runs) => ({
    stats: finalStats(runs, E5_MEASURE)[0],
    last: runs.map((r) => r.history[r.history.length - 1]),
  }));
  const zgr = groups
    .map((g) => g.stats)
    .filter((s) => s.name === 'zgr')
    .reduce<FinalStats | undefined>((a, b) => (a == null || b.seeds > a.seeds ? b : a), undefined);
  const rows = groups.map(({ stats: s, last }) => {
    const versus = zgr && s !== zgr ? gapCell(s, zgr, 4) : '–';
    return [
      s.label,
      String(s.lr),
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
      'lr',
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
    4,
  );
}

/**
 * A search (lib/experiments/e5-search.ts) as a markdown table: each candidate's seed-0 training
 * cross-entropy, the winner marked.
 */
export function e5SearchTable(selection: E5Selection): string {
  const rows = selection.searches.flatMap((s) =>
    s.candidates.map((c) => [
      c.label,
      String(c.lr),
      c.trainLoss == null ? 'not yet run' : c.trainLoss.toFixed(4),
      s.winner === c ? (s.complete ? '**selected**' : 'best so far') : '',
    ]),
  );
  return markdownTable(['setting', 'lr', 'train CE at seed 0, final epoch', ''], rows, 2);
}

/**
 * GR-MC10's temperature search at one noise scale: seed-0 training cross-entropy at the final epoch
 * against τ (log axis), with the seed-0 values of ZGR (GR's τ → 0 limit) and ST as levels beside.
 */
export function e5TemperatureFigure(selection: E5Selection, title?: string): Figure {
  const search = selection.searches.find((s) => s.candidates.some((c) => c.tau != null && c.trainLoss != null));
  if (search == null)
    throw new Error(`e5TemperatureFigure: no finished temperature search at s = ${selection.noiseScale}`);
  const done = search.candidates.filter((c) => c.trainLoss != null).sort((a, b) => a.tau! - b.tau!);
  const taus = search.candidates.map((c) => c.tau!).sort((a, b) => a - b);
  const span = [taus[0], taus[taus.length - 1]];
  const run = selection.results.find((r) => r.config.estimator.name === search.estimator);
  const levels = ['zgr', 'st'].flatMap((name): LineSeries[] => {
    const r = selection.results.find((x) => x.config.estimator.name === name && x.config.seed === 0);
    if (r == null) return [];
    const y = r.history[r.history.length - 1].trainLoss;
    return [
      {
        estimator: name,
        options: r.config.estimator.options,
        label: `${r.label}, seed 0`,
        x: span,
        y: [y, y],
        mode: 'lines',
        dash: 'dash',
      },
    ];
  });
  const epochs = (run ?? selection.results[0]).config.epochs;
  return lineFigure({
    title:
      title ??
      `E5 · GR-MC10's temperature at seed 0, noise scale s = ${selection.noiseScale}<br><sup>train ` +
        `cross-entropy after ${epochs} epochs; ${done.length} of ${search.candidates.length} temperatures run; ` +
        `lower is better</sup>`,
    x: { title: 'temperature τ', log: true },
    y: { title: `train CE, epoch ${epochs}`, unit: 'nats per image' },
    series: [
      {
        estimator: search.estimator,
        options: { K: 10 },
        label: 'GR-MC10(τ), seed 0',
        x: done.map((c) => c.tau!),
        y: done.map((c) => c.trainLoss!),
        mode: 'lines+markers',
      },
      ...levels,
    ],
  });
}
