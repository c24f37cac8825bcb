/**
 * C7's training verdict as a picture (E3 in notebook 06, E5 in notebook 08): per epoch, ZGR's gap
 * to each peer in the training loss, ZGR − peer (above 0: ZGR trains worse), with its 95% interval
 * over seeds — Welch, as the check (lib/checks/c7-training.ts) — against the verdict's margin δ.
 * A GR-MCK gap whose interval ends below δ is "about as well"; one that starts above δ fails.
 */
import type { TrainingMeasure } from '../checks/c7-training';
import type { EstimatorSpec } from '../estimators/spec';
import { mean, sampleSd, studentQuantile, welch } from '../math/stats';
import { settingKey, type EpochRecord, type Optimizer, type RunResult } from '../training/training-run';
import { lineFigure, type LineSeries } from './line-figure';
import { groupRuns } from './run-groups';
import type { Figure } from './types';

type Run<M> = RunResult<{ estimator: EstimatorSpec; lr: number; optimizer: Optimizer; seed: number }, M>;

export interface TrainingGapOptions {
  /** the figure's title (the caller names experiment and horizon) */
  title: string;
  /** the verdict's margin δ, drawn as a dashed line: C7_TRAINING_THRESHOLDS.aboutNats or E5's */
  margin: number;
  /** registry names left out (e.g. 'rloo' where its gap is off the others' scale); the subtitle says so */
  omit?: readonly string[];
}

/**
 * ZGR − peer at each epoch both reached: the difference of seed means, and its Welch 95% interval
 * where both have ≥ 2 seeds.
 */
function gapPerEpoch<M>(
  zgr: readonly Run<M>[],
  peer: readonly Run<M>[],
  valueOf: (r: EpochRecord<M>) => number,
): { epochs: number[]; d: number[]; lower: number[] | null; upper: number[] | null } {
  const n = Math.min(...[...zgr, ...peer].map((r) => r.history.length));
  const epochs = zgr[0].history.slice(0, n).map((h) => h.epoch);
  const summary = (runs: readonly Run<M>[], i: number) => {
    const xs = runs.map((r) => valueOf(r.history[i]));
    return { mean: mean(xs), sd: xs.length >= 2 ? sampleSd(xs) : 0, n: xs.length };
  };
  const w = epochs.map((_e, i) => welch(summary(zgr, i), summary(peer, i)));
  const t = (df: number) => (Number.isFinite(df) ? studentQuantile(0.975, df) : 1.96);
  const banded = zgr.length >= 2 && peer.length >= 2;
  return {
    epochs,
    d: w.map((x) => x.d),
    lower: banded ? w.map((x) => x.d - t(x.df) * x.se) : null,
    upper: banded ? w.map((x) => x.d + t(x.df) * x.se) : null,
  };
}

/**
 * One line per peer setting (its registry colour), ZGR − peer per epoch with a 95% band where both
 * have ≥ 2 seeds (one seed: a line alone, no band — an interval would look surer than it is);
 * guides at 0 and at δ. ZGR is its setting with the most seeds (ties: the lowest final loss).
 */
export function trainingGapFigure<M>(
  results: readonly Run<M>[],
  measure: TrainingMeasure<M>,
  options: TrainingGapOptions,
): Figure {
  if (!(options.margin > 0)) throw new Error(`trainingGapFigure: margin must be > 0, got ${options.margin}`);
  const groups = groupRuns(results, settingKey);
  const last = (g: readonly Run<M>[]) => mean(g.map((r) => measure.trainOf(r.history[r.history.length - 1])));
  const zgrs = groups.filter((g) => g[0].config.estimator.name === 'zgr');
  if (zgrs.length === 0) throw new Error('trainingGapFigure: no ZGR runs to take the gaps from');
  const zgr = zgrs.reduce((a, b) => (b.length > a.length || (b.length === a.length && last(b) < last(a)) ? b : a));
  const omit = new Set(options.omit ?? []);
  const peers = groups.filter((g) => g[0].config.estimator.name !== 'zgr');
  const drawn = peers.filter((g) => !omit.has(g[0].config.estimator.name));
  if (drawn.length === 0) throw new Error('trainingGapFigure: no peer setting left to draw');
  const left = peers.filter((g) => omit.has(g[0].config.estimator.name)).map((g) => g[0].label);
  const series = drawn.map((g): LineSeries => {
    const gap = gapPerEpoch(zgr, g, measure.trainOf);
    const { estimator } = g[0].config;
    return {
      estimator: estimator.name,
      options: estimator.options,
      label: `${g[0].label}${g.length === 1 ? ' (1 seed)' : ''}`,
      x: gap.epochs,
      y: gap.d,
      ...(gap.lower && gap.upper ? { band: { lower: gap.lower, upper: gap.upper } } : {}),
    };
  });
  const epochs = series.flatMap((s) => s.x);
  const guide = (label: string, y: number, dash: string): LineSeries => ({
    label,
    x: [Math.min(...epochs), Math.max(...epochs)],
    y: [y, y],
    dash,
    mode: 'lines',
  });
  const notes = [
    `above 0: ZGR trains worse; band: 95% interval over seeds (Welch); ZGR ${zgr.length} seed(s)`,
    ...(left.length > 0 ? [`left out, off this scale: ${left.join(', ')}`] : []),
  ];
  return lineFigure({
    title: `${options.title}<br><sup>${notes.join('; ')}</sup>`,
    x: { title: 'epoch', integer: true },
    y: { title: `ZGR − peer, ${measure.train}`, unit: measure.unit, log: false },
    series: [
      ...series,
      guide(`margin δ = ${options.margin} (GR-MCK)`, options.margin, 'dash'),
      guide('0: level with ZGR', 0, 'dot'),
    ],
  });
}
