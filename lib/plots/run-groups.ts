/**
 * Runs that differ only in their seed, grouped, with per-epoch statistics over the seeds: what
 * training-curve figures (E3, E5) draw as a line with a band.
 */
import { mean, studentQuantile, welch } from '../math/stats';

/** Mean, smallest and largest value over seeds, per epoch. */
export interface SeedBand {
  mean: number[];
  min: number[];
  max: number[];
}

interface SeededRun<H> {
  config: { seed: number };
  history: readonly H[];
}

/** The runs grouped by `keyOf`, in order of first appearance. */
export function groupRuns<R>(runs: readonly R[], keyOf: (r: R) => string): R[][] {
  const groups = new Map<string, R[]>();
  for (const r of runs) groups.set(keyOf(r), [...(groups.get(keyOf(r)) ?? []), r]);
  return [...groups.values()];
}

/** The epochs every run of the group has reached, and a band over seeds of `valueOf` at each. */
export function seedBands<H extends { epoch: number }>(
  runs: readonly SeededRun<H>[],
  valueOf: (h: H) => number,
): { epochs: number[]; seeds: number[]; band: SeedBand } {
  const n = Math.min(...runs.map((r) => r.history.length));
  const epochs = runs[0].history.slice(0, n).map((h) => h.epoch);
  const per = epochs.map((_e, i) => runs.map((r) => valueOf(r.history[i])));
  return {
    epochs,
    seeds: runs.map((r) => r.config.seed),
    band: { mean: per.map(mean), min: per.map((v) => Math.min(...v)), max: per.map((v) => Math.max(...v)) },
  };
}

/** A setting's final statistic over seeds (lib/checks/c7-training.ts FinalStats): what a gap is taken between. */
interface SeedSummary {
  seeds: number;
  train: { mean: number; sd: number };
}

const signed = (x: number, digits: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(digits)}`;

/**
 * A table cell: `s − reference` in the final training loss with its 95% interval (Welch), or, where
 * either has one seed, the difference alone — one seed has no spread, and an interval would borrow
 * the other's alone and look surer than it is.
 */
export function gapCell(s: SeedSummary, reference: SeedSummary, digits: number): string {
  const w = welch({ ...s.train, n: s.seeds }, { ...reference.train, n: reference.seeds });
  if (s.seeds < 2 || reference.seeds < 2) return `${signed(w.d, digits)} (one seed: no interval)`;
  const t = Number.isFinite(w.df) ? studentQuantile(0.975, w.df) : 1.96;
  return `${signed(w.d, digits)} [${signed(w.d - t * w.se, digits)}, ${signed(w.d + t * w.se, digits)}]`;
}
