/**
 * E5, run sanity (PAPER.md E5): what every finished training run of the quantised classifier
 * must show before its numbers are compared — all its epochs done, finite losses, a training
 * cross-entropy lower at the last epoch than at the first, and a mean-field test accuracy well
 * above chance (10 classes: 0.1). A broken gradient fails the last two. For notebook 08 and
 * test/claims/e5-run-sanity.test.ts alike. It takes the runs' histories and computes nothing else.
 */
import { atLeast, atMost, claimReport, type ClaimReport } from './report';

/** One run as the check reads it: its key, whether it finished, and its per-epoch history. */
export interface E5RunOutcome {
  key: string;
  done: boolean;
  history: readonly { trainLoss: number; testLoss: number; testAccuracy: number }[];
}

/** The rules, named once (ours: RLOO(2), the noisiest estimator, reaches about half in the quick profile). */
export const E5_SANITY_THRESHOLDS = {
  /** the mean-field test accuracy every run reaches at its last epoch (chance: 0.1) */
  minTestAccuracy: 0.25,
} as const;

/** The runs that break a rule, as "key (detail)" for the report. */
const listed = (runs: readonly E5RunOutcome[], detail: (r: E5RunOutcome) => string) =>
  runs.length ? `: ${runs.map((r) => `${r.key} (${detail(r)})`).join(', ')}` : '';

/** The E5 sanity verdict on finished runs of `epochs` epochs each. */
export function e5RunSanity(runs: readonly E5RunOutcome[], epochs: number): ClaimReport<typeof E5_SANITY_THRESHOLDS> {
  if (runs.length === 0) throw new Error('e5RunSanity: no runs');
  if (!(Number.isSafeInteger(epochs) && epochs >= 1))
    throw new Error(`e5RunSanity: epochs must be an integer ≥ 1, got ${epochs}`);
  const first = (r: E5RunOutcome) => r.history[0];
  const final = (r: E5RunOutcome) => r.history[r.history.length - 1];
  const unfinished = runs.filter((r) => !r.done || r.history.length !== epochs);
  const finished = runs.filter((r) => !unfinished.includes(r));
  const nonFinite = finished.filter(
    (r) => !r.history.every((e) => Number.isFinite(e.trainLoss) && Number.isFinite(e.testLoss)),
  );
  const notDecreased = finished.filter((r) => !(final(r).trainLoss < first(r).trainLoss));
  // an unfinished run counts as accuracy NaN: the rule cannot hold on it
  const accuracies = runs.map((r) => (unfinished.includes(r) ? NaN : final(r).testAccuracy));
  const nan = accuracies.findIndex(Number.isNaN);
  const worst = nan >= 0 ? nan : accuracies.reduce((k, a, i) => (a < accuracies[k] ? i : k), 0);
  return claimReport(
    'E5',
    `every run finished its ${epochs} epochs with finite losses, a ` +
      `lower training cross-entropy and a test accuracy well above chance`,
    E5_SANITY_THRESHOLDS,
    [
      atMost(
        'unfinished',
        `runs not finished${listed(unfinished, (r) => `${r.history.length} of ${epochs} epochs`)}`,
        unfinished.length,
        0,
      ),
      atMost('nonFinite', `runs with a non-finite loss${listed(nonFinite, () => 'NaN or ∞')}`, nonFinite.length, 0),
      atMost(
        'notDecreased',
        `runs whose training cross-entropy did not ` +
          `decrease${listed(notDecreased, (r) => `${first(r).trainLoss} → ${final(r).trainLoss}`)}`,
        notDecreased.length,
        0,
      ),
      atLeast(
        'minTestAccuracy',
        `lowest final mean-field test accuracy (${runs[worst].key})`,
        accuracies[worst],
        E5_SANITY_THRESHOLDS.minTestAccuracy,
      ),
    ],
  );
}
