/**
 * E5's searches and the runs a verdict judges (the long profile, notebook 08). Where a profile runs
 * one estimator at several settings — GR-MC10 over τ, RLOO(2) over lr — the setting is selected at
 * seed 0 by the training cross-entropy at the final epoch (the horizon reported, the quantity C7 is
 * about), and only the winner's runs go on to the tables and the verdict. Selecting the peer's best
 * on its own runs can only favour the peer, so it cannot help ZGR pass. Everything is per noise
 * scale s: the two quantisers are two experiments. The verdict on a selection is
 * `checkC7TrainingSelected` (lib/checks/c7-training.ts).
 */
import { estimatorLabel } from '../estimators/spec';
import { e5RunKey, type E5TrainingConfig } from '../training/quantised-config';
import type { E5RunResult } from '../training/quantised-task';
import { settingKey } from '../training/training-run';
import { e5Configs, type E5Profile } from './e5-quantised-network';

/** One setting of an estimator (its label, lr and optimiser: what the verdict's statistics group by). */
export const e5Setting = (c: E5TrainingConfig): string => settingKey({ label: estimatorLabel(c.estimator), config: c });

/** A setting of a search, and its seed-0 training cross-entropy at the final epoch (null: not finished). */
export interface E5Candidate {
  label: string;
  lr: number;
  tau: number | null;
  setting: string;
  trainLoss: number | null;
}

/** A search over one estimator's settings at one noise scale, with its winner among the finished candidates. */
export interface E5Search {
  estimator: string;
  /** in the order of τ, then lr */
  candidates: E5Candidate[];
  /** the candidate with the lowest seed-0 training cross-entropy among the finished (null: none finished) */
  winner: E5Candidate | null;
  /** every candidate finished: the winner cannot change */
  complete: boolean;
}

/** What the long profile holds at one noise scale: its searches, the runs at the selected settings, what is missing. */
export interface E5Selection {
  noiseScale: number;
  searches: E5Search[];
  /** finished runs at each estimator's selected setting (all of an estimator's runs where it has one setting) */
  results: E5RunResult[];
  /** configurations of this noise scale with no finished run */
  missing: E5TrainingConfig[];
}

/**
 * The runs of `profile` at noise scale `noiseScale`: each searched estimator's setting selected at
 * seed 0 among its finished candidates, and the runs still missing.
 */
export function e5Selection(profile: E5Profile, results: readonly E5RunResult[], noiseScale: number): E5Selection {
  const configs = e5Configs(profile).filter((c) => c.noiseScale === noiseScale);
  if (configs.length === 0)
    throw new Error(
      `e5Selection: the profile runs nothing at noise scale ${noiseScale} (its scales: ` +
        `${[...new Set(e5Configs(profile).map((c) => c.noiseScale))].join(', ')})`,
    );
  const byKey = new Map(results.filter((r) => r.done).map((r) => [r.key, r]));
  const finished = configs.map((c) => byKey.get(e5RunKey(c))).filter((r): r is E5RunResult => r != null);
  const missing = configs.filter((c) => !byKey.has(e5RunKey(c)));
  const names = [...new Set(configs.map((c) => c.estimator.name))];
  const searches: E5Search[] = [];
  const selected = new Set<string>();
  for (const name of names) {
    const settings = [...new Set(configs.filter((c) => c.estimator.name === name).map(e5Setting))];
    if (settings.length === 1) {
      selected.add(settings[0]);
      continue;
    }
    const candidates = settings.map((setting): E5Candidate => {
      const c = configs.find((x) => e5Setting(x) === setting)!;
      const seed0 = finished.find((r) => e5Setting(r.config) === setting && r.config.seed === 0);
      return {
        label: estimatorLabel(c.estimator),
        lr: c.lr,
        tau: c.estimator.options?.tau ?? null,
        setting,
        trainLoss: seed0 != null ? seed0.history[seed0.history.length - 1].trainLoss : null,
      };
    });
    candidates.sort((a, b) => (a.tau ?? 0) - (b.tau ?? 0) || a.lr - b.lr); // tables read along the searched axis
    const winner = candidates
      .filter((c) => c.trainLoss != null)
      .reduce<E5Candidate | null>((a, b) => (a == null || b.trainLoss! < a.trainLoss! ? b : a), null);
    if (winner != null) selected.add(winner.setting);
    searches.push({ estimator: name, candidates, winner, complete: candidates.every((c) => c.trainLoss != null) });
  }
  return { noiseScale, searches, results: finished.filter((r) => selected.has(e5Setting(r.config))), missing };
}
