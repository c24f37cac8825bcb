/**
 * A sweep's order of work (lib/training/sweep.ts seedMajor): every setting at seed 0 before any at
 * seed 1, so a long profile cut short after a sitting holds a complete seed-0 search, and the order
 * of settings within a seed is the profile's.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { seedMajor } from '../../lib/training/sweep';
import { E5_PROFILES, e5Configs } from '../../lib/experiments/e5-quantised-network';

describe('seedMajor', () => {
  it('puts all of seed 0 first, then seed 1, keeping the given order within a seed', () => {
    const runs = [
      { id: 'a', seed: 0 },
      { id: 'a', seed: 1 },
      { id: 'a', seed: 2 },
      { id: 'b', seed: 0 },
      { id: 'b', seed: 2 },
      { id: 'c', seed: 1 },
    ];
    assert.deepEqual(
      seedMajor(runs, (r) => r.seed).map((r) => `${r.id}${r.seed}`),
      ['a0', 'b0', 'a1', 'c1', 'a2', 'b2'],
    );
  });

  it('runs the E5 long profile’s temperature and lr searches (seed 0 only) before any seed 1', () => {
    const configs = e5Configs(E5_PROFILES.long);
    const ordered = seedMajor(configs, (c) => c.seed);
    const firstSeed1 = ordered.findIndex((c) => c.seed === 1);
    assert.equal(firstSeed1, configs.filter((c) => c.seed === 0).length);
    const searched = ordered.filter((c) => c.estimator.name === 'grMck' && c.noiseScale === 1);
    assert.deepEqual(
      searched.filter((c) => c.seed === 0).map((c) => c.estimator.options?.tau),
      [0.5, 0.3, 1, 2],
    );
    assert.equal(ordered[firstSeed1].estimator.name, 'zgr', 'within a seed, the verdict’s settings first');
    assert.ok(ordered.slice(0, firstSeed1).every((c) => c.seed === 0));
  });
});
