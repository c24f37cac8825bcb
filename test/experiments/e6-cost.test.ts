/** E6 timing helpers: round-robin quantiles rank calls by their cost; quantile interpolates; the order is shuffled. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from '../../lib';
import { quantile, timeRoundRobin } from '../../lib/experiments/e6-cost';

const busy = (ms: number) => () => {
  const t0 = performance.now();
  while (performance.now() - t0 < ms);
};

describe('E6 timing', () => {
  it('timeRoundRobin returns each call’s median time, in order (busy waits of 2 and 8 ms)', () => {
    // no upper bounds: other test processes share the cores and can only add time
    const [fast, slow] = timeRoundRobin([busy(2), busy(8)], 1, 5);
    assert.ok(fast >= 2, `fast ${fast}`);
    assert.ok(slow >= 8, `slow ${slow}`);
    assert.ok(slow > fast, `slow ${slow} ≤ fast ${fast}`);
  });

  it('quantile: order statistics with linear interpolation; bad q named', () => {
    assert.equal(quantile([3, 1, 2], 0.5), 2);
    assert.equal(quantile([4, 1, 3, 2], 0.5), 2.5);
    assert.equal(quantile([10, 20, 30, 40, 50], 0.25), 20);
    assert.equal(quantile([1, 2], 0.25), 1.25);
    assert.throws(() => quantile([1], 1.5), /q in \[0, 1\].*q = 1.5/);
  });

  it('each timed round runs the calls in a fresh seeded order, every call once per round', () => {
    const log: number[] = [];
    timeRoundRobin(
      [0, 1, 2, 3].map((k) => () => void log.push(k)),
      0,
      6,
      Random.fromSeed(3),
    );
    const rounds = Array.from({ length: 6 }, (_, r) => log.slice(4 * r, 4 * r + 4));
    rounds.forEach((round) => assert.deepEqual([...round].sort(), [0, 1, 2, 3]));
    assert.ok(
      new Set(rounds.map((r) => r.join())).size > 1,
      `the order never changed: ${rounds.map((r) => r.join()).join(' | ')}`,
    );
  });
});
