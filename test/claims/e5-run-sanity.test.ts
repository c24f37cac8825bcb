/**
 * E5 run sanity: every run finished, with finite losses, a lower training cross-entropy and a test
 * accuracy well above chance (e5RunSanity).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { e5RunSanity, E5_SANITY_THRESHOLDS, type E5RunOutcome } from '../../lib/checks/e5-run-sanity';
import { E5_PROFILES, finishedE5Results } from '../../lib/experiments/e5-quantised-network';

/** A run of 3 epochs: training cross-entropy 0.6 → 0.5 → 0.4 unless given, test accuracy at the end. */
const run = (
  key: string,
  o: Partial<{ done: boolean; epochs: number; trainLoss: number[]; testAccuracy: number; testLoss: number }> = {},
): E5RunOutcome => {
  const trainLoss = o.trainLoss ?? [0.6, 0.5, 0.4];
  const history = trainLoss.slice(0, o.epochs ?? 3).map((t, k, all) => ({
    trainLoss: t,
    testLoss: o.testLoss ?? 0.45,
    testAccuracy: k === all.length - 1 ? (o.testAccuracy ?? 0.8) : 0.5,
  }));
  return { key, done: o.done ?? true, history };
};

const failed = (runs: E5RunOutcome[]) =>
  e5RunSanity(runs, 3)
    .comparisons.filter((c) => !c.holds)
    .map((c) => c.name);

describe(
  'E5 run sanity: every run finished, with finite losses, a lower ' +
    'training cross-entropy and a test accuracy well above chance',
  () => {
    it('holds on sound runs; the lowest final accuracy is measured exactly', () => {
      const report = e5RunSanity([run('zgr', { testAccuracy: 0.83 }), run('rloo', { testAccuracy: 0.52 })], 3);
      assert.ok(report.holds, report.summary);
      assert.deepEqual(report.measured, { unfinished: 0, nonFinite: 0, notDecreased: 0, minTestAccuracy: 0.52 });
      assert.equal(E5_SANITY_THRESHOLDS.minTestAccuracy, 0.25);
    });

    it('fails on a run that stopped early, naming it', () => {
      const report = e5RunSanity([run('zgr'), run('st', { done: false, epochs: 2 })], 3);
      assert.deepEqual(
        report.comparisons.filter((c) => !c.holds).map((c) => c.name),
        ['unfinished', 'minTestAccuracy'],
      );
      assert.match(report.summary, /st \(2 of 3 epochs\)/);
    });

    it('fails on a non-finite loss, and on a training cross-entropy that did not decrease', () => {
      assert.deepEqual(failed([run('zgr', { testLoss: NaN })]), ['nonFinite']);
      assert.deepEqual(failed([run('zgr', { trainLoss: [0.5, 0.45, 0.5] })]), ['notDecreased']);
    });

    it('fails on a final test accuracy below 0.25 (0.2, chance being 0.1), and holds at exactly 0.25', () => {
      const report = e5RunSanity([run('zgr'), run('broken', { testAccuracy: 0.2 })], 3);
      assert.deepEqual(
        report.comparisons.filter((c) => !c.holds).map((c) => c.name),
        ['minTestAccuracy'],
      );
      assert.equal(report.measured.minTestAccuracy, 0.2);
      assert.match(report.summary, /\(broken\)/);
      assert.ok(e5RunSanity([run('edge', { testAccuracy: 0.25 })], 3).holds);
    });

    it('rejects no runs and a bad epoch count by name', () => {
      assert.throws(() => e5RunSanity([], 3), /e5RunSanity: no runs/);
      assert.throws(() => e5RunSanity([run('zgr')], 0), /e5RunSanity: epochs must be an integer ≥ 1, got 0/);
    });

    it('holds on the committed medium runs (results/e5-medium, 24 runs)', () => {
      const runs = finishedE5Results('medium');
      assert.ok(runs != null && runs.length === 24, `committed medium runs: ${runs?.length}`);
      const report = e5RunSanity(runs, E5_PROFILES.medium.epochs);
      assert.ok(report.holds, report.summary);
    });
  },
);
