/**
 * Figures and tables of notebook 06 (E3, VAE training): pure builders, run results of
 * lib/experiments/e3-vae-training in, a plotly spec or a markdown table out (no training, no I/O).
 */
import type { GridSummary } from '../experiments/e3-grid';
import type { VaeRunResult } from '../experiments/e3-vae-training';
import { settingKey } from '../training/training-run';
import { lineFigure, type LineSeries } from './line-figure';
import { finalStats, type FinalStats } from '../checks/c7-training';
import { gapCell, groupRuns, seedBands, type SeedBand } from './run-groups';
import type { LatentUsage } from '../models/latent-usage';
import { mean } from '../math/stats';
import { mergeReinmaxIntoZgr } from './style';
import { markdownTable } from './table';
import type { Figure } from './types';

/** Runs that differ only in their seed, with the per-epoch mean, min and max over seeds. */
export interface E3Group {
  /** "8x4" */
  configuration: string;
  estimator: VaeRunResult['config']['estimator'];
  label: string;
  lr: number;
  optimizer: VaeRunResult['config']['optimizer'];
  seeds: number[];
  epochs: number[];
  train: SeedBand;
  test: SeedBand;
}

/** "lr 0.0005" or "lr 0.0005, RAdam" */
const setting = (g: Pick<E3Group, 'lr' | 'optimizer'>) => `lr ${g.lr}${g.optimizer === 'adam' ? '' : ', RAdam'}`;

/**
 * Group runs by configuration, estimator (with options), learning rate and optimiser; per epoch, statistics
 * over seeds of the epochs every seed has reached.
 */
export function e3Groups(results: readonly VaeRunResult[]): E3Group[] {
  return groupRuns(results, (r) => `${r.config.C}x${r.config.numLatents}|${settingKey(r)}`).map((runs) => {
    const c = runs[0].config;
    const train = seedBands(runs, (h) => h.trainNegElbo);
    return {
      configuration: `${c.C}x${c.numLatents}`,
      estimator: c.estimator,
      label: runs[0].label,
      lr: c.lr,
      optimizer: c.optimizer,
      seeds: train.seeds,
      epochs: train.epochs,
      train: train.band,
      test: seedBands(runs, (h) => h.testNegElbo).band,
    };
  });
}

/**
 * E3 training curves for one configuration: −ELBO (train or test) per epoch, one line per
 * estimator (mean over seeds) with a band from the smallest to the largest seed, on whole-number
 * epoch ticks. Learning rates and optimisers join the labels when they differ between estimators. ReinMax(τ=1)
 * is ZGR sample by sample: its runs, if any, are not drawn over ZGR's, and ZGR's curve is labelled
 * "ZGR ≡ ReinMax(τ=1)" wherever ReinMax is in the figure.
 */
export function e3CurvesFigure(
  results: readonly VaeRunResult[],
  configuration: string,
  split: 'train' | 'test',
  title?: string,
): Figure {
  const all = e3Groups(results).filter((g) => g.configuration === configuration);
  if (all.length === 0) throw new Error(`e3CurvesFigure: no runs of configuration ${configuration}`);
  const anyReinmax = all.some((g) => g.estimator.name === 'reinmax');
  const { items: groups, zgrLabel, dropped } = mergeReinmaxIntoZgr(all, (g) => g.estimator, anyReinmax);
  const settings = new Set(groups.map((g) => setting(g)));
  const [C, L] = configuration.split('x');
  const seeds = Math.max(...groups.map((g) => g.seeds.length));
  const spread = seeds > 1 ? `mean over ${seeds} seeds, band: min–max over seeds` : 'one seed';
  const note = dropped.length > 0 ? `; ReinMax(τ=1) runs drawn as ZGR's curve (the same estimator)` : '';
  return lineFigure({
    title: title ?? `E3 · ${split} −ELBO, ${L} latent variables with ${C} categories<br><sup>${spread}${note}</sup>`,
    x: { title: 'epoch', integer: true },
    y: { title: `${split} −ELBO`, unit: 'nats per image', log: 'auto' },
    series: groups.map((g): LineSeries => {
      const label = g.estimator.name === 'zgr' && zgrLabel ? zgrLabel : g.label;
      return {
        estimator: g.estimator.name,
        options: g.estimator.options,
        label: settings.size > 1 ? `${label}, ${setting(g)}` : label,
        x: g.epochs,
        y: g[split].mean,
        band: { lower: g[split].min, upper: g[split].max },
        mode: 'lines+markers',
      };
    }),
  });
}

/**
 * Final −ELBO per configuration and estimator: mean ± standard deviation over seeds, the time per
 * step, and the difference to ZGR's mean with its 95% interval (Welch) where the configuration
 * has ZGR runs — whether the seeds separate two estimators. A markdown table.
 */
