/**
 * E5's searches and the runs a verdict judges (the long profile, notebook 08). Where a profile runs
 * one estimator at several settings — GR-MC10 over τ, RLOO(2) over lr — the setting is selected at
 * seed 0 by the training cross-entropy at the final epoch (the horizon reported, the quantity C7 is
 * about), and only the winner's runs go on to the tables and the verdict. Selecting the peer's best
 * on its own runs can only favour the peer, so it cannot help ZGR pass. Everything is per noise
 * scale s: the two quantisers are two experiments.
 */
import { C7_TRAINING_E5_THRESHOLDS, checkC7Training, E5_MEASURE, type C7TrainingReport } from '../checks/c7-training';
import { estimatorLabel } from '../estimators/spec';
import { e5RunKey, type E5TrainingConfig } from '../training/quantised-config';
import type { E5RunResult } from '../training/quantised-task';
import { e5Configs, type E5Profile } from './e5-quantised-network';

/** One setting of an estimator (its label, lr and optimiser: what the verdict's statistics group by). */
export const e5Setting = (c: E5TrainingConfig): string => `${estimatorLabel(c.estimator)}|${c.lr}|${c.optimizer}`;

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
    const winner = candidates
      .filter((c) => c.trainLoss != null)
      .reduce<E5Candidate | null>((a, b) => (a == null || b.trainLoss! < a.trainLoss! ? b : a), null);
    if (winner != null) selected.add(winner.setting);
    searches.push({ estimator: name, candidates, winner, complete: candidates.every((c) => c.trainLoss != null) });
  }
  return { noiseScale, searches, results: finished.filter((r) => selected.has(e5Setting(r.config))), missing };
}

/** The verdict on a selection, or why there is none yet (a compared setting with fewer than 2 finished seeds). */
export function e5SelectionVerdict(
  selection: E5Selection,
  where: string,
): { report: C7TrainingReport | null; undecided: string | null } {
  const short = ['zgr', 'grMck', 'rloo'].flatMap((name) => {
    const runs = selection.results.filter((r) => r.config.estimator.name === name);
    const label = runs[0]?.label ?? { zgr: 'ZGR', grMck: 'GR-MCK', rloo: 'RLOO' }[name];
    return runs.length >= 2 ? [] : [`${label} has ${runs.length} finished seed${runs.length === 1 ? '' : 's'}`];
  });
  const open = selection.searches
    .filter((s) => !s.complete)
    .map(
      (s) =>
        `the ${s.estimator} search has ${s.candidates.filter((c) => c.trainLoss == null).length} of ` +
        `${s.candidates.length} settings not yet run`,
    );
  if (short.length > 0 || open.length > 0)
    return {
      report: null,
      undecided:
        `C7 (training, ${where}): undecided — ${[...short, ...open].join('; ')}; the verdict needs every ` +
        `search finished and ≥ 2 seeds of ZGR and of the selected GR-MCK and RLOO settings`,
    };
  return { report: checkC7Training(selection.results, where, C7_TRAINING_E5_THRESHOLDS, E5_MEASURE), undecided: null };
}
