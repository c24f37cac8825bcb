/** E6 timing helper: round-robin medians rank calls by their cost. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { timeRoundRobin } from '../../lib/experiments/e6-cost';

const busy = (ms: number) => () => {
  const t0 = performance.now();
  while (performance.now() - t0 < ms);
};

describe('E6 timing', () => {
  it('timeRoundRobin returns each call’s median time, in order (busy waits of 2 and 8 ms)', () => {
    const [fast, slow] = timeRoundRobin([busy(2), busy(8)], 1, 5);
    assert.ok(fast >= 2 && fast < 6, `fast ${fast}`);
    assert.ok(slow >= 8 && slow < 14, `slow ${slow}`);
  });
});