export function e3FinalTable(results: readonly VaeRunResult[]): string {
  const configurations = [...new Set(results.map((r) => `${r.config.C}x${r.config.numLatents}`))];
  const rows = configurations.flatMap((configuration) => {
    const runs = results.filter((r) => `${r.config.C}x${r.config.numLatents}` === configuration);
    const stats = finalStats(runs);
    // the reference: ZGR's setting with the most seeds (then the lowest mean), e.g. the horizon grid's winner
    const zgr = stats
      .filter((s) => s.name === 'zgr')
      .reduce<FinalStats | undefined>(
        (a, b) => (a == null || b.seeds > a.seeds || (b.seeds === a.seeds && b.train.mean < a.train.mean) ? b : a),
        undefined,
      );
    const spread = (x: { mean: number; sd: number }, seeds: number) =>
      seeds >= 2 ? `${x.mean.toFixed(2)} ± ${x.sd.toFixed(2)}` : x.mean.toFixed(2);
    return stats.map((s) => {
      const versus = zgr && s !== zgr ? gapCell(s, zgr, 2) : '–';
      return [
        configuration,
        s.label,
        setting(s),
        String(s.seeds),
        String(s.epochs),
        spread(s.train, s.seeds),
        spread(s.test, s.seeds),
        versus,
        (s.secondsPerStep * 1000).toFixed(1),
      ];
    });
  });
  return markdownTable(
    [
      'C×L',
      'estimator',
      'setting',
      'seeds',
      'epochs',
      'train −ELBO',
      'test −ELBO',
      'train − ZGR (95% CI)',
      'ms / step',
    ],
    rows,
    4,
  );
}

/** The tuning grid (lib/experiments/e3-grid.ts): every cell's final −ELBO, winners marked, as a markdown table. */
export function e3GridTable(summary: GridSummary): string {
  const rows = summary.cells.map((c) => {
    const won = summary.winners[c.estimator];
    const isWinner = won != null && won.lr === c.lr && won.optimizer === c.optimizer;
    return [
      c.estimator,
      String(c.lr),
      c.optimizer === 'adam' ? 'Adam' : 'RAdam',
      c.trainNegElbo.toFixed(2),
      c.testNegElbo.toFixed(2),
      isWinner ? '**winner**' : '',
    ];
  });
  return markdownTable(['estimator', 'lr', 'optimiser', 'train −ELBO', 'test −ELBO', ''], rows, 3);
}

/**
 * The horizon grid as a figure: train −ELBO at the grid's last epoch against the learning rate
 * (log axis), one line per estimator, from the grid's finished runs (seed 0); cells not yet run
 * are left out, and the subtitle says how many are drawn.
 */
export function e3GridFigure(results: readonly VaeRunResult[], expectedCells: number, title?: string): Figure {
  const done = results.filter((r) => r.done);
  if (done.length === 0) throw new Error('e3GridFigure: no finished grid runs');
  const epochs = done[0].config.epochs;
  const series = groupRuns(done, (r) => r.label).map((runs): LineSeries => {
    const sorted = [...runs].sort((a, b) => a.config.lr - b.config.lr);
    return {
      estimator: runs[0].config.estimator.name,
      options: runs[0].config.estimator.options,
      label: runs[0].label,
      x: sorted.map((r) => r.config.lr),
      y: sorted.map((r) => r.history[r.history.length - 1].trainNegElbo),
      mode: 'lines+markers',
    };
  });
  return lineFigure({
    title:
      title ??
      `E3 · lr selected at epoch ${epochs}: train −ELBO after ${epochs} epochs, 8×4, seed 0` +
        `<br><sup>${done.length} of ${expectedCells} cells run; Adam</sup>`,
    x: { title: 'learning rate', log: true },
    y: { title: `train −ELBO at epoch ${epochs}`, unit: 'nats per image' },
    series,
  });
}

/**
 * The latent-usage diagnostics a figure can show (slug: in figure names), each read from an epoch
 * record (lib/models/latent-usage.ts).
 */
export const LATENT_USAGE_METRICS = {
  klFraction: {
    slug: 'kl-fraction',
    title: 'KL(q ‖ uniform) / L log C',
    unit: 'fraction',
    of: (u: LatentUsage) => u.klPerImage / u.klCeiling,
  },
  meanMaxQ: { slug: 'mean-max-q', title: 'mean max q', unit: '1 = deterministic', of: (u: LatentUsage) => u.meanMaxQ },
  codePerplexity: {
    slug: 'code-perplexity',
    title: 'codes in use per latent',
    unit: 'perplexity of q̄',
    of: (u: LatentUsage) => mean(u.codePerplexity),
  },
} as const;

/**
 * How each estimator's encoder uses its code, per epoch on the test images: one of the latent-usage
 * metrics, one line per estimator setting (mean over seeds, band min–max). Runs recorded before
 * the diagnostics existed are left out.
 */
export function e3UsageFigure(
  results: readonly VaeRunResult[],
  metric: keyof typeof LATENT_USAGE_METRICS,
  title?: string,
): Figure {
  const m = LATENT_USAGE_METRICS[metric];
  const measured = results.filter((r) => r.history.length > 0 && r.history.every((h) => h.latentUsage != null));
  if (measured.length === 0) throw new Error('e3UsageFigure: no runs with latent-usage records');
  const groups = groupRuns(measured, settingKey);
  const settings = new Set(groups.map((runs) => setting(runs[0].config)));
  const { C, numLatents } = measured[0].config;
  return lineFigure({
    title:
      title ??
      `E3 · ${m.title}, ${numLatents} latent variables with ${C} categories, test images` +
        '<br><sup>mean over seeds, band: min–max</sup>',
    x: { title: 'epoch', integer: true },
    y: { title: m.title, unit: m.unit },
    series: groups.map((runs): LineSeries => {
      const b = seedBands(runs, (h) => m.of(h.latentUsage!));
      const label = settings.size > 1 ? `${runs[0].label}, ${setting(runs[0].config)}` : runs[0].label;
      return {
        estimator: runs[0].config.estimator.name,
        options: runs[0].config.estimator.options,
        label,
        x: b.epochs,
        y: b.band.mean,
        band: { lower: b.band.min, upper: b.band.max },
        mode: 'lines+markers',
      };
    }),
  });
}
