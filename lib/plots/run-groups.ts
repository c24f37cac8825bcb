/**
 * Runs that differ only in their seed, grouped, with per-epoch statistics over the seeds: what
 * training-curve figures (E3, E5) draw as a line with a band.
 */
import { mean } from '../math/stats';

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
